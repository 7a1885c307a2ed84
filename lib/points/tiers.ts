/**
 * The tier ladder, one definition for the server (which books with it) and
 * the popup (which shows progress with it). A member's tier follows the
 * points of purchases confirmed in the last 12 months; each tier has its own
 * earn multiplier. Plain data and integer arithmetic only: the popup imports
 * this, so it must not pull in zod or anything heavy.
 */

export type TierId = 'basis' | 'silber' | 'gold';

export interface Tier {
  id: TierId;
  /** Points confirmed in the window needed to reach the tier. */
  minPoints: number;
  /** The tier's own earn multiplier in percent (100 = none). */
  multiplierPercent: number;
}

/** The window a tier is judged over. */
export const TIER_WINDOW_DAYS = 365;

/** Lowest first; the first tier starts at 0 points. */
export const TIERS: readonly Tier[] = [
  { id: 'basis', minPoints: 0, multiplierPercent: 100 },
  { id: 'silber', minPoints: 2_000, multiplierPercent: 110 },
  { id: 'gold', minPoints: 5_000, multiplierPercent: 125 },
];

export const BASE_TIER: Tier = TIERS[0]!;

/** The tier with this id, or undefined for an id the ladder does not know. */
export function tierById(id: string): Tier | undefined {
  return TIERS.find((t) => t.id === id);
}

/** The highest tier the points reach. */
export function tierForPoints(pointsInWindow: number): Tier {
  let reached = BASE_TIER;
  for (const tier of TIERS) if (pointsInWindow >= tier.minPoints) reached = tier;
  return reached;
}

/** The earn multiplier of a tier in percent; an unknown tier earns like the base tier. */
export function tierMultiplierPercent(id: string | undefined): number {
  return (id !== undefined ? tierById(id)?.multiplierPercent : undefined) ?? BASE_TIER.multiplierPercent;
}

export interface TierStanding {
  tier: string;
  nextTier?: string;
  pointsInWindow: number;
  /** Points still needed for the next tier; absent at the top. */
  pointsToNext?: number;
  multiplierPercent: number;
}

/**
 * Where a member stands: the tier they hold (as stored, which the last
 * recompute set) and the way from their points in the window to the tier
 * above it.
 */
export function tierStanding(tierId: string, pointsInWindow: number): TierStanding {
  const index = TIERS.findIndex((t) => t.id === tierId);
  const next = index === -1 ? undefined : TIERS[index + 1];
  return {
    tier: tierId,
    pointsInWindow,
    multiplierPercent: tierMultiplierPercent(tierId),
    ...(next ? { nextTier: next.id, pointsToNext: Math.max(next.minPoints - pointsInWindow, 0) } : {}),
  };
}
