/**
 * Migration 070 (points expiry) on a database that already has a ledger, and
 * `npm run ledger:verify` / `npm run admin -- points liability` on a real
 * data directory after the scheduler's job expired points.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite, type Db } from '../../server/db/index.ts';
import { migrate } from '../../server/db/migrate.ts';
import { expireDueLots } from '../../server/ledger/expiry.ts';
import { backends, openTestDb } from './harness.ts';

const MEMBER = '00000000-0000-4000-8000-000000000070';

async function memberWithLedger(db: Db): Promise<void> {
  await db.query("INSERT INTO members (id, email, member_number) VALUES ($1, 'expiry@example.test', '0000000070')", [MEMBER]);
  await db.query('INSERT INTO balances (member_id, available, lifetime) VALUES ($1, 60, 100)', [MEMBER]);
  // Confirmed in January 2020, 40 spent in March 2020: 60 left when the lot expires.
  await db.query(
    `INSERT INTO ledger_entries (member_id, account, delta, reason, created_at) VALUES
       ($1, 'available', 100, 'confirmation', '2020-01-15T10:00:00Z'),
       ($1, 'available', -40, 'redemption', '2020-03-01T10:00:00Z')`,
    [MEMBER],
  );
}

describe.each(backends)('migration 070, points expiry (%s)', (backend) => {
  let db: Db;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    ({ db, drop } = await openTestDb(backend));
  });
  afterAll(() => drop());

  it('keeps an existing ledger as it is; its lots expire from the next round, once each', async () => {
    await migrate(db, { target: 61 });
    await memberWithLedger(db);
    expect(await migrate(db)).toContain(70);
    const [state] = await db.query<{ earned_before: Date | null }>('SELECT earned_before FROM points_expiry_state');
    expect(state?.earned_before).toBeNull();
    expect(await expireDueLots(db, new Date('2023-02-01T00:00:00Z'), 36, async () => true)).toBe(1);
    const entries = await db.query<{ delta: number; reason: string }>(
      `SELECT delta, reason FROM ledger_entries WHERE member_id = $1 AND earning_entry_id IS NOT NULL`,
      [MEMBER],
    );
    expect(entries).toEqual([{ delta: -60, reason: 'expiry' }]);
    // The round is finished: the next one looks only at lots earned since.
    const [after] = await db.query<{ earned_before: Date }>('SELECT earned_before FROM points_expiry_state');
    expect(new Date(after!.earned_before).toISOString()).toBe('2020-02-01T00:00:00.000Z');
    expect(await expireDueLots(db, new Date('2023-02-01T00:00:00Z'), 36, async () => true)).toBe(0);
    const [lot] = await db.query<{ id: number }>(`SELECT id FROM ledger_entries WHERE member_id = $1 AND reason = 'confirmation'`, [MEMBER]);
    await expect(
      db.query(`INSERT INTO ledger_entries (member_id, account, delta, reason, earning_entry_id) VALUES ($1, 'available', -1, 'expiry', $2)`, [MEMBER, lot!.id]),
    ).rejects.toThrow();
  });
});

describe('npm run ledger:verify and admin points liability after an expiry', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sammelpunkt-expiry-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  const run = (command: string, args: string[]) => {
    // The data directory, never a DATABASE_URL this test run may have set.
    const { DATABASE_URL: _ignored, ...env } = process.env;
    return promisify(execFile)('npx', ['tsx', command, ...args], { env: { ...env, DATA_DIR: dataDir }, timeout: 120_000 }).then(
      (out) => ({ code: 0, stdout: out.stdout }),
      (err: { code: number; stdout: string }) => ({ code: err.code, stdout: err.stdout }),
    );
  };

  it('verifies the expiry and reports the breakage in its month', async () => {
    const db = await openPglite(dataDir);
    await migrate(db);
    await memberWithLedger(db);
    // Expired now, so the report's months (counted back from today) include it.
    const now = new Date();
    await db.query(`UPDATE points_expiry_state SET earned_before = NULL`);
    expect(await expireDueLots(db, now, 36, async () => true)).toBe(1);
    await db.close();

    const verified = await run('server/cli/ledger-verify.ts', []);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toContain('expiry ok: 1 expiry, 60 points, each what was left of its lot, first in first out');

    const report = await run('server/cli/admin.ts', ['points', 'liability', '--months', '2']);
    expect(report.code).toBe(0);
    const lines = report.stdout.trim().split('\n');
    expect(lines[0]).toBe('points expire 36 months after they were earned, at the end of that month (POINTS_EXPIRY_MONTHS)');
    const thisMonth = lines.find((l) => l.startsWith(now.toISOString().slice(0, 7)))!.split(/\s+/);
    // month, earned, spent, expired, taken back (two words), other, available at end, pending at end
    expect(thisMonth.slice(0, 4)).toEqual([now.toISOString().slice(0, 7), '0', '0', '60']);
    expect(thisMonth.at(-2)).toBe('0');
    expect(lines.at(-1)).toBe('now: 0 points held by members, 0 owed by members, 0 pending');
  }, 180_000);
});
