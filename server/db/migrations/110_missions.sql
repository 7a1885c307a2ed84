-- Missions (docs/missions.md): time-limited challenges the operator defines,
-- such as "shop at 3 different partners in December: +300 points". A
-- member's completion is booked once, as a `mission_bonus` entry on the
-- available account naming its mission, when the purchases that count are
-- confirmed; a return that makes it no longer hold takes it back with a
-- `mission_bonus_reversal` entry naming the mission too.
CREATE TABLE missions (
  id text PRIMARY KEY,
  doc jsonb NOT NULL,
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  active boolean NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  -- The `updated_at` the scheduler last judged every member against: a
  -- mission defined after its purchases were confirmed is booked then.
  reviewed_at timestamptz
);
CREATE INDEX missions_window ON missions (ends_at, starts_at);

-- One row per member and mission, ever: the member's balance lock and this
-- row decide whether the bonus is held (`completed`) or was taken back
-- (`revoked`), so a replayed confirmation never books a second bonus.
-- `doc` is the mission as it stood at completion: a later edit by the
-- operator never moves a bonus already booked.
CREATE TABLE mission_completions (
  member_id uuid NOT NULL REFERENCES members (id),
  mission_id text NOT NULL REFERENCES missions (id),
  status text NOT NULL CHECK (status IN ('completed', 'revoked')),
  bonus_points bigint NOT NULL CHECK (bonus_points > 0),
  doc jsonb NOT NULL,
  completed_at timestamptz NOT NULL,
  revoked_at timestamptz,
  PRIMARY KEY (member_id, mission_id)
);

ALTER TABLE ledger_entries ADD COLUMN mission_id text REFERENCES missions (id);
ALTER TABLE ledger_entries ADD CONSTRAINT ledger_entries_mission_named
  CHECK ((reason IN ('mission_bonus', 'mission_bonus_reversal')) = (mission_id IS NOT NULL));
CREATE INDEX ledger_entries_mission ON ledger_entries (mission_id, member_id) WHERE mission_id IS NOT NULL;

-- A member's live purchases by the time they were placed: what a mission's window reads.
CREATE INDEX purchases_member_placed ON purchases (member_id, detected_at) WHERE status IN ('pending', 'confirmed');
