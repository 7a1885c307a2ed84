-- The ledger's movements per UTC day, account and reason, for the console's
-- overview (operator/overview.ts): ledger entries are append-only and dated
-- when they are written, so a day that has ended never changes, and its sums
-- are kept here the first time the overview reads it. A period of the
-- overview then costs one row per day and reason instead of one per entry.
CREATE TABLE ledger_daily (
  day date NOT NULL,
  account text NOT NULL,
  reason text NOT NULL,
  points bigint NOT NULL,
  PRIMARY KEY (day, account, reason)
);

-- The days summed into ledger_daily, a day without entries included.
CREATE TABLE ledger_daily_days (
  day date PRIMARY KEY
);
