-- Refused claims of an order (another member held it first) are looked up
-- by (partner, order) on every ingest; the unique index covers only the
-- holders. This one is small: it holds refused claims only.
CREATE INDEX purchases_refused_claims ON purchases (partner_id, order_id) WHERE duplicate_of IS NOT NULL;
