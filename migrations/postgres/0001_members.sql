-- Members (one per person per community) and the platform accounts attached
-- to them; link codes that merge accounts across platforms.
CREATE TABLE members (
    id            BIGSERIAL PRIMARY KEY,
    community_id  TEXT      NOT NULL,
    display_name  TEXT      NOT NULL,
    locale        TEXT,
    joined_at_ms  BIGINT    NOT NULL,
    merged_into   BIGINT    REFERENCES members (id)
);

CREATE TABLE member_accounts (
    community_id  TEXT   NOT NULL,
    platform      TEXT   NOT NULL,
    user_id       TEXT   NOT NULL,
    member_id     BIGINT NOT NULL REFERENCES members (id),
    display_name  TEXT   NOT NULL,
    linked_at_ms  BIGINT NOT NULL,
    last_seen_ms  BIGINT NOT NULL,
    PRIMARY KEY (community_id, platform, user_id)
);
CREATE INDEX member_accounts_member ON member_accounts (member_id);

CREATE TABLE link_codes (
    code          TEXT   PRIMARY KEY,
    community_id  TEXT   NOT NULL,
    member_id     BIGINT NOT NULL REFERENCES members (id),
    created_at_ms BIGINT NOT NULL,
    expires_at_ms BIGINT NOT NULL
);
CREATE INDEX link_codes_member ON link_codes (member_id);

CREATE TABLE link_merges (
    kept_id   BIGINT NOT NULL REFERENCES members (id),
    merged_id BIGINT NOT NULL REFERENCES members (id),
    at_ms     BIGINT NOT NULL
);
