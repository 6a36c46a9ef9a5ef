-- From answers to the FAQ: a bounty question whose answer was accepted,
-- proposed for the FAQ and waiting for a moderator. One row per question
-- (`question_number` is its Q number in the community the question belongs
-- to): proposing it again stores nothing, and a decision is one conditional
-- UPDATE (`WHERE state = 'pending'`) in the transaction that creates the
-- entry, so two moderators approving at once create one entry. The question
-- and the accepted answer are copied: what the moderators read is what the
-- entry says.
CREATE TABLE faq_proposals (
    community_id       TEXT    NOT NULL,
    question_number    INTEGER NOT NULL,
    -- The accepted answer (`Q17-A2`) and who gave it.
    answer_ref         TEXT    NOT NULL,
    answerer_name      TEXT    NOT NULL,
    question           TEXT    NOT NULL,
    answer             TEXT    NOT NULL,
    proposer_id        INTEGER NOT NULL REFERENCES members (id),
    -- The account it was proposed from: where the decision is sent.
    proposer_platform  TEXT    NOT NULL,
    proposer_user_id   TEXT    NOT NULL,
    -- pending, approved (entry_id is the entry made) or rejected (reason).
    state              TEXT    NOT NULL,
    entry_id           TEXT,
    reason             TEXT,
    decided_by         INTEGER REFERENCES members (id),
    created_at_ms      INTEGER NOT NULL,
    decided_at_ms      INTEGER,
    PRIMARY KEY (community_id, question_number)
);
CREATE INDEX faq_proposals_queue ON faq_proposals (community_id, state, created_at_ms);
