-- News: RSS and Atom sources per community, their fetch state, the items
-- they brought (one per community and item key: GUID, else link, else
-- title and date), chats watching for keywords and what was posted to
-- them, and (for the optional language model) cached translations and the
-- tokens spent per community and day. Times are BIGINT  milliseconds (UTC).

-- Short ids per community: F3.
CREATE TABLE news_counters (
    community_id  TEXT    NOT NULL PRIMARY KEY,
    last          BIGINT  NOT NULL
);

-- One row per source. `tags`, `include_words`, `exclude_words` and `chats`
-- are comma-separated with a comma at each end (`,pg,release,`), so a tag
-- is found with LIKE '%,tag,%'. `fetch_gen` numbers the fetch jobs: a
-- job's result is recorded only while it is the source's current one, and
-- the next job's key carries the next number, so a job run twice schedules
-- one successor. `dead_reported`: moderators were told it is dead.
CREATE TABLE news_sources (
    id              BIGSERIAL PRIMARY KEY,
    community_id    TEXT    NOT NULL,
    number          BIGINT  NOT NULL,
    url             TEXT    NOT NULL,
    language        TEXT    NOT NULL,
    tags            TEXT    NOT NULL DEFAULT ',',
    include_words   TEXT    NOT NULL DEFAULT ',',
    exclude_words   TEXT    NOT NULL DEFAULT ',',
    chats           TEXT    NOT NULL DEFAULT ',',
    from_config     BIGINT  NOT NULL DEFAULT 0,
    added_platform  TEXT,
    added_user      TEXT,
    etag            TEXT,
    last_modified   TEXT,
    last_fetch_ms   BIGINT,
    last_ok_ms      BIGINT,
    failures        BIGINT  NOT NULL DEFAULT 0,
    last_error      TEXT,
    dead_reported   BIGINT  NOT NULL DEFAULT 0,
    next_fetch_ms   BIGINT  NOT NULL,
    fetch_gen       BIGINT  NOT NULL DEFAULT 0,
    created_at_ms   BIGINT  NOT NULL,
    UNIQUE (community_id, number),
    UNIQUE (community_id, url)
);

CREATE TABLE news_items (
    id             BIGSERIAL PRIMARY KEY,
    community_id   TEXT    NOT NULL,
    source_id      BIGINT  NOT NULL REFERENCES news_sources (id) ON DELETE CASCADE,
    item_key       TEXT    NOT NULL,
    guid           TEXT,
    link           TEXT,
    title          TEXT    NOT NULL,
    summary        TEXT    NOT NULL DEFAULT '',
    published_ms   BIGINT,
    fetched_at_ms  BIGINT  NOT NULL,
    language       TEXT    NOT NULL,
    UNIQUE (community_id, item_key)
);
CREATE INDEX news_items_link ON news_items (community_id, link);
CREATE INDEX news_items_fetched ON news_items (community_id, fetched_at_ms);
CREATE INDEX news_items_source ON news_items (source_id);

-- Chats that get matching items as they arrive (`keywords` as in sources).
CREATE TABLE news_watches (
    community_id   TEXT    NOT NULL,
    platform       TEXT    NOT NULL,
    chat_id        TEXT    NOT NULL,
    keywords       TEXT    NOT NULL,
    created_at_ms  BIGINT  NOT NULL,
    PRIMARY KEY (community_id, platform, chat_id)
);

-- Items posted to a watching chat: once each, counted for the hourly cap.
CREATE TABLE news_posts (
    platform      TEXT    NOT NULL,
    chat_id       TEXT    NOT NULL,
    item_id       BIGINT  NOT NULL REFERENCES news_items (id) ON DELETE CASCADE,
    posted_at_ms  BIGINT  NOT NULL,
    PRIMARY KEY (platform, chat_id, item_id)
);
CREATE INDEX news_posts_time ON news_posts (platform, chat_id, posted_at_ms);

-- Machine translations, one per item and language.
CREATE TABLE news_translations (
    item_id        BIGINT  NOT NULL REFERENCES news_items (id) ON DELETE CASCADE,
    language       TEXT    NOT NULL,
    title          TEXT    NOT NULL,
    summary        TEXT    NOT NULL,
    created_at_ms  BIGINT  NOT NULL,
    PRIMARY KEY (item_id, language)
);

-- Language-model tokens spent per community and calendar day (UTC).
CREATE TABLE news_llm_usage (
    community_id  TEXT    NOT NULL,
    day           TEXT    NOT NULL,
    tokens        BIGINT  NOT NULL,
    PRIMARY KEY (community_id, day)
);
