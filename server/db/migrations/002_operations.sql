-- Scheduled jobs run under a lease in this table, so that of several API
-- replicas only one runs a given job at a time. A replica takes the lease
-- with an UPDATE … WHERE locked_until <= now RETURNING; whoever gets no row
-- back skips the round.
CREATE TABLE job_locks (
  name text PRIMARY KEY,
  locked_until timestamptz NOT NULL DEFAULT '-infinity',
  holder text
);
INSERT INTO job_locks (name) VALUES ('auto-confirm'), ('expire-claims'), ('recompute-tiers');

-- Why the operator (or the expiry job) decided a claim as they did.
ALTER TABLE claims ADD COLUMN reason text;
CREATE INDEX claims_open ON claims (created_at) WHERE status = 'open';

-- Confirmation files an operator imported for a partner (`admin confirmations
-- import`), by content hash: the same file again is reported unchanged
-- instead of being replayed row by row.
CREATE TABLE confirmation_files (
  partner_id text NOT NULL,
  sha256 text NOT NULL,
  rows integer NOT NULL,
  imported_at timestamptz NOT NULL,
  PRIMARY KEY (partner_id, sha256)
);
