-- Orders far above a partner's usual basket are booked as pending but held
-- for the operator: 'held' until decided, then 'released' or 'rejected'.
-- A held purchase is never auto-confirmed.
ALTER TABLE purchases ADD COLUMN review text CHECK (review IN ('held', 'released', 'rejected'));

-- The operator's queue of held purchases.
CREATE INDEX purchases_held_for_review ON purchases (created_at) WHERE review = 'held';

-- A partner's recent purchases, for its usual basket (median of the last 100).
CREATE INDEX purchases_partner_recent ON purchases (partner_id, created_at DESC);
