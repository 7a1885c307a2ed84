/**
 * Missions (docs/missions.md): time-limited challenges the operator defines
 * ("shop at 3 different partners in December: +300 points"). Where a member
 * stands is judged by `lib/missions/evaluate.ts`, the same code the popup's
 * progress comes from.
 *
 * A completion is booked once per member and mission: when a confirmation
 * makes the mission hold on confirmed purchases alone, a `mission_bonus`
 * entry credits the available account and the member's row in
 * `mission_completions` says `completed`. When a return, cancellation or
 * correction of a confirmed purchase makes it no longer hold, a
 * `mission_bonus_reversal` takes the bonus back (available may go below zero,
 * as after any reversal of points already spent) and the row says `revoked`;
 * a later confirmation that makes it hold again books it again, so a member
 * holds at most one bonus per mission at any time. Every function that books
 * runs under the member's balance lock (the purchase's transaction holds it),
 * so replayed or racing confirmations see the row the first one wrote.
 *
 * A completion keeps the mission as it stood (`doc`): the operator's later
 * edit never moves a bonus already booked, and a return is judged against the
 * rule the bonus was booked under.
 */
import { type Mission, type MissionStanding, MAX_SYNC_MISSIONS, Mission as MissionSchema } from '../../lib/contract/index.ts';
import { KNOWN_CURRENCIES } from '../../lib/contract/currency.ts';
import { evaluate, ruledOut, standing, type MissionPurchase } from '../../lib/missions/evaluate.ts';
import type { Db, Queryable } from '../db/index.ts';
import { lockMember, post } from '../ledger/ledger.ts';
import { ApiError } from '../platform/http.ts';
import type { UpsertOutcome } from '../catalog/upserts.ts';

/** Ended missions stay in the member's list this long: purchases placed in time may still be confirmed. */
export const ENDED_MISSION_SHOWN_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

const unprocessable = (message: string) => new ApiError(422, 'unprocessable', message);
const toUtc = (iso: string) => new Date(iso).toISOString();

// --- The operator's missions -----------------------------------------------------

/** Creates or replaces a mission; a partner or currency it names must be known (else 422). */
export async function upsertMission(tx: Queryable, input: Mission): Promise<{ mission: Mission; outcome: UpsertOutcome }> {
  const mission: Mission = { ...MissionSchema.parse(input), startsAt: toUtc(input.startsAt), endsAt: toUtc(input.endsAt) };
  const { rule } = mission;
  if ('partnerId' in rule && rule.partnerId !== undefined) {
    const known = await tx.query('SELECT 1 FROM partners WHERE id = $1', [rule.partnerId]);
    if (known.length === 0) throw unprocessable(`The mission names partner "${rule.partnerId}", which is not in the catalogue`);
  }
  if (rule.kind === 'spend' && !KNOWN_CURRENCIES.has(rule.currency)) throw unprocessable(`The mission's currency "${rule.currency}" is not an ISO 4217 currency this API knows`);
  const rows = await tx.query<{ created: boolean }>(
    `INSERT INTO missions (id, doc, starts_at, ends_at, active) VALUES ($1, $2::jsonb, $3, $4, $5)
     ON CONFLICT (id) DO UPDATE SET doc = EXCLUDED.doc, starts_at = EXCLUDED.starts_at, ends_at = EXCLUDED.ends_at,
       active = EXCLUDED.active, updated_at = now()
       WHERE missions.doc IS DISTINCT FROM EXCLUDED.doc
     RETURNING (xmax = 0) AS created`,
    [mission.id, JSON.stringify(mission), mission.startsAt, mission.endsAt, mission.active],
  );
  const outcome: UpsertOutcome = rows.length === 0 ? 'unchanged' : rows[0]!.created ? 'created' : 'updated';
  return { mission, outcome };
}

export async function missionDoc(db: Queryable, id: string): Promise<Mission | null> {
  return (await db.query<{ doc: Mission }>('SELECT doc FROM missions WHERE id = $1', [id]))[0]?.doc ?? null;
}

export interface MissionSummary {
  mission: Mission;
  /** Members holding the bonus now. */
  completed: number;
  /** Members whose bonus was taken back (and not booked again). */
  revoked: number;
}

/** Every mission, the latest start first, with how many members completed it. */
export async function listMissions(db: Queryable): Promise<MissionSummary[]> {
  const rows = await db.query<{ doc: Mission; completed: number; revoked: number }>(
    `SELECT m.doc,
            COUNT(c.member_id) FILTER (WHERE c.status = 'completed')::int AS completed,
            COUNT(c.member_id) FILTER (WHERE c.status = 'revoked')::int AS revoked
       FROM missions m LEFT JOIN mission_completions c ON c.mission_id = m.id
      GROUP BY m.id ORDER BY m.starts_at DESC, m.id`,
  );
  return rows.map((r) => ({ mission: r.doc, completed: Number(r.completed), revoked: Number(r.revoked) }));
}

// --- A member's purchases as the rules read them -----------------------------------

interface PurchaseFacts {
  [key: string]: unknown;
  id: string;
  partner_id: string;
  category: string | null;
  amount_minor: number;
  currency: string;
  detected_at: Date;
  status: MissionPurchase['status'];
}

/**
 * The member's live purchases placed before `until`, and from `from` on
 * unless `everFrom` (a first-purchase rule looks at the member's history).
 */
async function livePurchases(db: Queryable, memberId: string, from: Date, until: Date, everFrom: boolean): Promise<MissionPurchase[]> {
  const rows = await db.query<PurchaseFacts>(
    `SELECT p.id, p.partner_id, pa.doc->>'category' AS category, p.amount_minor, p.currency, p.detected_at, p.status
       FROM purchases p JOIN partners pa ON pa.id = p.partner_id
      WHERE p.member_id = $1 AND p.status IN ('pending', 'confirmed') AND p.detected_at < $3 AND ($4 OR p.detected_at >= $2)`,
    [memberId, from.toISOString(), until.toISOString(), everFrom],
  );
  return rows.map((r) => ({
    id: r.id,
    partnerId: r.partner_id,
    ...(r.category !== null ? { category: r.category } : {}),
    amountMinor: Number(r.amount_minor),
    currency: r.currency,
    at: r.detected_at.toISOString(),
    status: r.status,
  }));
}

function purchasesFor(db: Queryable, memberId: string, missions: readonly Mission[]): Promise<MissionPurchase[]> {
  if (missions.length === 0) return Promise.resolve([]);
  const from = new Date(Math.min(...missions.map((m) => Date.parse(m.startsAt))));
  const until = new Date(Math.max(...missions.map((m) => Date.parse(m.endsAt))));
  const everFrom = missions.some((m) => m.rule.kind === 'category-purchase' && m.rule.first === true);
  return livePurchases(db, memberId, from, until, everFrom);
}

// --- Booking -------------------------------------------------------------------------

interface CompletionRow {
  [key: string]: unknown;
  mission_id: string;
  status: 'completed' | 'revoked';
  bonus_points: number;
  doc: Mission;
  completed_at: Date;
}

export interface MissionReview {
  completed: string[];
  revoked: string[];
}

/**
 * Books or takes back the member's missions whose window holds `placedAt`
 * (the time a purchase that just changed was placed), judged on confirmed
 * purchases. Call in the purchase's transaction, after its change, holding
 * the member's balance lock (lifecycle.ts does; `reviewMemberMission` takes
 * it itself).
 */
export async function reviewMissions(tx: Queryable, memberId: string, placedAt: Date, now: Date): Promise<MissionReview> {
  const at = placedAt.toISOString();
  const [running, completions] = await Promise.all([
    tx.query<{ doc: Mission }>('SELECT doc FROM missions WHERE active AND starts_at <= $1 AND ends_at > $1', [at]),
    tx.query<CompletionRow>(
      `SELECT mission_id, status, bonus_points, doc, completed_at FROM mission_completions
        WHERE member_id = $1 AND status = 'completed' AND (doc->>'startsAt')::timestamptz <= $2 AND (doc->>'endsAt')::timestamptz > $2`,
      [memberId, at],
    ),
  ]);
  return settle(tx, memberId, running.map((r) => r.doc), completions, now);
}

/** Judges one mission for one member, taking the member's balance lock. */
export async function reviewMemberMission(tx: Queryable, memberId: string, mission: Mission, now: Date): Promise<MissionReview> {
  await lockMember(tx, memberId);
  const completions = await tx.query<CompletionRow>(
    `SELECT mission_id, status, bonus_points, doc, completed_at FROM mission_completions WHERE member_id = $1 AND mission_id = $2 AND status = 'completed'`,
    [memberId, mission.id],
  );
  return settle(tx, memberId, mission.active ? [mission] : [], completions, now);
}

/** Missions one round of the scheduler's review takes up. */
const REVIEW_BATCH = 20;

/**
 * The scheduler's round for missions created or changed since it last looked
 * (`reviewed_at` behind `updated_at`): every member with a confirmed purchase
 * in the window is judged, each in a transaction of their own, so a mission
 * defined after its purchases were confirmed is booked without waiting for
 * the member's next purchase. Returns how many completions were booked or
 * taken back.
 */
export async function reviewChangedMissions(db: Db, now: Date, keepAlive: () => Promise<boolean> = async () => true): Promise<number> {
  // `version` is `updated_at` as text: a JavaScript Date would drop its microseconds.
  const changed = await db.query<{ doc: Mission; version: string }>(
    `SELECT doc, updated_at::text AS version FROM missions WHERE active AND starts_at <= $1 AND reviewed_at IS DISTINCT FROM updated_at ORDER BY updated_at, id LIMIT $2`,
    [now.toISOString(), REVIEW_BATCH],
  );
  let booked = 0;
  for (const { doc: mission, version } of changed) {
    const members = await db.query<{ member_id: string }>(
      `SELECT DISTINCT member_id FROM purchases WHERE status = 'confirmed' AND detected_at >= $1 AND detected_at < $2`,
      [mission.startsAt, mission.endsAt],
    );
    for (const { member_id } of members) {
      const review = await db.transaction((tx) => reviewMemberMission(tx, member_id, mission, now));
      booked += review.completed.length + review.revoked.length;
    }
    // Marked as reviewed only as it was read: a change made meanwhile is reviewed in the next round.
    await db.query('UPDATE missions SET reviewed_at = updated_at WHERE id = $1 AND updated_at = $2::timestamptz', [mission.id, version]);
    if (!(await keepAlive())) break;
  }
  return booked;
}

async function settle(tx: Queryable, memberId: string, running: readonly Mission[], completions: readonly CompletionRow[], now: Date): Promise<MissionReview> {
  const held = new Map(completions.map((c) => [c.mission_id, c]));
  // A held bonus is judged by the rule it was booked under; anything else by the mission as it stands.
  const judged = [...held.values()].map((c) => c.doc);
  for (const m of running) if (!held.has(m.id)) judged.push(m);
  const purchases = await purchasesFor(tx, memberId, judged);
  const review: MissionReview = { completed: [], revoked: [] };
  for (const mission of judged) {
    const holds = evaluate(mission, purchases, { confirmedOnly: true }).complete;
    const booked = held.get(mission.id);
    if (booked && !holds) {
      await post(tx, memberId, [{ account: 'available', delta: -Number(booked.bonus_points), reason: 'mission_bonus_reversal', missionId: mission.id }], now);
      await tx.query(`UPDATE mission_completions SET status = 'revoked', revoked_at = $3 WHERE member_id = $1 AND mission_id = $2`, [memberId, mission.id, now.toISOString()]);
      review.revoked.push(mission.id);
    } else if (!booked && holds) {
      await post(tx, memberId, [{ account: 'available', delta: mission.bonusPoints, reason: 'mission_bonus', missionId: mission.id }], now);
      await tx.query(
        `INSERT INTO mission_completions (member_id, mission_id, status, bonus_points, doc, completed_at) VALUES ($1, $2, 'completed', $3, $4::jsonb, $5)
         ON CONFLICT (member_id, mission_id) DO UPDATE SET status = 'completed', bonus_points = EXCLUDED.bonus_points, doc = EXCLUDED.doc,
           completed_at = EXCLUDED.completed_at, revoked_at = NULL`,
        [memberId, mission.id, mission.bonusPoints, JSON.stringify(mission), now.toISOString()],
      );
      review.completed.push(mission.id);
    }
  }
  return review;
}

// --- What the member sees -------------------------------------------------------------

/**
 * The member's missions for `GET /v1/me/sync`: those running now, and those
 * ended within ENDED_MISSION_SHOWN_DAYS that the member completed or still
 * has purchases waiting for; soonest end first. A first-purchase mission the
 * member's history rules out is left out.
 */
export async function missionStandings(db: Queryable, memberId: string, now: Date): Promise<MissionStanding[]> {
  const shownSince = new Date(now.getTime() - ENDED_MISSION_SHOWN_DAYS * DAY_MS);
  const missions = (
    await db.query<{ doc: Mission }>(
      'SELECT doc FROM missions WHERE active AND starts_at <= $1 AND ends_at > $2 ORDER BY ends_at, id LIMIT $3',
      [now.toISOString(), shownSince.toISOString(), MAX_SYNC_MISSIONS * 2],
    )
  ).map((r) => r.doc);
  if (missions.length === 0) return [];
  const [purchases, completions] = await Promise.all([
    purchasesFor(db, memberId, missions),
    db.query<{ mission_id: string; completed_at: Date }>(
      `SELECT mission_id, completed_at FROM mission_completions WHERE member_id = $1 AND status = 'completed' AND mission_id = ANY($2::text[])`,
      [memberId, missions.map((m) => m.id)],
    ),
  ]);
  const completedAt = new Map(completions.map((c) => [c.mission_id, c.completed_at]));
  const shown: MissionStanding[] = [];
  for (const mission of missions) {
    const done = completedAt.get(mission.id);
    const view = standing(mission, purchases);
    const running = Date.parse(mission.endsAt) > now.getTime();
    if (!done && ruledOut(mission, purchases)) continue;
    if (!done && !running && view.progress === 0) continue;
    shown.push({
      mission,
      progress: view.progress,
      confirmedProgress: view.confirmedProgress,
      target: view.target,
      completed: done !== undefined,
      ...(done ? { completedAt: done.toISOString() } : {}),
    });
    if (shown.length === MAX_SYNC_MISSIONS) break;
  }
  return shown;
}
