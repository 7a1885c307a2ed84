-- A partner confirmed an order far below the member's amount (more than 10 %
-- and more than 5.00 in the currency's major unit): the purchase is
-- confirmed at the partner's amount and listed here for the operator, who
-- may want to look at the member's other claims or at the partner's feed.
CREATE TABLE amount_flags (
  purchase_id uuid PRIMARY KEY,
  member_id uuid NOT NULL REFERENCES members (id),
  member_amount_minor bigint NOT NULL,
  partner_amount_minor bigint NOT NULL,
  currency text NOT NULL,
  flagged_at timestamptz NOT NULL,
  reviewed_at timestamptz
);
CREATE INDEX amount_flags_open ON amount_flags (flagged_at) WHERE reviewed_at IS NULL;
