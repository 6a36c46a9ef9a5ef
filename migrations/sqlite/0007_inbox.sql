-- The inbox: every platform update the adapters take in is stored here,
-- before the platform is told it arrived (Telegram's next getUpdates offset
-- or the webhook's 200), so an acknowledged update survives a crash.
-- (source, update_id) is unique: a redelivered update is stored once and
-- handled once. `state` goes received → handled (the engine is done; the
-- replies it owes wait in `replies`) → done (the replies were sent). At
-- start, rows not done are taken up again: received ones are handled,
-- handled ones have their replies sent. Done rows are pruned after a while.
CREATE TABLE inbox (
    source         TEXT    NOT NULL,
    update_id      INTEGER NOT NULL,
    payload        TEXT    NOT NULL,
    state          TEXT    NOT NULL DEFAULT 'received',
    replies        TEXT,
    received_at_ms INTEGER NOT NULL,
    handled_at_ms  INTEGER,
    PRIMARY KEY (source, update_id)
);
CREATE INDEX inbox_open ON inbox (source, state, update_id);
