-- Feedback given by reacting to a redirect (👎 not helpful, 👍 helpful):
-- one row per redirect, member and kind, so a member counts once however
-- often they toggle the reaction, and taking it back takes the count back.
CREATE TABLE faq_feedback (
    redirect_id  BIGINT NOT NULL REFERENCES faq_redirects (id) ON DELETE CASCADE,
    member_id    BIGINT NOT NULL,
    kind         TEXT    NOT NULL,
    at_ms        BIGINT NOT NULL,
    PRIMARY KEY (redirect_id, member_id, kind)
);
