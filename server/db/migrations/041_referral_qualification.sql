-- Referrals that cannot be farmed (docs/referrals.md): the bonus is earned by
-- the referred member's first confirmed purchase of at least a minimum
-- amount, waits in pending until that purchase's hold has ended, is taken
-- back when the purchase is reversed, and is paid once per person.

-- Where a referral stands:
--   waiting     no qualifying purchase confirmed yet
--   pending     the qualifying purchase is confirmed; both bonuses sit in pending until release_at
--   paid        both bonuses are available
--   reversed    the qualifying purchase was reversed (or returned below the minimum): the bonuses were taken back
--   ineligible  this referral never earns a bonus (reason: own_email, email_already_used, disposable_email)
--   refused     the operator refused it after review
-- review: 'held' while the operator has to decide (reason same_address_as_referrer), then 'released' or 'refused'.
ALTER TABLE referrals
  ADD COLUMN status text NOT NULL DEFAULT 'waiting'
    CHECK (status IN ('waiting', 'pending', 'paid', 'reversed', 'ineligible', 'refused')),
  ADD COLUMN reason text,
  ADD COLUMN review text CHECK (review IN ('held', 'released', 'refused')),
  -- The terms in force when the referral was made, frozen like a purchase's:
  -- the bonus each member gets, and the minimum purchase in hundredths of the
  -- purchase currency's major unit (1000 = 10.00).
  ADD COLUMN bonus_points integer NOT NULL DEFAULT 500 CHECK (bonus_points >= 0),
  ADD COLUMN min_amount_hundredths integer NOT NULL DEFAULT 1000 CHECK (min_amount_hundredths >= 0),
  -- The purchase that earned the bonus, and when the bonus may become available (that purchase's hold end).
  ADD COLUMN purchase_id uuid REFERENCES purchases (id),
  ADD COLUMN release_at timestamptz,
  -- What each side was booked: an erased referrer gets nothing, so nothing is taken back from it either.
  ADD COLUMN referred_points integer NOT NULL DEFAULT 0,
  ADD COLUMN referrer_points integer NOT NULL DEFAULT 0,
  ADD COLUMN decided_at timestamptz;

-- Referrals paid under the old rule stay paid; their purchase is not known, so nothing of them is ever taken back.
UPDATE referrals SET status = 'paid', referred_points = bonus_points, referrer_points = bonus_points WHERE bonus_paid_at IS NOT NULL;

CREATE INDEX referrals_purchase ON referrals (purchase_id) WHERE purchase_id IS NOT NULL;
CREATE INDEX referrals_due ON referrals (release_at) WHERE status = 'pending';
CREATE INDEX referrals_held ON referrals (created_at) WHERE review = 'held';

-- Every email that ever had an account, as the SHA-256 of its canonical form
-- (server/programme/referral-identity.ts): no address, no member. Kept after
-- erasure, so an email earns a referral bonus once, ever.
CREATE TABLE referral_email_keys (
  email_sha256 text PRIMARY KEY,
  created_at timestamptz NOT NULL
);

-- The members already there, reduced the same way as canonicalEmail():
-- NFKC, trimmed, lower-cased; the plus-tag dropped; dots dropped for
-- gmail.com and googlemail.com, which fold into gmail.com.
INSERT INTO referral_email_keys (email_sha256, created_at)
SELECT encode(sha256(convert_to(
         CASE WHEN domain IN ('gmail.com', 'googlemail.com') THEN replace(local, '.', '') || '@gmail.com' ELSE local || '@' || domain END,
         'UTF8')), 'hex'),
       now()
  FROM (
    SELECT split_part(regexp_replace(e, '@[^@]*$', ''), '+', 1) AS local,
           regexp_replace(substring(e FROM '@([^@]*)$'), '\.$', '') AS domain
      FROM (SELECT lower(btrim(normalize(email, NFKC))) AS e FROM members WHERE email IS NOT NULL AND position('@' IN email) > 0) m
  ) parts
ON CONFLICT (email_sha256) DO NOTHING;

-- The networks a member registered or signed in from (IPv4 address, IPv6
-- /64), as hashes, for the rule that a referral from the referrer's own
-- network within a day waits for the operator. Deleted with the member's
-- other addresses on erasure.
CREATE TABLE member_networks (
  member_id uuid NOT NULL REFERENCES members (id),
  network_hash text NOT NULL,
  last_at timestamptz NOT NULL,
  PRIMARY KEY (member_id, network_hash)
);
CREATE INDEX member_networks_recent ON member_networks (network_hash, last_at);
