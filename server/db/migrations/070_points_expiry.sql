-- Points expiry (docs/expiry.md). Every credit to a member's available
-- account is an earning lot; what is left of a lot at the end of the month
-- POINTS_EXPIRY_MONTHS after it was earned expires, oldest lot first, as an
-- `expiry` entry that names its lot. A later return of the lot's purchase
-- gives the expired part back first (`expiry_reinstated`, naming the lot
-- too), so a member never loses the same points twice.
ALTER TABLE ledger_entries ADD COLUMN earning_entry_id bigint REFERENCES ledger_entries (id);

-- A lot expires at most once, whichever scheduler process gets there first.
CREATE UNIQUE INDEX ledger_entries_one_expiry ON ledger_entries (earning_entry_id) WHERE reason = 'expiry';
CREATE INDEX ledger_entries_reinstated ON ledger_entries (earning_entry_id) WHERE reason = 'expiry_reinstated';
-- The expiry job looks for lots earned in a window of time.
CREATE INDEX ledger_entries_lots ON ledger_entries (created_at) WHERE account = 'available' AND delta > 0 AND earning_entry_id IS NULL;

-- Lots earned before `earned_before` have all been looked at by the expiry
-- job; the next round starts there, so a lot spent to nothing is never read
-- again. NULL: no round has finished yet.
CREATE TABLE points_expiry_state (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  earned_before timestamptz
);
INSERT INTO points_expiry_state (earned_before) VALUES (NULL);
