-- The terms each purchase was earned under, frozen when it is booked
-- (lib/points: earn rate, ISO 4217 exponent, tier multiplier, the offers in
-- force with their minimums), so every later change of its amount is valued
-- from them and never from the partner's rate or offers of the day.
-- `base_points` is the rate-only part of `points`, which tiers count.
ALTER TABLE purchases ADD COLUMN terms jsonb;
ALTER TABLE purchases ADD COLUMN base_points bigint NOT NULL DEFAULT 0;

-- Purchases booked before: their terms are what they were valued with, as
-- far as the row knows. The rate is the partner's at this migration (the
-- best record there is), the exponent 2 (every amount was divided by 100),
-- and the booked multiplier and bonus apply whatever the amount, as they did.
UPDATE purchases p SET
  terms = jsonb_build_object(
    'earn', pa.doc->'earn',
    'exponent', 2,
    'tierMultiplierPercent', 100,
    'offers', jsonb_build_array(jsonb_build_object('id', 'as-booked', 'kind', 'multiplier', 'multiplierBp', p.multiplier_bp))
      || CASE WHEN p.bonus_points > 0
           THEN jsonb_build_array(jsonb_build_object('id', 'as-booked-bonus', 'kind', 'bonus', 'bonusPoints', p.bonus_points))
           ELSE '[]'::jsonb END),
  base_points = CASE WHEN p.status IN ('pending', 'confirmed')
    THEN (p.amount_minor * (pa.doc->'earn'->>'points')::bigint) / ((pa.doc->'earn'->>'per')::bigint * 100)
    ELSE 0 END
FROM partners pa
WHERE pa.id = p.partner_id AND p.terms IS NULL;
