/**
 * Per-partner reliability, computed from the purchases the ledger books:
 *
 * - `confirmedShare`: of the partner's finished purchases (confirmed,
 *   reversed or rejected), the share that the partner confirmed; a purchase
 *   confirmed and later returned still counts as confirmed, since the points
 *   were honoured. Purchases we refused ourselves (an order claimed twice, a
 *   fraud limit) never reached the partner and are left out, as are the
 *   pending ones, whose outcome is not known yet.
 * - `medianDaysToConfirm`: the median of whole days from recording to
 *   confirmation, over the confirmed ones.
 * - `sample`: how many finished purchases the figures rest on. The catalogue
 *   shows the figures only from MIN_RELIABILITY_SAMPLE on; below that they
 *   say more about chance than about the partner.
 *
 * The figures are cached in `partner_reliability` and recomputed at most
 * every RELIABILITY_MAX_AGE_MS (by the scheduler, or by the first catalogue
 * request after that). A change bumps `reliability_state.version`, which is
 * part of the catalogue's ETag, so clients holding the old figures download
 * the new ones.
 */
import type { PartnerReliability } from '../../lib/contract/index.ts';
import type { Queryable, Db } from '../db/index.ts';

export const MIN_RELIABILITY_SAMPLE = 10;
export const RELIABILITY_MAX_AGE_MS = 5 * 60 * 1000;
const DAY_SECONDS = 24 * 60 * 60;

/** Refusals of our own: the partner never had a say in them. */
const OWN_REFUSALS = ['duplicate_claim', 'fraud_limit'];

interface ReliabilityRow {
  [key: string]: unknown;
  partner_id: string;
  confirmed_share_bp: number;
  median_days_to_confirm: number | null;
  sample: number;
}

async function computeAll(db: Queryable): Promise<ReliabilityRow[]> {
  return db.query<ReliabilityRow>(
    `SELECT partner_id,
            (10000 * count(*) FILTER (WHERE status IN ('confirmed', 'reversed')) / count(*))::int AS confirmed_share_bp,
            round(percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM confirmed_at - created_at))
                  FILTER (WHERE confirmed_at IS NOT NULL) / $2)::int AS median_days_to_confirm,
            count(*)::int AS sample
       FROM purchases
      WHERE status IN ('confirmed', 'reversed', 'rejected')
        AND duplicate_of IS NULL
        AND NOT (status = 'rejected' AND reason = ANY($1::text[]))
      GROUP BY partner_id
      ORDER BY partner_id`,
    [OWN_REFUSALS, DAY_SECONDS],
  );
}

const sameRow = (a: ReliabilityRow, b: ReliabilityRow) =>
  a.confirmed_share_bp === b.confirmed_share_bp && a.median_days_to_confirm === b.median_days_to_confirm && a.sample === b.sample;

/**
 * Recomputes every partner's figures and stores those that changed; bumps
 * the version when anything did. Returns whether it did.
 */
export async function refreshReliability(db: Db, now: Date): Promise<boolean> {
  const fresh = await computeAll(db);
  return db.transaction(async (tx) => {
    const stored = new Map(
      (await tx.query<ReliabilityRow>('SELECT partner_id, confirmed_share_bp, median_days_to_confirm, sample FROM partner_reliability')).map((r) => [r.partner_id, r]),
    );
    const changed = fresh.filter((r) => {
      const old = stored.get(r.partner_id);
      return !old || !sameRow(old, r);
    });
    if (changed.length > 0) {
      await tx.query(
        `INSERT INTO partner_reliability (partner_id, confirmed_share_bp, median_days_to_confirm, sample)
         SELECT u.partner_id, u.share, u.median, u.sample FROM unnest($1::text[], $2::int[], $3::int[], $4::int[]) AS u(partner_id, share, median, sample)
          WHERE EXISTS (SELECT 1 FROM partners p WHERE p.id = u.partner_id)
         ON CONFLICT (partner_id) DO UPDATE SET confirmed_share_bp = EXCLUDED.confirmed_share_bp,
           median_days_to_confirm = EXCLUDED.median_days_to_confirm, sample = EXCLUDED.sample`,
        [changed.map((r) => r.partner_id), changed.map((r) => r.confirmed_share_bp), changed.map((r) => r.median_days_to_confirm), changed.map((r) => r.sample)],
      );
    }
    await tx.query(
      `UPDATE reliability_state SET computed_at = $1, version = version + $2`,
      [now.toISOString(), changed.length > 0 ? 1 : 0],
    );
    return changed.length > 0;
  });
}

export interface ReliabilityState {
  version: number;
  computedAt: Date | null;
}

export async function reliabilityState(db: Queryable): Promise<ReliabilityState> {
  const rows = await db.query<{ version: number; computed_at: Date | null }>('SELECT version, computed_at FROM reliability_state');
  return { version: rows[0]?.version ?? 0, computedAt: rows[0]?.computed_at ?? null };
}

/**
 * Recomputes when the figures are older than RELIABILITY_MAX_AGE_MS. Of
 * several replicas (or requests) seeing them stale at once, only the one
 * whose update claims the state row recomputes; the others go on with the
 * figures they have. Returns the state to use.
 */
export async function refreshReliabilityIfStale(db: Db, now: Date, state: ReliabilityState): Promise<ReliabilityState> {
  if (state.computedAt && now.getTime() - state.computedAt.getTime() < RELIABILITY_MAX_AGE_MS) return state;
  const claimed = await db.query(
    'UPDATE reliability_state SET computed_at = $1 WHERE computed_at IS NULL OR computed_at <= $2 RETURNING version',
    [now.toISOString(), new Date(now.getTime() - RELIABILITY_MAX_AGE_MS).toISOString()],
  );
  if (claimed.length === 0) return state;
  await refreshReliability(db, now);
  return reliabilityState(db);
}

/** The figures the catalogue shows: partners with a large enough sample. */
export async function loadReliability(db: Queryable): Promise<Map<string, PartnerReliability>> {
  const rows = await db.query<ReliabilityRow>(
    'SELECT partner_id, confirmed_share_bp, median_days_to_confirm, sample FROM partner_reliability WHERE sample >= $1',
    [MIN_RELIABILITY_SAMPLE],
  );
  return new Map(
    rows.map((r) => [
      r.partner_id,
      {
        confirmedShare: r.confirmed_share_bp / 10000,
        ...(r.median_days_to_confirm !== null ? { medianDaysToConfirm: r.median_days_to_confirm } : {}),
        sample: r.sample,
      },
    ]),
  );
}
