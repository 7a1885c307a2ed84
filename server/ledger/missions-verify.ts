/**
 * The mission part of `ledger:verify` (docs/missions.md): replays every
 * member's mission entries, mission by mission, and names
 *
 * - a bonus booked while one was already held (booked twice), or a reversal
 *   with no bonus held to take back;
 * - an entry of another size than the completion's bonus, or on the pending
 *   account;
 * - a member whose entries and completion row disagree (the row says
 *   `completed` but no bonus is held, or the other way round);
 * - a held bonus whose mission no longer holds on the member's confirmed
 *   purchases within its window, judged by the rule it was booked under.
 */
import type { Mission } from '../../lib/contract/index.ts';
import { evaluate } from '../../lib/missions/evaluate.ts';
import type { Queryable } from '../db/index.ts';

export interface MissionMismatch {
  memberId: string;
  missionId: string;
  problem: string;
}

export interface MissionVerification {
  completions: number;
  bonusPoints: number;
  mismatches: MissionMismatch[];
}

interface EntryRow {
  [key: string]: unknown;
  member_id: string;
  mission_id: string;
  account: string;
  delta: number;
  reason: string;
}

interface CompletionRow {
  [key: string]: unknown;
  member_id: string;
  mission_id: string;
  status: 'completed' | 'revoked';
  bonus_points: number;
  doc: Mission;
}

export async function verifyMissions(db: Queryable): Promise<MissionVerification> {
  const [entries, completions] = await Promise.all([
    db.query<EntryRow>(
      `SELECT member_id, mission_id, account, delta, reason FROM ledger_entries
        WHERE reason IN ('mission_bonus', 'mission_bonus_reversal') ORDER BY member_id, mission_id, id`,
    ),
    db.query<CompletionRow>('SELECT member_id, mission_id, status, bonus_points, doc FROM mission_completions'),
  ]);
  const key = (memberId: string, missionId: string) => `${memberId} ${missionId}`;
  const rows = new Map(completions.map((c) => [key(c.member_id, c.mission_id), c]));
  const held = new Map<string, boolean>();
  const mismatches: MissionMismatch[] = [];
  for (const e of entries) {
    const k = key(e.member_id, e.mission_id);
    const problem = (text: string) => mismatches.push({ memberId: e.member_id, missionId: e.mission_id, problem: text });
    const row = rows.get(k);
    const holding = held.get(k) ?? false;
    const delta = Number(e.delta);
    if (e.account !== 'available') problem(`a ${e.reason} entry on the ${e.account} account`);
    if (!row) problem(`a ${e.reason} entry without a completion`);
    else if (Math.abs(delta) !== Number(row.bonus_points)) problem(`a ${e.reason} entry of ${delta} points for a bonus of ${row.bonus_points}`);
    if (e.reason === 'mission_bonus') {
      if (delta <= 0) problem(`a bonus of ${delta} points`);
      if (holding) problem('a bonus booked while one was already held');
      held.set(k, true);
    } else {
      if (delta >= 0) problem(`a reversal of ${delta} points`);
      if (!holding) problem('a reversal with no bonus held');
      held.set(k, false);
    }
  }
  let bonusPoints = 0;
  const stillHeld: CompletionRow[] = [];
  for (const c of completions) {
    const holding = held.get(key(c.member_id, c.mission_id)) ?? false;
    if (holding !== (c.status === 'completed')) {
      mismatches.push({ memberId: c.member_id, missionId: c.mission_id, problem: `the completion says ${c.status} but the ledger ${holding ? 'holds its bonus' : 'holds no bonus'}` });
    }
    if (c.status === 'completed') {
      bonusPoints += Number(c.bonus_points);
      stillHeld.push(c);
    }
  }
  for (const c of stillHeld) {
    if (!(await holdsOnConfirmed(db, c))) {
      mismatches.push({ memberId: c.member_id, missionId: c.mission_id, problem: 'the bonus is held but the mission no longer holds on confirmed purchases' });
    }
  }
  return { completions: stillHeld.length, bonusPoints, mismatches };
}

/**
 * Judged on the purchases placed within the window only: whether a first
 * purchase was the member's first is settled when the bonus is booked (a
 * purchase from before the window reported later does not take it back).
 */
async function holdsOnConfirmed(db: Queryable, c: CompletionRow): Promise<boolean> {
  const rows = await db.query<{ id: string; partner_id: string; category: string | null; amount_minor: number; currency: string; detected_at: Date; status: 'pending' | 'confirmed' }>(
    `SELECT p.id, p.partner_id, pa.doc->>'category' AS category, p.amount_minor, p.currency, p.detected_at, p.status
       FROM purchases p JOIN partners pa ON pa.id = p.partner_id
      WHERE p.member_id = $1 AND p.status = 'confirmed' AND p.detected_at >= $2 AND p.detected_at < $3`,
    [c.member_id, c.doc.startsAt, c.doc.endsAt],
  );
  const purchases = rows.map((r) => ({
    id: r.id,
    partnerId: r.partner_id,
    ...(r.category !== null ? { category: r.category } : {}),
    amountMinor: Number(r.amount_minor),
    currency: r.currency,
    at: r.detected_at.toISOString(),
    status: r.status,
  }));
  return evaluate(c.doc, purchases, { confirmedOnly: true }).complete;
}
