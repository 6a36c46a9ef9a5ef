-- The shared language model (issue 18) and its three uses.
--
-- Tokens are accounted per community and budget day (UTC) in one table
-- for every use, moved here from the news feature's own. A call reserves
-- its estimated cost first (a conditional UPDATE that keeps the total
-- within the budget) and settles to what it cost after.
CREATE TABLE llm_usage (
    community_id  TEXT    NOT NULL,
    day           TEXT    NOT NULL,
    tokens        INTEGER  NOT NULL,
    PRIMARY KEY (community_id, day)
);
INSERT INTO llm_usage (community_id, day, tokens) SELECT community_id, day, tokens FROM news_llm_usage;
DROP TABLE news_llm_usage;

-- News: answers that could not be read as a translation of the item; after
-- a few it is not sent again (untranslated items are otherwise retried on
-- later passes).
ALTER TABLE news_items ADD COLUMN translate_failures INTEGER NOT NULL DEFAULT 0;

-- Chat-day summaries: the chats a moderator opted in (never a direct
-- chat), what the digest calls them, who did it (platform:user_id) and when.
CREATE TABLE summary_chats (
    community_id   TEXT    NOT NULL,
    platform       TEXT    NOT NULL,
    chat_id        TEXT    NOT NULL,
    label          TEXT    NOT NULL,
    enabled_by     TEXT    NOT NULL,
    enabled_at_ms  INTEGER  NOT NULL,
    PRIMARY KEY (platform, chat_id)
);

-- The text of opted-in chats' messages, kept for the summary only: written
-- by the group commit, capped per chat and day (the community's calendar
-- day), deleted after keep_days and when the chat opts out.
CREATE TABLE summary_messages (
    id             INTEGER PRIMARY KEY,
    community_id   TEXT    NOT NULL,
    platform       TEXT    NOT NULL,
    chat_id        TEXT    NOT NULL,
    day            TEXT    NOT NULL,
    at_ms          INTEGER  NOT NULL,
    text           TEXT    NOT NULL
);
CREATE INDEX summary_messages_chat ON summary_messages (platform, chat_id, at_ms);
CREATE INDEX summary_messages_day ON summary_messages (platform, chat_id, day);
CREATE INDEX summary_messages_time ON summary_messages (at_ms);

-- Summaries made, one per chat and digest day: reused while no message
-- was added since (`messages` is how many it read).
CREATE TABLE summary_texts (
    platform       TEXT    NOT NULL,
    chat_id        TEXT    NOT NULL,
    day            TEXT    NOT NULL,
    community_id   TEXT    NOT NULL,
    messages       INTEGER  NOT NULL,
    summary        TEXT    NOT NULL,
    model          TEXT    NOT NULL,
    created_at_ms  INTEGER  NOT NULL,
    PRIMARY KEY (platform, chat_id, day)
);

-- FAQ drafting: a proposal the model drafted names the model (NULL: people
-- wrote it). A draft from a /faq gaps cluster has no question of its own:
-- its question_number is the negative of its draft number (D3 is -3), so
-- one queue and one decision serve both.
ALTER TABLE faq_proposals ADD COLUMN drafted_by TEXT;
