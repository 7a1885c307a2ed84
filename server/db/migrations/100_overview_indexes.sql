-- The console's overview (operator/overview.ts) counts the members who
-- registered and the ledger entries booked within a chosen period. Without
-- these, both reads scanned the whole table: a million members, and every
-- ledger entry ever written.
--
-- On a large existing database, build them first by hand with
-- `CREATE INDEX CONCURRENTLY IF NOT EXISTS …` (same definitions): the
-- migration then finds them and takes no lock that blocks writes.
CREATE INDEX IF NOT EXISTS members_created ON members (created_at);
CREATE INDEX IF NOT EXISTS ledger_entries_created ON ledger_entries (created_at);
