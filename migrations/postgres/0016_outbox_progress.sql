-- How many leading parts of a long outbox message (one split into several
-- platform messages) were delivered: a retry resumes at the first part not
-- sent instead of posting the earlier ones again. Sent rows (replies are
-- outbox rows too) are pruned after a while, by when they were sent.
ALTER TABLE jobs_outbox ADD COLUMN parts_sent BIGINT NOT NULL DEFAULT 0;
CREATE INDEX jobs_outbox_sent ON jobs_outbox (sent_at_ms) WHERE state = 'sent';
