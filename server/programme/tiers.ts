/**
 * Tiers (lib/points/tiers.ts) kept in the members table. A member's tier
 * follows the points of their purchases confirmed in the last 12 months that
 * still stand: a return lowers them, a reversal takes them out. Bonuses do
 * not count; a tier is earned by shopping.
 *
 * The window is read from `purchases.confirmed_at` (the lifecycle's clock)
 * rather than from ledger timestamps, so it moves with the same notion of
 * time as the confirmations themselves. The stored tier is what ingest
 * multiplies by; it is recomputed for one member after each of their
 * confirmations, returns and reversals, and for everybody by `recomputeTiers`
 * (the scheduler's job), which is what lets a tier lapse as the window moves.
 */
import { TIER_WINDOW_DAYS, TIERS, tierForPoints, tierStanding, type TierStanding } from '../../lib/points/tiers.ts';
import type { Queryable } from '../db/index.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

function windowStart(now: Date): string {
  return new Date(now.getTime() - TIER_WINDOW_DAYS * DAY_MS).toISOString();
}

/**
 * The points of member `$1`'s purchases confirmed within the window from
 * `$2` to `$3` (see `pointsInWindowParams`), as an SQL expression, so a
 * profile read can carry it in the same statement.
 */
export const POINTS_IN_WINDOW_SQL = `SELECT COALESCE(SUM(base_points), 0)::bigint FROM purchases
      WHERE member_id = $1 AND status = 'confirmed' AND confirmed_at > $2 AND confirmed_at <= $3`;

export function pointsInWindowParams(now: Date): [string, string] {
  return [windowStart(now), now.toISOString()];
}

/** Points of the member's purchases confirmed within the window that ends at `now`. */
export async function pointsInWindow(db: Queryable, memberId: string, now: Date): Promise<number> {
  const rows = await db.query<{ points: number }>(`SELECT (${POINTS_IN_WINDOW_SQL}) AS points`, [memberId, ...pointsInWindowParams(now)]);
  return rows[0]?.points ?? 0;
}

/**
 * Sets one member's tier from their points in the window; returns the tier.
 * Cheap (one indexed sum and one update), so the lifecycle calls it inside
 * the transaction of every change to a confirmed purchase.
 */
export async function recomputeMemberTier(tx: Queryable, memberId: string, now: Date): Promise<string> {
  const tier = tierForPoints(await pointsInWindow(tx, memberId, now)).id;
  await tx.query('UPDATE members SET tier = $2 WHERE id = $1 AND tier IS DISTINCT FROM $2', [memberId, tier]);
  return tier;
}

/**
 * Recomputes every member's tier in one statement; returns how many changed.
 * Members without confirmed purchases in the window fall back to the base tier.
 */
export async function recomputeTiers(db: Queryable, now: Date): Promise<number> {
  const rows = await db.query<{ id: string }>(
    `WITH points AS (
       SELECT m.id, COALESCE(SUM(p.base_points), 0) AS points
         FROM members m
         LEFT JOIN purchases p ON p.member_id = m.id AND p.status = 'confirmed' AND p.confirmed_at > $1 AND p.confirmed_at <= $2
        WHERE m.erased_at IS NULL
        GROUP BY m.id
     ), ladder AS (
       SELECT * FROM unnest($3::text[], $4::bigint[]) AS t(id, min_points)
     ), wanted AS (
       SELECT points.id, (SELECT l.id FROM ladder l WHERE l.min_points <= points.points ORDER BY l.min_points DESC LIMIT 1) AS tier
         FROM points
     )
     UPDATE members m SET tier = wanted.tier FROM wanted
      WHERE m.id = wanted.id AND m.tier IS DISTINCT FROM wanted.tier
     RETURNING m.id`,
    [windowStart(now), now.toISOString(), TIERS.map((t) => t.id), TIERS.map((t) => t.minPoints)],
  );
  return rows.length;
}

/** The member's standing as `GET /v1/me` shows it: the stored tier and the way to the next. */
export async function memberTierStanding(db: Queryable, memberId: string, tier: string, now: Date): Promise<TierStanding> {
  return tierStanding(tier, await pointsInWindow(db, memberId, now));
}
