-- Messages the bot sent that a feature asked to know again: the platform's
-- id of each part of an outgoing message whose `track` was set (an FAQ
-- redirect is `faq:REDIRECT_ID`), so a reaction to that message can be
-- traced back to what it was. Rows older than 30 days are pruned.
CREATE TABLE sent_messages (
    platform    TEXT    NOT NULL,
    chat_id     TEXT    NOT NULL,
    message_id  TEXT    NOT NULL,
    track       TEXT    NOT NULL,
    sent_at_ms  INTEGER NOT NULL,
    PRIMARY KEY (platform, chat_id, message_id)
);
CREATE INDEX sent_messages_age ON sent_messages (sent_at_ms);
