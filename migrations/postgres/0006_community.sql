-- Chats registered into a community by one of its admins (`/community add
-- CODE` sent in the chat), the single-use codes that allow it, and the chats
-- that were told once that they belong to no community. Chats listed in the
-- config are not stored.
CREATE TABLE community_chats (
    platform       TEXT    NOT NULL,
    chat_id        TEXT    NOT NULL,
    community_id   TEXT    NOT NULL,
    registered_by  BIGINT  NOT NULL REFERENCES members (id),
    at_ms          BIGINT  NOT NULL,
    PRIMARY KEY (platform, chat_id)
);
CREATE INDEX community_chats_community ON community_chats (community_id);

CREATE TABLE community_codes (
    code           TEXT    PRIMARY KEY,
    community_id   TEXT    NOT NULL,
    member_id      BIGINT  NOT NULL REFERENCES members (id),
    created_at_ms  BIGINT  NOT NULL,
    expires_at_ms  BIGINT  NOT NULL
);
CREATE INDEX community_codes_member ON community_codes (member_id);

CREATE TABLE community_notices (
    platform       TEXT    NOT NULL,
    chat_id        TEXT    NOT NULL,
    at_ms          BIGINT  NOT NULL,
    PRIMARY KEY (platform, chat_id)
);
