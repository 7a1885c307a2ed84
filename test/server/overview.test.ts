/**
 * The console's overview: the programme's KPIs over a period, per day or
 * week, from what members and partners really did through the API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProgrammeOverview } from '../../lib/contract/console.ts';
import { expirePointsJob } from '../../server/jobs/scheduler.ts';
import { ADMIN_TOKEN, backends, startTestServer, type TestServer } from './harness.ts';
import { createPartner, createReward, ingest, purchaseBody, registerMember, report, type TestMember, type TestPartner } from './lifecycle-helpers.ts';
import { asOperator, operatorSession } from './operator-console-helpers.ts';

describe.each(backends)('the overview (%s)', (backend) => {
  let server: TestServer;
  let partner: TestPartner;

  async function overview(query: string): Promise<ProgrammeOverview> {
    const res = await server.call('GET', `/v1/admin/overview?${query}`, { token: ADMIN_TOKEN });
    expect(res.status).toBe(200);
    return ProgrammeOverview.parse(await res.json());
  }

  async function purchase(member: TestMember, euros: number, outcome: 'confirmed' | 'cancelled' | 'pending') {
    const p = { ...purchaseBody(partner.id, euros * 100), detectedAt: server.clock.now().toISOString() };
    const [booked] = await ingest(server, member, [p]);
    expect(booked?.status).toBe('accepted');
    if (outcome !== 'pending') expect((await report(server, partner, [{ orderId: p.orderId, status: outcome }]))[0]?.status).toBe('applied');
  }

  beforeAll(async () => {
    server = await startTestServer(backend);
    server.clock.set('2025-01-10T10:00:00Z');
    await server.db.query('UPDATE points_expiry_state SET earned_before = NULL');
    partner = await createPartner(server);
    // January: one member earns 50 points, which expire on 1 March (one month after January's end).
    const early = await registerMember(server);
    await purchase(early, 50, 'confirmed');
    server.clock.set('2025-03-01T06:00:00Z');
    expect(await expirePointsJob.run({ db: server.db, now: server.clock.now(), pointsExpiryMonths: 1, keepAlive: async () => true })).toBe(1);
    // 5 March: three new members; one buys twice (one confirmed, one pending), one has a purchase cancelled, one buys nothing.
    server.clock.set('2025-03-05T10:00:00Z');
    const [ann, bob] = [await registerMember(server), await registerMember(server), await registerMember(server)];
    await purchase(ann!, 80, 'confirmed');
    await purchase(ann!, 20, 'pending');
    await purchase(bob!, 30, 'cancelled');
    const reward = await createReward(server, { kind: 'voucher', pointsCost: 30 });
    const spent = await server.call('POST', '/v1/redemptions', { token: ann!.token, headers: { 'Idempotency-Key': 'overview-1' }, body: { rewardId: reward } });
    expect(spent.status).toBe(201);
    server.clock.set('2025-03-20T12:00:00Z');
  });
  afterAll(() => server.close());

  describe('.happy', () => {
    it('adds up the week: members, purchases, rates, points issued, redeemed and expired, the liability at its end', async () => {
      const week = await overview('from=2025-03-01&to=2025-03-07');
      expect(week).toMatchObject({ from: '2025-03-01', to: '2025-03-07', interval: 'day' });
      expect(week.totals).toEqual({
        activeMembers: 2,
        newMembers: 3,
        purchases: 3,
        pointsBooked: 100,
        confirmedPurchases: 1,
        rejectedPurchases: 1,
        pendingPurchases: 1,
        confirmationRate: 1 / 3,
        rejectionRate: 1 / 3,
        repeatMembers: 1,
        repeatPurchaseRate: 0.5,
        pointsIssued: 80,
        pointsRedeemed: 30,
        redemptionRate: 0.375,
        pointsExpired: 50,
        availableAtEnd: 50,
        // Pending points at the end of a past period are checked below, at today's date: ingest dates its
        // pending entries by the database's clock, which this test moves only for the API.
        pendingAtEnd: expect.any(Number),
      });
      expect(week.series.map((d) => d.start)).toEqual(['2025-03-01', '2025-03-02', '2025-03-03', '2025-03-04', '2025-03-05', '2025-03-06', '2025-03-07']);
      const [first, , , , fifth] = week.series;
      // The expiry on 1 March took the only points members held then.
      expect(first).toMatchObject({ pointsExpired: 50, availableAtEnd: 0, purchases: 0 });
      expect(fifth).toMatchObject({ newMembers: 3, purchases: 3, activeMembers: 2, pointsIssued: 80, pointsRedeemed: 30, availableAtEnd: 50 });
    });

    it('counts the liability back to an earlier period: January ends with the 50 points that later expired', async () => {
      const january = await overview('from=2025-01-01&to=2025-01-31');
      expect(january.totals).toMatchObject({ newMembers: 1, activeMembers: 1, purchases: 1, pointsIssued: 50, pointsExpired: 0, availableAtEnd: 50, repeatPurchaseRate: 0 });
    });

    it('keeps the ledger sums of ended days and answers the same from them, also for a period that overlaps them', async () => {
      const first = await overview('from=2025-03-01&to=2025-03-07');
      const kept = await server.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ledger_daily_days WHERE day BETWEEN '2025-03-01' AND '2025-03-07'`);
      expect(kept[0]!.n).toBe(7);
      expect(await overview('from=2025-03-01&to=2025-03-07')).toEqual(first);
      // Partly kept (1–7 March), partly not yet (25–28 February, 8–10 March).
      const wider = await overview('from=2025-02-25&to=2025-03-10');
      expect(wider.totals).toMatchObject({ pointsIssued: 80, pointsRedeemed: 30, pointsExpired: 50, availableAtEnd: 50 });
      expect(wider.series.find((d) => d.start === '2025-02-28')).toMatchObject({ availableAtEnd: 50 });
    });

    it('ends today with what members hold now: available and pending', async () => {
      const today = new Date();
      server.clock.set(today);
      const day = today.toISOString().slice(0, 10);
      expect((await overview(`from=${day}&to=${day}`)).totals).toMatchObject({ availableAtEnd: 50, pendingAtEnd: 20 });
      server.clock.set('2025-03-20T12:00:00Z');
    });

    it('groups by week from Monday, and picks weeks by itself for a long period', async () => {
      const weeks = await overview('from=2025-03-01&to=2025-03-14&interval=week');
      expect(weeks.series.map((w) => w.start)).toEqual(['2025-02-24', '2025-03-03', '2025-03-10']);
      expect(weeks.series[1]).toMatchObject({ purchases: 3, newMembers: 3 });
      expect((await overview('from=2025-01-01&to=2025-03-31')).interval).toBe('week');
    });

    it('shows an empty period as zeros with no rates, and defaults to the last 30 days', async () => {
      const empty = await overview('from=2024-06-01&to=2024-06-02');
      expect(empty.totals).toMatchObject({ purchases: 0, activeMembers: 0, confirmationRate: null, repeatPurchaseRate: null, redemptionRate: null, availableAtEnd: 0 });
      const recent = await overview('');
      expect(recent).toMatchObject({ from: '2025-02-19', to: '2025-03-20', interval: 'day' });
      expect(recent.series).toHaveLength(30);
    });

    it('is every role’s to read, a viewer’s too', async () => {
      const viewer = await operatorSession(server, 'viewer');
      const res = await asOperator(server, viewer, 'GET', '/v1/admin/overview?from=2025-03-05&to=2025-03-05');
      expect(res.status).toBe(200);
      expect(ProgrammeOverview.parse(await res.json()).totals.purchases).toBe(3);
    });
  });

  describe('.error', () => {
    it.each([
      ['from=2025-13-01', 'from'],
      ['from=2025-02-30', 'from'],
      ['to=yesterday', 'to'],
      ['from=2025-03-07&to=2025-03-01', 'after'],
      ['from=2024-01-01&to=2025-03-01', '366'],
      ['interval=month', 'interval'],
    ])('refuses %s with 400', async (query, word) => {
      const res = await server.call('GET', `/v1/admin/overview?${query}`, { token: ADMIN_TOKEN });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('bad_request');
      expect(body.error.message).toContain(word);
    });

    it('refuses a caller without the token or a session', async () => {
      expect((await server.call('GET', '/v1/admin/overview')).status).toBe(401);
    });
  });
});
