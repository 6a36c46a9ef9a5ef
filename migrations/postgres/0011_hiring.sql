-- Hiring: job posts (moderated, listed until they expire), subscriptions
-- delivered by direct message, and what each member was sent. The feature
-- is named `hiring` because the scheduler owns the `jobs_` prefix; its
-- commands are still /job and /jobs. Times are BIGINT milliseconds (UTC);
-- calendar days are TEXT `YYYY-MM-DD` in the community's time zone.

-- Short ids per community: J7 (kind 'post'), S3 (kind 'sub'). Taken with one
-- upsert (`... DO UPDATE SET last = last + 1 RETURNING last`) inside the
-- transaction that stores the post or subscription, so a rolled-back post
-- does not use up a number and two instances never hand out the same one.
CREATE TABLE hiring_counters (
    community_id  TEXT    NOT NULL,
    kind          TEXT    NOT NULL,
    last          BIGINT  NOT NULL,
    PRIMARY KEY (community_id, kind)
);

-- One row per post. `state`: pending (waiting for review), open (listed),
-- rejected, closed (by its poster or a moderator), expired. A listed post
-- is `state = 'open' AND expires_at_ms > now`: an expiry job that runs late
-- never leaves an expired post in a list.
CREATE TABLE hiring_posts (
    id                 BIGSERIAL PRIMARY KEY,
    community_id       TEXT    NOT NULL,
    number             BIGINT  NOT NULL,
    poster_id          BIGINT  NOT NULL REFERENCES members (id),
    -- The account it was posted from: where the poster's direct messages go.
    poster_platform    TEXT    NOT NULL,
    poster_user_id     TEXT    NOT NULL,
    state              TEXT    NOT NULL,
    title              TEXT    NOT NULL,
    company            TEXT,
    -- Folded city keys framed by commas (',北京,上海,'), '' when none; the
    -- `城市:` value as typed is `place`.
    cities             TEXT    NOT NULL DEFAULT '',
    place              TEXT,
    -- 0 on site or not said, 1 hybrid, 2 fully remote.
    remote             BIGINT  NOT NULL DEFAULT 0,
    salary_text        TEXT,
    salary_negotiable  BIGINT  NOT NULL DEFAULT 0,
    salary_min         BIGINT,
    salary_max         BIGINT,
    salary_currency    TEXT,
    salary_period      TEXT,
    salary_months      BIGINT,
    -- Monthly equivalents (same currency) for sorting and SQL prefilters.
    salary_monthly_min BIGINT,
    salary_monthly_max BIGINT,
    -- Tags joined by newlines, as typed.
    tags               TEXT    NOT NULL DEFAULT '',
    description        TEXT    NOT NULL DEFAULT '',
    contact            TEXT    NOT NULL,
    -- The expiry asked for: a length (days; negative = months) counted from
    -- opening, or a last day; both NULL = the community's default.
    expires_days       BIGINT,
    expires_on         TEXT,
    -- Set when the post opens: the start of the day after its last day.
    expires_at_ms      BIGINT,
    -- The body as typed (audit; a later /job edit starts from it).
    source             TEXT    NOT NULL,
    -- platform:chat:message_id of the /job post message: a redelivered
    -- message stores nothing new.
    idem_key           TEXT    NOT NULL,
    moderator_id       BIGINT  REFERENCES members (id),
    reason             TEXT,
    created_at_ms      BIGINT  NOT NULL,
    updated_at_ms      BIGINT  NOT NULL,
    opened_at_ms       BIGINT,
    closed_at_ms       BIGINT,
    UNIQUE (community_id, number),
    UNIQUE (community_id, idem_key)
);
CREATE INDEX hiring_posts_listed ON hiring_posts (community_id, state, opened_at_ms);
CREATE INDEX hiring_posts_poster ON hiring_posts (community_id, poster_id, created_at_ms);

-- A member's subscription. `query` is what was typed and is parsed again
-- at matching time (so a better normalizer applies to old subscriptions);
-- the other columns are for lists, duplicates and SQL prefilters.
CREATE TABLE hiring_subscriptions (
    id               BIGSERIAL PRIMARY KEY,
    community_id     TEXT    NOT NULL,
    number           BIGINT  NOT NULL,
    member_id        BIGINT  NOT NULL REFERENCES members (id),
    -- The account it was made from: where its direct messages go.
    platform         TEXT    NOT NULL,
    user_id          TEXT    NOT NULL,
    query            TEXT    NOT NULL,
    -- Keywords folded and sorted, cities, remote, floor: one member cannot
    -- hold the same subscription twice.
    canonical        TEXT    NOT NULL,
    keywords         TEXT    NOT NULL,
    cities           TEXT    NOT NULL DEFAULT '',
    remote           BIGINT  NOT NULL DEFAULT 0,
    salary_floor     BIGINT,
    salary_currency  TEXT,
    created_at_ms    BIGINT  NOT NULL,
    UNIQUE (community_id, number),
    UNIQUE (community_id, member_id, canonical)
);
CREATE INDEX hiring_subscriptions_member ON hiring_subscriptions (community_id, member_id);

-- What a member was (or will be) sent: one row per post and member, ever,
-- so nobody gets the same post twice (two matching subscriptions, a rerun
-- of a job, a second instance). `state`: 'direct' (in its own message),
-- 'bundled' (waits for the bundle of `bundle_day`), 'dropped' (the post
-- closed before its bundle went). `batch` is the key of the job whose
-- output carries it: a rerun of that job finds the same rows and stores
-- the same outbox keys, so nothing is sent twice or lost.
CREATE TABLE hiring_deliveries (
    post_id             BIGINT  NOT NULL REFERENCES hiring_posts (id),
    member_id           BIGINT  NOT NULL REFERENCES members (id),
    community_id        TEXT    NOT NULL,
    subscription_number BIGINT  NOT NULL,
    platform            TEXT    NOT NULL,
    user_id             TEXT    NOT NULL,
    state               TEXT    NOT NULL,
    bundle_day          TEXT,
    batch               TEXT,
    created_at_ms       BIGINT  NOT NULL,
    PRIMARY KEY (post_id, member_id)
);
CREATE INDEX hiring_deliveries_waiting ON hiring_deliveries (community_id, member_id, state, bundle_day);
CREATE INDEX hiring_deliveries_batch ON hiring_deliveries (batch);

-- Per member and calendar day: posts submitted (kind 'post') and job
-- messages queued (kind 'dm'). Taken with a conditional upsert that returns
-- no row once the day's limit is reached, in the transaction that stores
-- the post or the delivery, so two instances cannot both take the last one.
CREATE TABLE hiring_quota (
    community_id  TEXT    NOT NULL,
    member_id     BIGINT  NOT NULL REFERENCES members (id),
    kind          TEXT    NOT NULL,
    day           TEXT    NOT NULL,
    used          BIGINT  NOT NULL,
    PRIMARY KEY (community_id, member_id, kind, day)
);
