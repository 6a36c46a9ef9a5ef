-- FAQ redirection: entries, their aliases (added by moderators, learned from
-- redirects, imported) and negative examples, the redirects made (cooldowns,
-- feedback) and questions that matched nothing (FAQ gaps).
CREATE TABLE faq_entries (
    community_id  TEXT    NOT NULL,
    id            TEXT    NOT NULL,
    lang          TEXT    NOT NULL,
    question      TEXT    NOT NULL,
    answer        TEXT    NOT NULL,
    link          TEXT,
    tags          TEXT    NOT NULL DEFAULT '',
    hits          INTEGER NOT NULL DEFAULT 0,
    helpful       INTEGER NOT NULL DEFAULT 0,
    unhelpful     INTEGER NOT NULL DEFAULT 0,
    created_at_ms INTEGER NOT NULL,
    updated_at_ms INTEGER NOT NULL,
    PRIMARY KEY (community_id, id)
);

CREATE TABLE faq_aliases (
    community_id  TEXT    NOT NULL,
    entry_id      TEXT    NOT NULL,
    text          TEXT    NOT NULL,
    source        TEXT    NOT NULL,
    added_at_ms   INTEGER NOT NULL,
    PRIMARY KEY (community_id, entry_id, text),
    FOREIGN KEY (community_id, entry_id) REFERENCES faq_entries (community_id, id) ON DELETE CASCADE
);

CREATE TABLE faq_negatives (
    community_id  TEXT    NOT NULL,
    entry_id      TEXT    NOT NULL,
    text          TEXT    NOT NULL,
    added_at_ms   INTEGER NOT NULL,
    PRIMARY KEY (community_id, entry_id, text),
    FOREIGN KEY (community_id, entry_id) REFERENCES faq_entries (community_id, id) ON DELETE CASCADE
);

CREATE TABLE faq_redirects (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    community_id  TEXT    NOT NULL,
    chat          TEXT    NOT NULL,
    entry_id      TEXT    NOT NULL,
    asker_id      INTEGER,
    query         TEXT    NOT NULL,
    automatic     BOOLEAN NOT NULL,
    at_ms         INTEGER NOT NULL
);
CREATE INDEX faq_redirects_chat ON faq_redirects (community_id, chat, at_ms);

CREATE TABLE faq_misses (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    community_id  TEXT    NOT NULL,
    chat          TEXT    NOT NULL,
    text          TEXT    NOT NULL,
    at_ms         INTEGER NOT NULL
);
CREATE INDEX faq_misses_time ON faq_misses (community_id, at_ms);
