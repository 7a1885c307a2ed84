/** The numbered SQL migrations, and `npm run ledger:verify` on a real data directory. */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite, type Db } from '../../server/db/index.ts';
import { loadMigrations, migrate } from '../../server/db/migrate.ts';
import { backends, openTestDb } from './harness.ts';

describe.each(backends)('migrations (%s)', (backend) => {
  let db: Db;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    ({ db, drop } = await openTestDb(backend));
  });
  afterAll(() => drop());

  it('apply in order on an empty database, then are a no-op the second time', async () => {
    const versions = (await loadMigrations()).map((m) => m.version);
    expect(versions.length).toBeGreaterThan(0);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(versions.length);

    expect(await migrate(db)).toEqual(versions);
    const tables = await db.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name",
    );
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining(['members', 'tokens', 'balances', 'partners', 'offers', 'rewards', 'purchases', 'ledger_entries', 'claims', 'rate_limits']),
    );

    expect(await migrate(db)).toEqual([]);
    const applied = await db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(applied.map((r) => r.version)).toEqual(versions);
  });

  it('keeps the ledger append-only: an entry cannot be changed or deleted', async () => {
    await migrate(db);
    const id = '00000000-0000-4000-8000-000000000001';
    await db.query("INSERT INTO members (id, email, member_number) VALUES ($1, 'x@example.test', '0000000001')", [id]);
    await db.query("INSERT INTO ledger_entries (member_id, account, delta, reason) VALUES ($1, 'pending', 5, 'purchase')", [id]);
    await expect(db.query('UPDATE ledger_entries SET delta = 500 WHERE member_id = $1', [id])).rejects.toThrow(/append-only/);
    await expect(db.query('DELETE FROM ledger_entries WHERE member_id = $1', [id])).rejects.toThrow(/append-only/);
  });
});

describe('npm run ledger:verify', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sammelpunkt-verify-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  const verify = () => {
    // The data directory, never a DATABASE_URL this test run may have set.
    const { DATABASE_URL: _ignored, ...env } = process.env;
    return promisify(execFile)('npx', ['tsx', 'server/cli/ledger-verify.ts'], { env: { ...env, DATA_DIR: dataDir } }).then(
      (out) => ({ code: 0, stdout: out.stdout }),
      (err: { code: number; stdout: string }) => ({ code: err.code, stdout: err.stdout }),
    );
  };

  it('passes on a consistent ledger and fails, naming the member, when a balance drifts', async () => {
    const db = await openPglite(dataDir);
    await migrate(db);
    const id = '00000000-0000-4000-8000-000000000002';
    await db.query("INSERT INTO members (id, email, member_number) VALUES ($1, 'y@example.test', '0000000002')", [id]);
    await db.query('INSERT INTO balances (member_id, pending) VALUES ($1, 7)', [id]);
    await db.query("INSERT INTO ledger_entries (member_id, account, delta, reason) VALUES ($1, 'pending', 7, 'purchase')", [id]);
    await db.close();

    const ok = await verify();
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^ledger ok: 1 balance/);

    const tampered = await openPglite(dataDir);
    await tampered.query('UPDATE balances SET available = 100 WHERE member_id = $1', [id]);
    await tampered.close();

    const bad = await verify();
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('MISMATCH');
    expect(bad.stdout).toContain(id);
  }, 120_000);
});
