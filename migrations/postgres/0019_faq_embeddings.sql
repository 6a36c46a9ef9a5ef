-- Vectors of FAQ entries from an embedding model (issue 17, optional
-- semantic matching): one per entry and model, with a hash of the text it
-- was made from, so an edited question is embedded again and an unchanged
-- one never. Little-endian f32s. Removed with the entry.
CREATE TABLE faq_embeddings (
    community_id  TEXT    NOT NULL,
    entry_id      TEXT    NOT NULL,
    model         TEXT    NOT NULL,
    text_hash     TEXT    NOT NULL,
    vector        BYTEA   NOT NULL,
    made_at_ms    BIGINT  NOT NULL,
    PRIMARY KEY (community_id, entry_id, model)
);
