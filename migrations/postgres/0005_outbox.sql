-- The outbox: every message a job produces is stored here, in the same
-- transaction that marks the job done, before any adapter sends it. The
-- adapter of its platform claims rows with a lease, sends them through its
-- rate limiters and marks them sent; a crash between sending and marking
-- resends at most the rows it held. `key` (the job's key and the message's
-- place in its output) makes a rerun of the same job store nothing new.
CREATE TABLE jobs_outbox (
    id             BIGSERIAL PRIMARY KEY,
    key            TEXT    NOT NULL UNIQUE,
    platform       TEXT    NOT NULL,
    destination    TEXT    NOT NULL,
    part           BIGINT  NOT NULL,
    message        TEXT    NOT NULL,
    state          TEXT    NOT NULL DEFAULT 'pending',
    attempts       BIGINT  NOT NULL DEFAULT 0,
    max_attempts   BIGINT  NOT NULL,
    due_ms         BIGINT  NOT NULL,
    last_error     TEXT,
    lease_owner    TEXT,
    lease_until_ms BIGINT,
    created_at_ms  BIGINT  NOT NULL,
    sent_at_ms     BIGINT
);
CREATE INDEX jobs_outbox_due ON jobs_outbox (platform, state, part, due_ms);
