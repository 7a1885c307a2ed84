-- Orders as the partner reported them `placed` (its own record that the
-- order exists, with its amount): the partner's word that vouches for a
-- member's purchase of that order. Kept whether or not a member has sent the
-- purchase yet, so a report that arrives first vouches for it later.
CREATE TABLE partner_orders (
  partner_id text NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
  order_id text NOT NULL,
  amount_minor bigint NOT NULL CHECK (amount_minor >= 0),
  -- Hex SHA-256 of the buyer's trimmed, lower-cased email, when the partner sent it.
  customer_email_sha256 text,
  reported_at timestamptz NOT NULL,
  PRIMARY KEY (partner_id, order_id)
);

-- Why the operator should look at a purchase, beside any review hold:
-- 'unvouched' (past its hold and never reported by the partner),
-- 'amount_above_partner' (confirmed at the partner's far lower amount).
ALTER TABLE purchases ADD COLUMN flag text;
CREATE INDEX purchases_flagged ON purchases (created_at) WHERE flag IS NOT NULL;
