/**
 * GET /v1/rewards and POST /v1/redemptions: spending points, safely retried
 * under an Idempotency-Key.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLedger } from '../../server/ledger/ledger.ts';
import { backends, startTestServer, type TestServer } from './harness.ts';
import { balanceOf, buy, createPartner, createReward, DAY_MS, registerMember, report, reportPlaced, unique, type TestMember } from './lifecycle-helpers.ts';

describe.each(backends)('rewards and redemptions (%s)', (backend) => {
  let server: TestServer;
  let voucher: string;
  let donation: string;
  let inactive: string;

  beforeAll(async () => {
    server = await startTestServer(backend);
    voucher = await createReward(server, { kind: 'voucher', pointsCost: 50 });
    donation = await createReward(server, { kind: 'donation', pointsCost: 20 });
    inactive = await createReward(server, { kind: 'voucher', pointsCost: 1, active: false });
  });
  afterAll(async () => {
    expect((await verifyLedger(server.db)).mismatches).toEqual([]);
    await server.close();
  });

  /** A member with `points` available: a purchase confirmed by its partner. */
  async function memberWith(points: number): Promise<TestMember> {
    const member = await registerMember(server);
    const shop = await createPartner(server, { earn: { points: 1, per: 1 }, autoConfirm: false });
    const p = await buy(server, member, shop.id, points * 100);
    await report(server, shop, [{ orderId: p.orderId, status: 'confirmed' }]);
    expect((await balanceOf(server, member)).available).toBe(points);
    return member;
  }

  const redeem = (member: TestMember, key: string | undefined, body: unknown) =>
    server.call('POST', '/v1/redemptions', { token: member.token, body, headers: key === undefined ? {} : { 'Idempotency-Key': key } });

  const redemptionEntries = async (member: TestMember) =>
    server.db.query("SELECT delta FROM ledger_entries WHERE member_id = $1 AND reason = 'redemption'", [member.id]);

  describe('happy path', () => {
    it('lists the active rewards only', async () => {
      const member = await registerMember(server);
      const res = await server.call('GET', '/v1/rewards', { token: member.token });
      expect(res.status).toBe(200);
      const ids = ((await res.json()) as { rewards: { id: string }[] }).rewards.map((r) => r.id);
      expect(ids).toEqual(expect.arrayContaining([voucher, donation]));
      expect(ids).not.toContain(inactive);
    });

    it('redeems a voucher: 201 with a readable code, and the points leave available', async () => {
      const member = await memberWith(120);
      const res = await redeem(member, unique('key'), { rewardId: voucher });
      expect(res.status).toBe(201);
      const { redemption } = (await res.json()) as { redemption: { id: string; rewardId: string; points: number; status: string; code?: string } };
      expect(redemption).toMatchObject({ rewardId: voucher, points: 50, status: 'completed' });
      expect(redemption.code).toMatch(/^SP-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
      expect(await balanceOf(server, member)).toEqual({ available: 70, pending: 0, lifetime: 120 });
    });

    it('redeems a donation: completed, without a code', async () => {
      const member = await memberWith(20);
      const res = await redeem(member, unique('key'), { rewardId: donation });
      expect(res.status).toBe(201);
      const { redemption } = (await res.json()) as { redemption: { status: string; code?: string } };
      expect(redemption.status).toBe('completed');
      expect(redemption.code).toBeUndefined();
      expect((await balanceOf(server, member)).available).toBe(0);
    });

    it('replays the same key and body with the identical answer and writes one entry', async () => {
      const member = await memberWith(200);
      const key = unique('key');
      const first = await redeem(member, key, { rewardId: voucher });
      const second = await redeem(member, key, { rewardId: voucher });
      expect(second.status).toBe(first.status);
      expect(await second.text()).toBe(await first.text());
      expect(await redemptionEntries(member)).toEqual([{ delta: -50 }]);
      expect((await balanceOf(server, member)).available).toBe(150);
    });

    it('books racing requests under one key once', async () => {
      const member = await memberWith(200);
      const key = unique('key');
      const answers = await Promise.all([1, 2, 3].map(() => redeem(member, key, { rewardId: voucher })));
      const texts = await Promise.all(answers.map((r) => r.text()));
      expect(answers.map((r) => r.status)).toEqual([201, 201, 201]);
      expect(new Set(texts).size).toBe(1);
      expect(await redemptionEntries(member)).toHaveLength(1);
    });

    it('counts points whose hold period has passed as available, even before any job confirmed them', async () => {
      const member = await registerMember(server);
      const shop = await createPartner(server, { holdDays: 14, autoConfirm: true });
      const bought = await buy(server, member, shop.id, 60_00);
      // The partner vouched for the order: only then does the end of the hold confirm it.
      await reportPlaced(server, shop, [bought]);
      server.clock.advance(15 * DAY_MS);
      const res = await redeem(member, unique('key'), { rewardId: voucher });
      expect(res.status).toBe(201);
      expect(await balanceOf(server, member)).toEqual({ available: 10, pending: 0, lifetime: 60 });
    });

    it('lets another member use the same key independently', async () => {
      const a = await memberWith(50);
      const b = await memberWith(50);
      const key = unique('shared-key');
      expect((await redeem(a, key, { rewardId: voucher })).status).toBe(201);
      expect((await redeem(b, key, { rewardId: voucher })).status).toBe(201);
    });
  });

  describe('refusals', () => {
    it('refuses the same key with another body with 409 idempotency_conflict', async () => {
      const member = await memberWith(200);
      const key = unique('key');
      expect((await redeem(member, key, { rewardId: voucher })).status).toBe(201);
      const res = await redeem(member, key, { rewardId: donation });
      expect(res.status).toBe(409);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('idempotency_conflict');
      expect(await redemptionEntries(member)).toHaveLength(1);
    });

    it('refuses the same key with another, invalid body with 409, not 400', async () => {
      const member = await memberWith(100);
      const key = unique('key');
      expect((await redeem(member, key, { rewardId: voucher })).status).toBe(201);
      const res = await redeem(member, key, '{"rewardId": 42');
      expect(res.status).toBe(409);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('idempotency_conflict');
    });

    it('refuses a redemption over the available balance with 409 insufficient_points and writes no entry', async () => {
      const member = await memberWith(30);
      const res = await redeem(member, unique('key'), { rewardId: voucher });
      expect(res.status).toBe(409);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('insufficient_points');
      expect(await redemptionEntries(member)).toEqual([]);
      expect(await balanceOf(server, member)).toEqual({ available: 30, pending: 0, lifetime: 30 });
    });

    it('refuses to spend pending points (only available counts)', async () => {
      const member = await registerMember(server);
      const shop = await createPartner(server);
      await buy(server, member, shop.id, 100_00);
      const res = await redeem(member, unique('key'), { rewardId: voucher });
      expect(res.status).toBe(409);
      expect(await redemptionEntries(member)).toEqual([]);
    });

    it('replays a refusal under its key even after the member earned enough', async () => {
      const member = await registerMember(server);
      const key = unique('key');
      const first = await redeem(member, key, { rewardId: donation });
      expect(first.status).toBe(409);
      const shop = await createPartner(server, { autoConfirm: false });
      const p = await buy(server, member, shop.id, 100_00);
      await report(server, shop, [{ orderId: p.orderId, status: 'confirmed' }]);
      const again = await redeem(member, key, { rewardId: donation });
      expect(again.status).toBe(409);
      expect(await again.text()).toBe(await first.text());
      expect((await redeem(member, unique('key'), { rewardId: donation })).status).toBe(201);
    });

    it('refuses an unknown reward with 404, and an inactive one too', async () => {
      const member = await memberWith(10);
      expect((await redeem(member, unique('key'), { rewardId: 'no-such-reward' })).status).toBe(404);
      expect((await redeem(member, unique('key'), { rewardId: inactive })).status).toBe(404);
      expect((await balanceOf(server, member)).available).toBe(10);
    });

    it('refuses a missing or over-long Idempotency-Key with 400', async () => {
      const member = await memberWith(100);
      expect((await redeem(member, undefined, { rewardId: donation })).status).toBe(400);
      expect((await redeem(member, 'k'.repeat(201), { rewardId: donation })).status).toBe(400);
      expect(await redemptionEntries(member)).toEqual([]);
    });

    it('refuses a malformed body with 400 and replays that 400 under the same key', async () => {
      const member = await memberWith(100);
      const key = unique('key');
      const first = await redeem(member, key, { reward: donation });
      expect(first.status).toBe(400);
      const again = await redeem(member, key, { reward: donation });
      expect(again.status).toBe(400);
      expect(await again.text()).toBe(await first.text());
    });

    it('refuses a redemption without a member token with 401', async () => {
      const res = await server.call('POST', '/v1/redemptions', { body: { rewardId: voucher }, headers: { 'Idempotency-Key': unique('key') } });
      expect(res.status).toBe(401);
      expect((await server.call('GET', '/v1/rewards')).status).toBe(401);
    });
  });
});
