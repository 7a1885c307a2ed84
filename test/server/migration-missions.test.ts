/**
 * Migration 110 (missions) on a database that already has a ledger: the
 * existing entries pass its check, ledger:verify's mission part finds
 * nothing, and from then on a mission entry must name its mission (and only
 * a mission entry may).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/index.ts';
import { migrate } from '../../server/db/migrate.ts';
import { verifyMissions } from '../../server/ledger/missions-verify.ts';
import { ledgerVerification } from '../../server/operator/ledger.ts';
import { backends, openTestDb } from './harness.ts';

const MEMBER = '00000000-0000-4000-8000-000000000110';

describe.each(backends)('migration 110, missions (%s)', (backend) => {
  let db: Db;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    ({ db, drop } = await openTestDb(backend));
  });
  afterAll(() => drop());

  it('keeps an existing ledger as it is, and refuses mission entries that do not name their mission', async () => {
    await migrate(db, { target: 90 });
    await db.query("INSERT INTO members (id, email, member_number) VALUES ($1, 'missions@example.test', '0000000110')", [MEMBER]);
    await db.query('INSERT INTO balances (member_id, available, lifetime) VALUES ($1, 75, 100)', [MEMBER]);
    await db.query(
      `INSERT INTO ledger_entries (member_id, account, delta, reason) VALUES ($1, 'available', 100, 'bonus'), ($1, 'available', -25, 'redemption')`,
      [MEMBER],
    );
    expect(await migrate(db)).toContain(110);
    expect(await verifyMissions(db)).toEqual({ completions: 0, bonusPoints: 0, mismatches: [] });
    expect((await ledgerVerification(db)).ok).toBe(true);

    await db.query(`INSERT INTO missions (id, doc, starts_at, ends_at, active) VALUES ('m', '{}'::jsonb, now(), now() + interval '1 day', true)`);
    await expect(db.query(`INSERT INTO ledger_entries (member_id, account, delta, reason) VALUES ($1, 'available', 10, 'mission_bonus')`, [MEMBER])).rejects.toThrow();
    await expect(db.query(`INSERT INTO ledger_entries (member_id, account, delta, reason, mission_id) VALUES ($1, 'available', 10, 'bonus', 'm')`, [MEMBER])).rejects.toThrow();
    await expect(db.query(`INSERT INTO ledger_entries (member_id, account, delta, reason, mission_id) VALUES ($1, 'available', 10, 'mission_bonus', 'no-such-mission')`, [MEMBER])).rejects.toThrow();
  });
});
