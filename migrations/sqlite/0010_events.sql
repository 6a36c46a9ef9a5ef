-- Events: salons and meetups members sign up for, with a capacity and a
-- waitlist in arrival order, reminders (jobs in the scheduler's queue),
-- calendar files and attendance codes that pay contribution points. Times
-- are INTEGER milliseconds (UTC); `tz` is the zone the event was set in.

-- Short ids per community: E12. Taken with one upsert inside the
-- transaction that stores the event.
CREATE TABLE events_counters (
    community_id  TEXT    NOT NULL PRIMARY KEY,
    last          INTEGER NOT NULL
);

-- One row per event. `state`: open or cancelled. `sequence` is the .ics
-- SEQUENCE, raised by every edit and by the cancel. `arrivals` numbers
-- sign-ups in the order they were taken (under this row's lock), so the
-- waitlist is in arrival order.
CREATE TABLE events_events (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    community_id   TEXT    NOT NULL,
    number         INTEGER NOT NULL,
    title          TEXT    NOT NULL,
    starts_at_ms   INTEGER NOT NULL,
    ends_at_ms     INTEGER,
    tz             TEXT    NOT NULL,
    -- 1 online (`place` is a link), 0 offline (`place` is an address).
    online         INTEGER NOT NULL DEFAULT 0,
    place          TEXT,
    capacity       INTEGER,
    deadline_ms    INTEGER NOT NULL,
    description    TEXT    NOT NULL DEFAULT '',
    -- Lowest points level that may join (0: everyone).
    min_level      INTEGER NOT NULL DEFAULT 0,
    state          TEXT    NOT NULL,
    sequence       INTEGER NOT NULL DEFAULT 0,
    arrivals       INTEGER NOT NULL DEFAULT 0,
    creator_id     INTEGER NOT NULL REFERENCES members (id),
    -- `platform:chat:message_id` of the create message: a redelivered
    -- message stores nothing.
    idem_key       TEXT    NOT NULL,
    -- The attendance code and until when it is accepted.
    code           TEXT,
    code_until_ms  INTEGER,
    created_at_ms  INTEGER NOT NULL,
    updated_at_ms  INTEGER NOT NULL,
    UNIQUE (community_id, number),
    UNIQUE (community_id, idem_key)
);
CREATE INDEX events_events_upcoming ON events_events (community_id, state, starts_at_ms);
CREATE INDEX events_events_code ON events_events (community_id, code);

-- One row per member and event. `state`: going, waitlist, left, walkin
-- (attended without signing up). `arrival` orders the waitlist.
CREATE TABLE events_signups (
    event_id      INTEGER NOT NULL REFERENCES events_events (id),
    member_id     INTEGER NOT NULL REFERENCES members (id),
    -- The account that signed up: where the member's direct messages go.
    platform      TEXT    NOT NULL,
    user_id       TEXT    NOT NULL,
    state         TEXT    NOT NULL,
    arrival       INTEGER NOT NULL,
    present       INTEGER NOT NULL DEFAULT 0,
    updated_at_ms INTEGER NOT NULL,
    PRIMARY KEY (event_id, member_id)
);
CREATE INDEX events_signups_member ON events_signups (member_id);

-- A member's own settings: the time zone events are shown in, and whether
-- they want reminders.
CREATE TABLE events_prefs (
    community_id  TEXT    NOT NULL,
    member_id     INTEGER NOT NULL REFERENCES members (id),
    tz            TEXT,
    reminders     INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (community_id, member_id)
);
