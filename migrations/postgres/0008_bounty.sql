-- Bounty Q&A: questions with points held in the ledger's `escrow` account,
-- answers, votes, and each member's notification choices. Times are BIGINT
-- milliseconds (UTC). The escrow account of a community always equals the
-- sum of `bounty` over its open questions (`jixia doctor` checks it).

-- Short question ids per community (Q17), taken with one upsert inside the
-- transaction that stores the question.
CREATE TABLE bounty_counters (
    community_id  TEXT    NOT NULL PRIMARY KEY,
    last          BIGINT  NOT NULL
);

-- One row per question. `state`: open, accepted (final), expired (settled
-- by its expiry job). `bounty` is 0 for a question asked without one.
CREATE TABLE bounty_questions (
    id                 BIGSERIAL PRIMARY KEY,
    community_id       TEXT    NOT NULL,
    number             BIGINT  NOT NULL,
    asker_id           BIGINT  NOT NULL REFERENCES members (id),
    -- The account it was asked from: where the asker's direct messages go.
    asker_platform     TEXT    NOT NULL,
    asker_user_id      TEXT    NOT NULL,
    -- Where it was asked, and the asker's message (a reply to it answers).
    chat_platform      TEXT    NOT NULL,
    chat_id            TEXT    NOT NULL,
    message_id         TEXT    NOT NULL,
    text               TEXT    NOT NULL,
    bounty             BIGINT  NOT NULL,
    urgent             BIGINT  NOT NULL DEFAULT 0,
    state              TEXT    NOT NULL,
    -- Answers given so far (the next answer's number is answers + 1).
    answers            BIGINT  NOT NULL DEFAULT 0,
    created_at_ms      BIGINT  NOT NULL,
    -- End of the period (the asker accepts until settle_at_ms; after
    -- expires_at_ms a moderator may accept for them).
    expires_at_ms      BIGINT  NOT NULL,
    settle_at_ms       BIGINT  NOT NULL,
    accepted_answer_id BIGINT,
    closed_by          BIGINT  REFERENCES members (id),
    closed_at_ms       BIGINT,
    -- What the settlement paid to an answer and gave back to the asker.
    paid               BIGINT  NOT NULL DEFAULT 0,
    returned           BIGINT  NOT NULL DEFAULT 0,
    -- When the asker was last told of new answers (at most one message
    -- per question per 10 minutes).
    notified_at_ms     BIGINT,
    -- `platform:chat:message_id` of the asking message: a redelivered
    -- message asks nothing twice.
    idem_key           TEXT    NOT NULL,
    UNIQUE (community_id, number),
    UNIQUE (community_id, idem_key)
);
CREATE INDEX bounty_questions_open ON bounty_questions (community_id, state);
CREATE INDEX bounty_questions_asker ON bounty_questions (asker_id, state);

-- Answers, numbered per question (Q17-A2).
CREATE TABLE bounty_answers (
    id                 BIGSERIAL PRIMARY KEY,
    question_id        BIGINT  NOT NULL REFERENCES bounty_questions (id),
    number             BIGINT  NOT NULL,
    answerer_id        BIGINT  NOT NULL REFERENCES members (id),
    chat_platform      TEXT    NOT NULL,
    chat_id            TEXT    NOT NULL,
    -- The answering message (a reply to it, or a reaction on it, targets
    -- the answer).
    message_id         TEXT    NOT NULL,
    text               TEXT    NOT NULL,
    created_at_ms      BIGINT  NOT NULL,
    idem_key           TEXT    NOT NULL,
    UNIQUE (question_id, number),
    UNIQUE (question_id, idem_key)
);
CREATE INDEX bounty_answers_message ON bounty_answers (chat_platform, chat_id, message_id);

-- One vote per member per answer.
CREATE TABLE bounty_votes (
    answer_id      BIGINT  NOT NULL REFERENCES bounty_answers (id),
    member_id      BIGINT  NOT NULL REFERENCES members (id),
    created_at_ms  BIGINT  NOT NULL,
    PRIMARY KEY (answer_id, member_id)
);

-- Direct-message choices: urgent bounties announced (opt in), new answers
-- to one's own questions (opt out). The account is where they go.
CREATE TABLE bounty_prefs (
    community_id   TEXT    NOT NULL,
    member_id      BIGINT  NOT NULL REFERENCES members (id),
    platform       TEXT    NOT NULL,
    user_id        TEXT    NOT NULL,
    urgent         BIGINT  NOT NULL DEFAULT 0,
    answers        BIGINT  NOT NULL DEFAULT 1,
    PRIMARY KEY (community_id, member_id)
);
