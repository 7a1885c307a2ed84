-- Detection health: anonymous counters of partner pages that showed evidence
-- of an order where nothing was recorded automatically. One row per partner,
-- day, detector version and reason, summed by an upsert. Deliberately no
-- member, token, URL, page text or timestamp column: a row cannot be traced
-- back to whoever reported it (a last-updated time would date the last
-- reporter's request).
CREATE TABLE detection_reports (
  partner_id text NOT NULL REFERENCES partners (id),
  day date NOT NULL,
  detector_version text NOT NULL,
  reason text NOT NULL,
  count bigint NOT NULL CHECK (count > 0),
  PRIMARY KEY (partner_id, day, detector_version, reason)
);
CREATE INDEX detection_reports_day ON detection_reports (day);

-- The detection-health report counts purchases per partner and day of detection.
CREATE INDEX purchases_partner_detected ON purchases (partner_id, detected_at);
