-- The outbox: every message a job produces is stored here, in the same
-- transaction that marks the job done, before any adapter sends it. The
-- adapter of its platform claims rows with a lease, sends them through its
-- rate limiters and marks them sent; a crash between sending and marking
-- resends at most the rows it held. `key` (the job's key and the message's
-- place in its output) makes a rerun of the same job store nothing new.
CREATE TABLE jobs_outbox (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    key            TEXT    NOT NULL UNIQUE,
    platform       TEXT    NOT NULL,
    destination    TEXT    NOT NULL,
    part           INTEGER NOT NULL,
    message        TEXT    NOT NULL,
    state          TEXT    NOT NULL DEFAULT 'pending',
    attempts       INTEGER NOT NULL DEFAULT 0,
    max_attempts   INTEGER NOT NULL,
    due_ms         INTEGER NOT NULL,
    last_error     TEXT,
    lease_owner    TEXT,
    lease_until_ms INTEGER,
    created_at_ms  INTEGER NOT NULL,
    sent_at_ms     INTEGER
);
CREATE INDEX jobs_outbox_due ON jobs_outbox (platform, state, part, due_ms);
