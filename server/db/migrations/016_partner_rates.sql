-- Each partner's earn rate over time, so a partner report that says when an
-- order was placed (`orderedAt`) is valued at the rate of that moment. A
-- row per change, written with the partner (routes/admin.ts upsertPartner).
CREATE TABLE partner_rates (
  partner_id text NOT NULL REFERENCES partners (id),
  valid_from timestamptz NOT NULL,
  earn jsonb NOT NULL,
  PRIMARY KEY (partner_id, valid_from)
);

-- The rates in force now, as known since the beginning: no earlier record exists.
INSERT INTO partner_rates (partner_id, valid_from, earn)
SELECT id, '0001-01-01T00:00:00Z', doc->'earn' FROM partners;
