/**
 * Migration 090: the reads the growth benchmark found scanning a whole
 * partner's purchases (or every reviewed flag) go through an index of their
 * own. Sequential scans are switched off, as on a table too large for them,
 * so the plan shows which index the planner has to choose from.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/index.ts';
import { migrate } from '../../server/db/migrate.ts';
import { backends, openTestDb } from './harness.ts';

class RolledBack extends Error {}

describe.each(backends)('migration 090, growth indexes (%s)', (backend) => {
  let db: Db;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    ({ db, drop } = await openTestDb(backend));
    await migrate(db);
  });
  afterAll(() => drop());

  async function plan(sql: string, without: string[] = []): Promise<string> {
    let explained = '';
    // Rolled back: the indexes dropped for one plan are back for the next.
    await db
      .transaction(async (tx) => {
        await tx.query('SET LOCAL enable_seqscan = off');
        for (const index of without) await tx.query(`DROP INDEX ${index}`);
        const rows = await tx.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`);
        explained = rows.map((r) => r['QUERY PLAN']).join('\n');
        throw new RolledBack();
      })
      .catch((error: unknown) => {
        if (!(error instanceof RolledBack)) throw error;
      });
    return explained;
  }

  it("finds every purchase of a partner's order, holder and refused claims alike, by the order", async () => {
    // operator/partner-reports.ts, purchasesOfOrder
    expect(await plan(`SELECT id FROM purchases WHERE partner_id = 'p' AND order_id = 'A-1'`)).toContain('purchases_partner_order');
  });

  it("reads a partner's last confirmed purchases without walking past its pending ones", async () => {
    // purchases/ingest.ts, loadUsualBaskets and loadOrderIdShapes
    expect(
      await plan(`SELECT amount_minor FROM purchases WHERE partner_id = 'p' AND status = 'confirmed' ORDER BY created_at DESC LIMIT 100`),
    ).toContain('purchases_partner_confirmed_recent');
  });

  it('lists flagged purchases from those not yet released, not from every flag ever reviewed', async () => {
    // purchases/fraud.ts, listReviewQueue: its flagged arm, as the UNION ALL runs it
    const queue = await plan(`SELECT id FROM purchases
      WHERE flag IS NOT NULL AND review IS DISTINCT FROM 'released' AND status IN ('pending', 'confirmed')
        AND NOT (review IS NOT DISTINCT FROM 'held' AND status = 'pending')
      ORDER BY created_at, id LIMIT 100`, ['purchases_member_placed']);
    // Without statistics the planner takes any partial index over the status; the missions' one (member and time of
    // pending and confirmed purchases, migration 110) is left out here, as on a large table, where it would read every
    // pending purchase, so that the choice is between the flag indexes.
    expect(queue).toContain('purchases_flagged_open');
    expect(queue).not.toContain('purchases_flagged ');
  });

  it('counts the purchases detected in the last weeks from those weeks, not from every year of purchases', async () => {
    // catalog/detection-health.ts, detectionHealth
    expect(
      await plan(`SELECT count(*) FROM purchases
        WHERE detected_at >= '2026-01-01T00:00:00Z' AND detected_at < '2026-01-29T00:00:00Z' AND duplicate_of IS NULL`),
    ).toContain('purchases_detected');
  });
});
