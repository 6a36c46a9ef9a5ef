-- The scheduler: durable jobs (claimed with a lease, retried with backoff,
-- failed ones kept visible) and cron schedules per chat. A job's key is
-- unique, so enqueueing the same work twice (two instances, a restart)
-- stores it once.
CREATE TABLE jobs_queue (
    id             BIGSERIAL PRIMARY KEY,
    kind           TEXT    NOT NULL,
    key            TEXT    NOT NULL UNIQUE,
    payload        TEXT    NOT NULL,
    due_ms         BIGINT  NOT NULL,
    state          TEXT    NOT NULL DEFAULT 'pending',
    attempts       BIGINT  NOT NULL DEFAULT 0,
    max_attempts   BIGINT  NOT NULL,
    last_error     TEXT,
    lease_owner    TEXT,
    lease_until_ms BIGINT,
    created_at_ms  BIGINT  NOT NULL,
    updated_at_ms  BIGINT  NOT NULL
);
CREATE INDEX jobs_queue_due ON jobs_queue (state, due_ms);

CREATE TABLE jobs_schedules (
    id             BIGSERIAL PRIMARY KEY,
    community_id   TEXT    NOT NULL,
    platform       TEXT    NOT NULL,
    chat_id        TEXT    NOT NULL,
    kind           TEXT    NOT NULL,
    expr           TEXT    NOT NULL,
    source         TEXT    NOT NULL,
    next_ms        BIGINT  NOT NULL,
    created_by     BIGINT,
    created_at_ms  BIGINT  NOT NULL,
    UNIQUE (community_id, platform, chat_id, kind)
);
CREATE INDEX jobs_schedules_next ON jobs_schedules (next_ms);
