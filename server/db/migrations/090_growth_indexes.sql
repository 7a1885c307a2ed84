-- Indexes the growth benchmark (`npm run bench -- growth`, bench/README.md)
-- found missing: without them these reads cost more the larger the
-- programme, with 10⁷ purchases a scan of a whole partner's purchases or of
-- every flag ever reviewed.
--
-- On a large existing database, build them first by hand with
-- `CREATE INDEX CONCURRENTLY IF NOT EXISTS …` (same definitions): the
-- migration then finds them and takes no lock that blocks writes.

-- A partner's report looks up every purchase of an order, holder and
-- refused claims alike (operator/partner-reports.ts), as do the contest
-- checks of auto-confirmation and of ingest; the two partial order indexes
-- each cover only one of those, so the look-up read all of the partner's
-- purchases.
CREATE INDEX IF NOT EXISTS purchases_partner_order ON purchases (partner_id, order_id);

-- A partner's usual basket and order-number shapes are taken from its last
-- 100 confirmed purchases on every ingest (purchases/ingest.ts): through
-- the index of all its purchases, newest first, that walked past every
-- pending one of the last hold period first.
CREATE INDEX IF NOT EXISTS purchases_partner_confirmed_recent ON purchases (partner_id, created_at DESC) WHERE status = 'confirmed';

-- The review queue lists flagged purchases the operator has not released
-- (purchases/fraud.ts); the flag stays on a released purchase, so the index
-- of all flagged ones grew with every flag ever reviewed.
CREATE INDEX IF NOT EXISTS purchases_flagged_open ON purchases (created_at) WHERE flag IS NOT NULL AND review IS DISTINCT FROM 'released';

-- Detection health (catalog/detection-health.ts) counts the purchases
-- detected in its last weeks; the only index on the detection time leads
-- with the partner, so the report read the whole table, every year of it.
CREATE INDEX IF NOT EXISTS purchases_detected ON purchases (detected_at) WHERE duplicate_of IS NULL;
