-- Members, their device tokens and their balance row.
CREATE TABLE members (
  id uuid PRIMARY KEY,
  email text,
  password_hash text,
  member_number text NOT NULL UNIQUE,
  tier text NOT NULL DEFAULT 'basis',
  created_at timestamptz NOT NULL DEFAULT now(),
  -- Set on erasure: personal data is cleared, the ledger stays (bookkeeping duty).
  erased_at timestamptz
);
CREATE UNIQUE INDEX members_email ON members (lower(email)) WHERE email IS NOT NULL;

CREATE TABLE tokens (
  token_hash text PRIMARY KEY,
  member_id uuid NOT NULL REFERENCES members (id),
  device text,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);
CREATE INDEX tokens_member ON tokens (member_id);

-- One row per member, updated in the same transaction as its ledger entries,
-- so reading a balance is reading one row. Locking it (FOR UPDATE) also
-- serialises every change to the member's purchases and points.
CREATE TABLE balances (
  member_id uuid PRIMARY KEY REFERENCES members (id),
  available bigint NOT NULL DEFAULT 0,
  pending bigint NOT NULL DEFAULT 0,
  lifetime bigint NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- The catalogue: the public document as the contract shapes it, plus what never leaves the server.
CREATE TABLE partners (
  id text PRIMARY KEY,
  doc jsonb NOT NULL,
  secret text NOT NULL,
  fraud jsonb,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE offers (
  id text PRIMARY KEY,
  partner_id text,
  doc jsonb NOT NULL,
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE rewards (
  id text PRIMARY KEY,
  doc jsonb NOT NULL,
  active boolean NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Bumped on every operator change; the ETag of each list.
CREATE TABLE catalog_versions (
  name text PRIMARY KEY,
  version bigint NOT NULL
);
INSERT INTO catalog_versions (name, version) VALUES ('partners', 1), ('offers', 1), ('rewards', 1);

-- Every change to a purchase takes the next number; a member's sync cursor is
-- the last number it has seen. Changes are made under the member's balance
-- row lock, so for one member the numbers commit in order and a cursor never
-- skips a change.
CREATE SEQUENCE purchase_changes;

CREATE TABLE purchases (
  id uuid PRIMARY KEY,
  member_id uuid NOT NULL REFERENCES members (id),
  partner_id text NOT NULL REFERENCES partners (id),
  order_id text NOT NULL,
  amount_minor bigint NOT NULL,
  original_amount_minor bigint NOT NULL,
  currency text NOT NULL,
  detected_at timestamptz NOT NULL,
  method text NOT NULL,
  -- Hash of the body as first sent: the same id with another body is a conflict.
  body_hash text NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'confirmed', 'rejected', 'reversed')),
  reason text,
  points bigint NOT NULL,
  -- How the points were valued (10000 = x1) and the bonus, kept for later amount changes.
  multiplier_bp integer NOT NULL DEFAULT 10000,
  bonus_points integer NOT NULL DEFAULT 0,
  offer_ids jsonb NOT NULL DEFAULT '[]',
  -- Set on a claim of an order another member already holds.
  duplicate_of uuid,
  hold_until timestamptz NOT NULL,
  confirmed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  change_seq bigint NOT NULL DEFAULT nextval('purchase_changes')
);
-- One owner per order of a partner; later claims by others are kept as rejected rows.
CREATE UNIQUE INDEX purchases_order ON purchases (partner_id, order_id) WHERE duplicate_of IS NULL;
CREATE INDEX purchases_member_changes ON purchases (member_id, change_seq);
CREATE INDEX purchases_due ON purchases (hold_until) WHERE status = 'pending';

-- Append-only: a correction is a new entry, never an update.
CREATE TABLE ledger_entries (
  id bigserial PRIMARY KEY,
  member_id uuid NOT NULL REFERENCES members (id),
  account text NOT NULL CHECK (account IN ('pending', 'available')),
  delta bigint NOT NULL,
  reason text NOT NULL,
  purchase_id uuid,
  redemption_id uuid,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ledger_entries_member ON ledger_entries (member_id, id);

CREATE FUNCTION ledger_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ledger entries are append-only';
END;
$$;
CREATE TRIGGER ledger_entries_no_change BEFORE UPDATE OR DELETE ON ledger_entries
  FOR EACH ROW EXECUTE FUNCTION ledger_entries_append_only();

CREATE TABLE redemptions (
  id uuid PRIMARY KEY,
  member_id uuid NOT NULL REFERENCES members (id),
  reward_id text NOT NULL,
  points bigint NOT NULL,
  status text NOT NULL CHECK (status IN ('completed', 'pending')),
  code text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX redemptions_member ON redemptions (member_id);

-- A member's idempotency keys and the answer first given under each, replayed on a retry.
CREATE TABLE idempotency_keys (
  member_id uuid NOT NULL REFERENCES members (id),
  key text NOT NULL,
  request_hash text NOT NULL,
  status_code integer NOT NULL,
  response jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (member_id, key)
);

-- Partner signatures already used (replay protection), kept past the 300 s window.
CREATE TABLE partner_signatures (
  partner_id text NOT NULL,
  signature text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (partner_id, signature)
);

-- Reports about orders a partner never had, kept for the operator.
CREATE TABLE unknown_confirmations (
  id bigserial PRIMARY KEY,
  partner_id text NOT NULL,
  order_id text NOT NULL,
  status text NOT NULL,
  amount_minor bigint,
  received_at timestamptz NOT NULL DEFAULT now()
);

-- Missing-points claims backed by the member's local receipt.
CREATE TABLE claims (
  id uuid PRIMARY KEY,
  purchase_id uuid NOT NULL,
  member_id uuid NOT NULL REFERENCES members (id),
  receipt jsonb NOT NULL,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'approved', 'rejected')),
  created_at timestamptz NOT NULL DEFAULT now(),
  decided_at timestamptz
);
CREATE UNIQUE INDEX claims_purchase ON claims (member_id, purchase_id);

-- How often a member has used an offer with a per-member limit.
CREATE TABLE offer_uses (
  member_id uuid NOT NULL REFERENCES members (id),
  offer_id text NOT NULL,
  uses integer NOT NULL,
  PRIMARY KEY (member_id, offer_id)
);

-- Fixed-window counters shared by every replica.
CREATE TABLE rate_limits (
  key text PRIMARY KEY,
  window_start timestamptz NOT NULL,
  count integer NOT NULL
);
