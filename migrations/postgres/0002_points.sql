-- The points economy: a double-entry ledger (points_*), daily check-ins
-- (checkin_*) and the rewards shop (shop_*).

-- One account per member and per system role (mint, escrow, shop) in each
-- community. `owner` is `member:ID` or the role's name.
CREATE TABLE points_accounts (
    id            BIGSERIAL PRIMARY KEY,
    community_id  TEXT    NOT NULL,
    owner         TEXT    NOT NULL,
    member_id     BIGINT  REFERENCES members (id),
    balance       BIGINT  NOT NULL DEFAULT 0,
    contribution  BIGINT  NOT NULL DEFAULT 0,
    UNIQUE (community_id, owner)
);
CREATE INDEX points_accounts_contribution ON points_accounts (community_id, contribution);

-- A movement happens once per idempotency key (derived from the platform
-- event that caused it) and has exactly two entries that sum to zero.
CREATE TABLE points_movements (
    id            BIGSERIAL PRIMARY KEY,
    community_id  TEXT    NOT NULL,
    idem_key      TEXT    NOT NULL,
    kind          TEXT    NOT NULL,
    reason        TEXT    NOT NULL,
    actor_id      BIGINT  REFERENCES members (id),
    at_ms         BIGINT  NOT NULL,
    UNIQUE (community_id, idem_key)
);

CREATE TABLE points_entries (
    movement_id   BIGINT  NOT NULL REFERENCES points_movements (id),
    account_id    BIGINT  NOT NULL REFERENCES points_accounts (id),
    amount        BIGINT  NOT NULL,
    contribution  BIGINT  NOT NULL,
    at_ms         BIGINT  NOT NULL
);
CREATE INDEX points_entries_account ON points_entries (account_id, at_ms);
CREATE INDEX points_entries_time ON points_entries (at_ms);

-- The highest level already announced, so a level-up is announced once.
CREATE TABLE points_levels (
    community_id  TEXT    NOT NULL,
    member_id     BIGINT  NOT NULL REFERENCES members (id),
    level         BIGINT  NOT NULL,
    PRIMARY KEY (community_id, member_id)
);

-- One row per member per calendar day (community time zone) checked in.
CREATE TABLE checkin_days (
    community_id  TEXT    NOT NULL,
    member_id     BIGINT  NOT NULL REFERENCES members (id),
    day           TEXT    NOT NULL,
    makeup        BIGINT  NOT NULL DEFAULT 0,
    at_ms         BIGINT  NOT NULL,
    PRIMARY KEY (community_id, member_id, day)
);

-- Items sold so far, per community and catalogue item.
CREATE TABLE shop_stock (
    community_id  TEXT    NOT NULL,
    item_id       TEXT    NOT NULL,
    sold          BIGINT  NOT NULL DEFAULT 0,
    PRIMARY KEY (community_id, item_id)
);

CREATE TABLE shop_orders (
    id            BIGSERIAL PRIMARY KEY,
    community_id  TEXT    NOT NULL,
    member_id     BIGINT  NOT NULL REFERENCES members (id),
    item_id       TEXT    NOT NULL,
    price         BIGINT  NOT NULL,
    state         TEXT    NOT NULL,
    idem_key      TEXT    NOT NULL,
    created_at_ms BIGINT  NOT NULL,
    updated_at_ms BIGINT  NOT NULL,
    UNIQUE (community_id, idem_key)
);
CREATE INDEX shop_orders_state ON shop_orders (community_id, state);
