-- The moderators' web dashboard: one-time login links and the sessions
-- they open. Only SHA-256 hashes of the link's random part and of the
-- session cookie are kept, so a copy of the database logs no one in. Rows
-- live in the database, not in memory, so any instance redeems a link
-- another made and a restart loses no session.

-- A login link sent by /dashboard: single use (used_at_ms), valid until
-- expires_at_ms, for one member of one community. grant_kind says how the
-- member was a moderator when asking: 'listed' (the config's moderators or
-- admins: checked again on every page) or 'platform' (a group admin flag,
-- which only a chat message carries).
CREATE TABLE dashboard_logins (
    token_hash     TEXT    PRIMARY KEY,
    community_id   TEXT    NOT NULL,
    member_id      INTEGER NOT NULL,
    grant_kind     TEXT    NOT NULL,
    created_at_ms  INTEGER NOT NULL,
    expires_at_ms  INTEGER NOT NULL,
    used_at_ms     INTEGER
);
CREATE INDEX dashboard_logins_expiry ON dashboard_logins (expires_at_ms);

-- A browser logged in: the cookie's hash, whose it is, until when.
CREATE TABLE dashboard_sessions (
    session_hash   TEXT    PRIMARY KEY,
    community_id   TEXT    NOT NULL,
    member_id      INTEGER NOT NULL,
    grant_kind     TEXT    NOT NULL,
    created_at_ms  INTEGER NOT NULL,
    expires_at_ms  INTEGER NOT NULL
);
CREATE INDEX dashboard_sessions_expiry ON dashboard_sessions (expires_at_ms);

