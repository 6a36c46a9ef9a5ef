-- The community's figures (the stats feature): what the group commit
-- counts from chat (messages per chat and per member per day, questions and
-- their first replies). Everything else is counted from the other features'
-- own tables when figures are asked for.

-- Messages per chat per day (the community's calendar day).
CREATE TABLE stats_chat_days (
    community_id  TEXT    NOT NULL,
    day           TEXT    NOT NULL,
    platform      TEXT    NOT NULL,
    chat_id       TEXT    NOT NULL,
    messages      BIGINT  NOT NULL,
    PRIMARY KEY (community_id, day, platform, chat_id)
);

-- Messages per member per day: a member with a row spoke that day (daily,
-- weekly and monthly actives).
CREATE TABLE stats_member_days (
    community_id  TEXT    NOT NULL,
    day           TEXT    NOT NULL,
    member_id     BIGINT  NOT NULL,
    messages      BIGINT  NOT NULL,
    PRIMARY KEY (community_id, day, member_id)
);
CREATE INDEX stats_member_days_member ON stats_member_days (member_id);

-- Messages that asked something, and when someone else first replied.
CREATE TABLE stats_questions (
    community_id    TEXT    NOT NULL,
    platform        TEXT    NOT NULL,
    chat_id         TEXT    NOT NULL,
    message_id      TEXT    NOT NULL,
    asker_id        BIGINT  NOT NULL,
    asked_at_ms     BIGINT  NOT NULL,
    first_reply_ms  BIGINT,
    PRIMARY KEY (community_id, platform, chat_id, message_id)
);
CREATE INDEX stats_questions_time ON stats_questions (community_id, asked_at_ms);
CREATE INDEX stats_questions_asker ON stats_questions (asker_id);
