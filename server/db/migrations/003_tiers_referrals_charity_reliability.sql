-- Tiers follow the points of purchases confirmed in the last 12 months.
CREATE INDEX purchases_confirmed_at ON purchases (member_id, confirmed_at) WHERE status = 'confirmed';

-- Referrals: every member has a code to pass on; a member names at most one referrer.
ALTER TABLE members ADD COLUMN referral_code text;
UPDATE members SET referral_code = upper(substr(md5(id::text), 1, 8)) WHERE referral_code IS NULL;
CREATE UNIQUE INDEX members_referral_code ON members (referral_code);

CREATE TABLE referrals (
  referred_id uuid PRIMARY KEY REFERENCES members (id),
  referrer_id uuid NOT NULL REFERENCES members (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  -- Set when the referred member's first purchase was confirmed and both bonuses were booked.
  bonus_paid_at timestamptz,
  CHECK (referrer_id <> referred_id)
);
CREATE INDEX referrals_referrer ON referrals (referrer_id);

-- Donations: the programme's account per charity and what each donation moved to it.
CREATE TABLE charity_accounts (
  id text PRIMARY KEY,
  name text NOT NULL,
  balance bigint NOT NULL DEFAULT 0
);

-- Append-only, like the member ledger: one entry per donation redemption.
CREATE TABLE charity_entries (
  id bigserial PRIMARY KEY,
  charity_id text NOT NULL REFERENCES charity_accounts (id),
  member_id uuid NOT NULL REFERENCES members (id),
  redemption_id uuid NOT NULL UNIQUE,
  points bigint NOT NULL CHECK (points > 0),
  created_at timestamptz NOT NULL
);
CREATE INDEX charity_entries_charity ON charity_entries (charity_id, id);
CREATE TRIGGER charity_entries_no_change BEFORE UPDATE OR DELETE ON charity_entries
  FOR EACH ROW EXECUTE FUNCTION ledger_entries_append_only();

-- Per-partner reliability, recomputed from the purchases now and then; the
-- version goes into the catalogue's ETag, so clients see a change.
CREATE TABLE partner_reliability (
  partner_id text PRIMARY KEY REFERENCES partners (id) ON DELETE CASCADE,
  -- Finished purchases that were confirmed (or confirmed and later returned), in basis points of the finished ones.
  confirmed_share_bp integer NOT NULL,
  median_days_to_confirm integer,
  sample integer NOT NULL
);
CREATE TABLE reliability_state (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  version bigint NOT NULL,
  computed_at timestamptz
);
INSERT INTO reliability_state (version, computed_at) VALUES (1, NULL);
