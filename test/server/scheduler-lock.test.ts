/**
 * Scheduled jobs under a lease row (job_locks): two scheduler instances on
 * one database (two connection pools on PostgreSQL, as two replicas would
 * have) run each job once per interval, and every purchase is confirmed
 * exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres, type Db } from '../../server/db/index.ts';
import { acquireJobLock, releaseJobLock } from '../../server/jobs/job-lock.ts';
import { verifyLedger } from '../../server/ledger/ledger.ts';
import { Metrics } from '../../server/platform/metrics.ts';
import { type Job, startScheduler } from '../../server/jobs/scheduler.ts';
import { backends, startTestServer, type TestServer } from './harness.ts';
import { balanceOf, buy, createPartner, DAY_MS, registerMember, reportPlaced } from './lifecycle-helpers.ts';

describe.each(backends)('scheduler lease on %s', (backend) => {
  let server: TestServer;
  /** A second handle on the same database: its own pool on PostgreSQL; PGlite has one connection. */
  let other: Db;
  beforeAll(async () => {
    server = await startTestServer(backend);
    if (backend === 'postgres') {
      const [{ schema }] = (await server.db.query<{ schema: string }>('SELECT current_schema() AS schema')) as [{ schema: string }];
      other = await openPostgres(process.env.DATABASE_URL!, { schema, max: 5 });
    } else {
      other = server.db;
    }
  });
  afterAll(async () => {
    if (other !== server.db) await other.close();
    await server?.close();
  });

  it('gives a lease to exactly one of many replicas asking at once, and again once it ran out', async () => {
    const now = server.clock.now();
    const until = new Date(now.getTime() + 60_000);
    const asks = Array.from({ length: 10 }, (_, i) => acquireJobLock(i % 2 ? other : server.db, 'race-test', `replica-${i}`, now, until));
    const granted = await Promise.all(asks);
    expect(granted.filter(Boolean)).toHaveLength(1);
    const [row] = await server.db.query<{ holder: string }>(`SELECT holder FROM job_locks WHERE name = 'race-test'`);
    expect(row?.holder).toBe(`replica-${granted.indexOf(true)}`);

    expect(await acquireJobLock(other, 'race-test', 'late', new Date(now.getTime() + 59_000), until)).toBe(false);
    expect(await acquireJobLock(other, 'race-test', 'late', until, new Date(until.getTime() + 60_000))).toBe(true);
    // Given back early, the lease is free at once.
    await releaseJobLock(other, 'race-test', 'late', until);
    expect(await acquireJobLock(server.db, 'race-test', 'next', until, new Date(until.getTime() + 1000))).toBe(true);
  });

  it('runs a job in one replica at a time: the other skips while the lease is held', async () => {
    let inside = 0;
    let most = 0;
    let runs = 0;
    const slow: Job = {
      name: 'slow-test',
      async run() {
        runs++;
        inside++;
        most = Math.max(most, inside);
        await new Promise((r) => setTimeout(r, 200));
        inside--;
        return 1;
      },
    };
    const opts = { now: server.clock.now, intervalMs: 3_600_000, log: () => {}, jobs: [slow] };
    const a = startScheduler(server.db, opts);
    const b = startScheduler(other, opts);
    const rounds = await Promise.all([a.runOnce(), b.runOnce(), a.runOnce(), b.runOnce()]);
    await Promise.all([a.stop(), b.stop()]);
    expect(most).toBe(1);
    // The lease lasts an interval (an hour here): whichever start or round took
    // it first ran the job, and every other one, on either replica, skipped it.
    expect(runs).toBe(1);
    expect(rounds.filter((r) => r['slow-test']?.status !== 'skipped').length).toBeLessThanOrEqual(1);
  });

  it('confirms each due purchase exactly once with two schedulers started together', async () => {
    const partner = await createPartner(server, { holdDays: 14, autoConfirm: true });
    const members = [await registerMember(server), await registerMember(server)];
    const bought = [];
    for (let i = 0; i < 20; i++) bought.push(await buy(server, members[i % 2]!, partner.id, 1_000 + i * 50));
    await reportPlaced(server, partner, bought);
    server.clock.advance(15 * DAY_MS);

    const metricsA = new Metrics();
    const metricsB = new Metrics();
    const base = { now: server.clock.now, intervalMs: 3_600_000, log: () => {} };
    // Each starts with a round of its own at once, as replicas do when they boot together.
    const a = startScheduler(server.db, { ...base, metrics: metricsA });
    const b = startScheduler(other, { ...base, metrics: metricsB });
    await Promise.all([a.runOnce(), b.runOnce()]);
    const [lock] = await server.db.query<{ holder: string }>(`SELECT holder FROM job_locks WHERE name = 'auto-confirm'`);
    await Promise.all([a.stop(), b.stop()]);

    const ran = (m: Metrics) => m.jobRuns.get({ job: 'auto-confirm', outcome: 'ran' });
    expect(ran(metricsA) + ran(metricsB)).toBe(1);
    expect(lock?.holder).toBe(ran(metricsA) === 1 ? a.holder : b.holder);
    expect(metricsA.autoConfirmed.get() + metricsB.autoConfirmed.get()).toBe(20);

    const rows = await server.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ledger_entries WHERE reason = 'confirmation' AND purchase_id = ANY($1::uuid[]) GROUP BY purchase_id`,
      [bought.map((p) => p.id)],
    );
    expect(rows.map((r) => r.n)).toEqual(Array(20).fill(2));
    for (const [i, member] of members.entries()) {
      const total = bought.filter((_, j) => j % 2 === i).reduce((s, p) => s + p.points, 0);
      expect(await balanceOf(server, member)).toEqual({ pending: 0, available: total, lifetime: total });
    }
    expect((await verifyLedger(server.db)).mismatches).toEqual([]);
  });

  it('expires claims left open for 90 days through the scheduler', async () => {
    const partner = await createPartner(server);
    const member = await registerMember(server);
    const res = await server.call('POST', `/v1/purchases/${crypto.randomUUID()}/claim`, {
      token: member.token,
      body: { partnerId: partner.id, orderId: 'lost-1', amountMinor: 1_000, currency: 'EUR', detectedAt: server.clock.now().toISOString() },
    });
    expect(res.status).toBe(201);
    const { claim } = (await res.json()) as { claim: { id: string } };
    server.clock.advance(91 * DAY_MS);
    const s = startScheduler(server.db, { now: server.clock.now, intervalMs: 3_600_000, log: () => {} });
    await s.stop();
    const [row] = await server.db.query<{ status: string; reason: string }>('SELECT status, reason FROM claims WHERE id = $1', [claim.id]);
    expect(row).toEqual({ status: 'rejected', reason: 'expired' });
  });
});
