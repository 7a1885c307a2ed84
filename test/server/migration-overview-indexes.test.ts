/**
 * Migration 100: the overview's reads of one period go through indexes on
 * the time columns, never through every member or every ledger entry ever
 * written. Sequential scans are switched off, as on a table too large for
 * them, so the plan shows which index the planner has to choose from.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/index.ts';
import { migrate } from '../../server/db/migrate.ts';
import { backends, openTestDb } from './harness.ts';

describe.each(backends)('migration 100, overview indexes (%s)', (backend) => {
  let db: Db;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    ({ db, drop } = await openTestDb(backend));
    await migrate(db);
  });
  afterAll(() => drop());

  async function plan(sql: string): Promise<string> {
    return db.transaction(async (tx) => {
      await tx.query('SET LOCAL enable_seqscan = off');
      const rows = await tx.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`);
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    });
  }

  it('counts the members who joined in the period from the period', async () => {
    expect(await plan(`SELECT count(*) FROM members WHERE created_at >= '2026-01-01T00:00:00Z' AND created_at < '2026-02-01T00:00:00Z'`)).toContain('members_created');
  });

  it('sums the ledger entries since the period began from that day on', async () => {
    expect(
      await plan(`SELECT account, reason, SUM(delta) FROM ledger_entries WHERE created_at >= '2026-01-01T00:00:00Z' GROUP BY 1, 2`),
    ).toContain('ledger_entries_created');
  });

  it('counts the purchases of the period through the detection-time index', async () => {
    expect(
      await plan(`SELECT member_id, count(*) FROM purchases
        WHERE detected_at >= '2026-01-01T00:00:00Z' AND detected_at < '2026-02-01T00:00:00Z' AND duplicate_of IS NULL GROUP BY member_id`),
    ).toContain('purchases_detected');
  });
});
