/**
 * Points expiry through the real app (docs/expiry.md): the default period
 * and its month end, the announcement in `GET /v1/me/sync`, the scheduler
 * booking it once with two schedulers on one database, `ledger:verify`
 * catching a tampered expiry, and the operator's liability and breakage per
 * month (`GET /v1/admin/points-liability`, `admin points liability`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PointsLiability, SyncResponse } from '../../lib/contract/index.ts';
import { openPostgres, type Db } from '../../server/db/index.ts';
import { startScheduler, expirePointsJob } from '../../server/jobs/scheduler.ts';
import { earnedBeforeCutoff, lastSpendableDay, lotExpiresAt } from '../../server/ledger/expiry.ts';
import { formatLiability } from '../../server/ledger/liability.ts';
import { ledgerVerification } from '../../server/operator/ledger.ts';
import { ADMIN_TOKEN, backends, startTestServer, type TestServer } from './harness.ts';
import { balanceOf, createPartner, createReward, ingest, purchaseBody, registerMember, report, type TestMember, type TestPartner } from './lifecycle-helpers.ts';

describe('expiry dates', () => {
  it('are the end of the month 36 months after the points were earned, in UTC', () => {
    const earned = new Date('2023-03-14T09:30:00Z');
    expect(lotExpiresAt(earned, 36).toISOString()).toBe('2026-04-01T00:00:00.000Z');
    expect(lastSpendableDay(lotExpiresAt(earned, 36))).toBe('2026-03-31');
    // The last instant of a month belongs to that month; February knows leap years.
    expect(lastSpendableDay(lotExpiresAt(new Date('2023-12-31T23:59:59Z'), 2))).toBe('2024-02-29');
    // A lot earned before the cutoff has expired by `now`, one earned on it has not.
    const now = new Date('2026-04-01T00:00:00Z');
    expect(earnedBeforeCutoff(now, 36).toISOString()).toBe('2023-04-01T00:00:00.000Z');
    expect(lotExpiresAt(new Date('2023-03-31T23:59:59Z'), 36).getTime()).toBeLessThanOrEqual(now.getTime());
    expect(lotExpiresAt(new Date('2023-04-01T00:00:00Z'), 36).getTime()).toBeGreaterThan(now.getTime());
  });
});

describe.each(backends)('points expiry on %s', (backend) => {
  let server: TestServer;
  let partner: TestPartner;
  beforeAll(async () => {
    server = await startTestServer(backend);
    partner = await createPartner(server, { autoConfirm: false });
  }, 120_000);
  afterAll(() => server?.close());

  /** A confirmed purchase of `euros` (1 point per EUR) at the clock's time. */
  async function earn(member: TestMember, euros: number) {
    const p = { ...purchaseBody(partner.id, euros * 100), detectedAt: server.clock.now().toISOString() };
    const [booked] = await ingest(server, member, [p]);
    expect(booked?.status).toBe('accepted');
    const [r] = await report(server, partner, [{ orderId: p.orderId, status: 'confirmed' }]);
    expect(r?.status).toBe('applied');
    return p;
  }

  async function sync(member: TestMember): Promise<SyncResponse> {
    const res = await server.call('GET', '/v1/me/sync', { token: member.token });
    expect(res.status).toBe(200);
    return SyncResponse.parse(await res.json());
  }

  const runJob = (db: Db = server.db) => expirePointsJob.run({ db, now: server.clock.now(), keepAlive: async () => true });

  describe('.happy', () => {
    it('announces what expires, oldest first after spending, and books it at the end of the month 36 months on', async () => {
      server.clock.set('2023-03-14T10:00:00Z');
      await server.db.query('UPDATE points_expiry_state SET earned_before = NULL');
      const member = await registerMember(server);
      await earn(member, 200);
      server.clock.set('2023-05-02T10:00:00Z');
      await earn(member, 120);
      const reward = await createReward(server, { kind: 'voucher', pointsCost: 80 });
      const spent = await server.call('POST', '/v1/redemptions', { token: member.token, headers: { 'Idempotency-Key': 'k1' }, body: { rewardId: reward } });
      expect(spent.status).toBe(201);

      // Far ahead, nothing is announced; within 12 months, the oldest lot's rest (200 − 80 spent).
      expect((await sync(member)).expiry).toEqual({ months: 36, upcoming: [] });
      server.clock.set('2026-01-10T08:00:00Z');
      expect((await sync(member)).expiry).toEqual({
        months: 36,
        upcoming: [
          { points: 120, expiresOn: '2026-03-31' },
          { points: 120, expiresOn: '2026-05-31' },
        ],
      });

      // On the last day nothing has expired yet; the next morning the March lot has.
      server.clock.set('2026-03-31T23:00:00Z');
      expect(await runJob()).toBe(0);
      expect((await balanceOf(server, member)).available).toBe(240);
      server.clock.set('2026-04-01T06:00:00Z');
      expect(await runJob()).toBe(1);
      const balance = await balanceOf(server, member);
      // Lifetime counts every point ever confirmed, not reduced by spending or expiry.
      expect(balance).toEqual({ available: 120, pending: 0, lifetime: 320 });
      expect((await sync(member)).expiry?.upcoming).toEqual([{ points: 120, expiresOn: '2026-05-31' }]);

      const tx = await server.call('GET', '/v1/me/transactions', { token: member.token });
      const { transactions } = (await tx.json()) as { transactions: { reason: string; delta: number }[] };
      expect(transactions[0]).toMatchObject({ reason: 'expiry', delta: -120 });
      expect((await ledgerVerification(server.db)).ok).toBe(true);
    });

    it('shows the operator the liability at each month end and the breakage of the month', async () => {
      // Continues on the same database: the month with the expiry above is April 2026.
      server.clock.set('2026-04-20T12:00:00Z');
      const res = await server.call('GET', '/v1/admin/points-liability?months=3', { token: ADMIN_TOKEN });
      expect(res.status).toBe(200);
      const report = PointsLiability.parse(await res.json());
      expect(report.months.map((m) => m.month)).toEqual(['2026-02', '2026-03', '2026-04']);
      const april = report.months[2]!;
      expect(april.expiredPoints).toBeGreaterThanOrEqual(120);
      // Each month end follows from the one before and the month's movements.
      for (let i = 1; i < report.months.length; i++) {
        const m = report.months[i]!;
        const before = report.months[i - 1]!.availableAtEnd;
        expect(m.availableAtEnd).toBe(before + m.earnedPoints - m.spentPoints - m.expiredPoints - m.takenBackPoints + m.otherPoints);
      }
      const [sum] = await server.db.query<{ available: number }>('SELECT SUM(available)::bigint AS available FROM balances');
      expect(april.availableAtEnd).toBe(sum!.available);
      expect(report.current.availablePoints - report.current.debtPoints).toBe(sum!.available);
      const lines = formatLiability(report);
      expect(lines[0]).toContain('36 months');
      expect(lines.some((l) => l.startsWith('2026-04'))).toBe(true);
    });

    it('books each lot once when two scheduler processes run at the same moment', async () => {
      server.clock.set('2022-01-05T10:00:00Z');
      await server.db.query('UPDATE points_expiry_state SET earned_before = NULL');
      const member = await registerMember(server);
      await earn(member, 70);
      server.clock.set('2025-02-01T00:00:01Z');
      let other = server.db;
      if (backend === 'postgres') {
        const [{ schema }] = (await server.db.query<{ schema: string }>('SELECT current_schema() AS schema')) as [{ schema: string }];
        other = await openPostgres(process.env.DATABASE_URL!, { schema, max: 5 });
      }
      try {
        const opts = { now: server.clock.now, intervalMs: 3_600_000, log: () => {}, jobs: [expirePointsJob] };
        const a = startScheduler(server.db, opts);
        const b = startScheduler(other, opts);
        await Promise.all([a.runOnce(), b.runOnce(), runJob(other), runJob()]);
        await Promise.all([a.stop(), b.stop()]);
      } finally {
        if (other !== server.db) await other.close();
      }
      const entries = await server.db.query<{ delta: number }>(`SELECT delta FROM ledger_entries WHERE member_id = $1 AND reason = 'expiry'`, [member.id]);
      expect(entries).toEqual([{ delta: -70 }]);
      expect((await balanceOf(server, member)).available).toBe(0);
    });
  });

  describe('.error', () => {
    it('refuses a liability report without the operator token or with a bad month count', async () => {
      expect((await server.call('GET', '/v1/admin/points-liability')).status).toBe(401);
      expect((await server.call('GET', '/v1/admin/points-liability?months=0', { token: ADMIN_TOKEN })).status).toBe(400);
      expect((await server.call('GET', '/v1/admin/points-liability?months=121', { token: ADMIN_TOKEN })).status).toBe(400);
      expect((await server.call('GET', '/v1/admin/points-liability?months=x', { token: ADMIN_TOKEN })).status).toBe(400);
    });
  });

  describe('.security: ledger:verify', () => {
    it('names an expiry that took more than was left of its lot, even with the balance moved to match', async () => {
      server.clock.set('2021-06-10T10:00:00Z');
      await server.db.query('UPDATE points_expiry_state SET earned_before = NULL');
      const member = await registerMember(server);
      await earn(member, 50);
      const [lot] = await server.db.query<{ id: number }>(
        `SELECT id FROM ledger_entries WHERE member_id = $1 AND reason = 'confirmation' AND account = 'available'`,
        [member.id],
      );
      expect((await ledgerVerification(server.db)).ok).toBe(true);
      // Tried: an extra 30 points "expired" from a lot of 50 that expired nothing yet, balance moved along so the sums agree.
      await server.db.query(
        `INSERT INTO ledger_entries (member_id, account, delta, reason, earning_entry_id, created_at) VALUES ($1, 'available', -80, 'expiry', $2, $3)`,
        [member.id, lot!.id, '2024-08-01T00:00:00Z'],
      );
      await server.db.query('UPDATE balances SET available = available - 80 WHERE member_id = $1', [member.id]);
      const tampered = await ledgerVerification(server.db);
      expect(tampered.ok).toBe(false);
      const text = tampered.lines.join('\n');
      expect(text).toContain('ledger ok');
      expect(text).toContain(`member ${member.id}`);
      expect(text).toContain(`expired 80 points of lot ${lot!.id}, which had 50 left`);
      expect(text).toContain('expiry took available to -30');
      // The scheduler will not expire that lot again: one expiry per lot, by a unique index.
      server.clock.set('2024-09-01T00:00:00Z');
      await runJob();
      const count = await server.db.query(`SELECT 1 FROM ledger_entries WHERE earning_entry_id = $1 AND reason = 'expiry'`, [lot!.id]);
      expect(count).toHaveLength(1);
      await expect(
        server.db.query(`INSERT INTO ledger_entries (member_id, account, delta, reason, earning_entry_id) VALUES ($1, 'available', -1, 'expiry', $2)`, [
          member.id,
          lot!.id,
        ]),
      ).rejects.toThrow();
    });
  });
});
