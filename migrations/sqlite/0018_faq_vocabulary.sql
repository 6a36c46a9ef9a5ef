-- The community's own FAQ vocabulary (issue 17): groups of equivalent
-- terms added by moderators (`/faq synonym a = b = c`, or imported), one
-- line each, on top of the default that ships with jixia.
CREATE TABLE faq_synonyms (
    community_id  TEXT    NOT NULL,
    line          TEXT    NOT NULL,
    added_at_ms   INTEGER NOT NULL,
    PRIMARY KEY (community_id, line)
);

-- How many of the community's questions used each word (document
-- frequency), counted in memory and added here with the group commit of
-- unanswered questions. The row with the empty term counts the questions.
-- Words most questions use ("pg", "数据库") count for less when matching.
CREATE TABLE faq_chat_terms (
    community_id  TEXT    NOT NULL,
    term          TEXT    NOT NULL,
    df            INTEGER NOT NULL,
    PRIMARY KEY (community_id, term)
);
