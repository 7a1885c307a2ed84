/** Batch purchase ingest (`POST /v1/purchases`) and missing-points claims. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestResult } from '../../lib/contract/index.ts';
import { createApp } from '../../server/index.ts';
import { ADMIN_TOKEN, backends, startTestServer, type TestServer } from './harness.ts';
import {
  addOffer,
  addPartner,
  balanceOf,
  DAY_MS,
  errorCode,
  expectLedgerBalanced,
  ingest,
  partnerBody,
  purchase,
  signUp,
} from './helpers.ts';

describe.each(backends)('purchase ingest (%s)', (backend) => {
  let server: TestServer;
  /** 1 point per EUR, 14 days hold. */
  let shop: string;
  /** 1 point per 2 EUR. */
  let halfShop: string;
  let chfShop: string;

  beforeAll(async () => {
    server = await startTestServer(backend);
    shop = await addPartner(server, { holdDays: 14 });
    halfShop = await addPartner(server, { earn: { points: 1, per: 2 } });
    chfShop = await addPartner(server, { currency: 'CHF' });
  });
  afterAll(async () => {
    await expectLedgerBalanced(server.db);
    await server.close();
  });

  const now = () => server.clock.now();
  const iso = (offsetMs = 0) => new Date(now().getTime() + offsetMs).toISOString();
  const post = (token: string | undefined, body: unknown) => server.call('POST', '/v1/purchases', { ...(token ? { token } : {}), body });

  describe('happy path', () => {
    it('books a purchase as pending points at once, due for confirmation after the hold period', async () => {
      const member = await signUp(server);
      const [result] = await ingest(server, member.token, [purchase(shop, { amountMinor: 4990, detectedAt: iso() })]);
      expect(result).toMatchObject({ status: 'accepted', purchase: { status: 'pending', points: 49, amountMinor: 4990, partnerId: shop } });
      expect(result!.purchase!.expectedConfirmationAt).toBe(iso(14 * DAY_MS));
      expect(await balanceOf(server, member.token)).toEqual({ available: 0, pending: 49, lifetime: 0 });
    });

    it('computes points in integers at the partner rate (1 point per 2 EUR, rounded down)', async () => {
      const member = await signUp(server);
      const results = await ingest(server, member.token, [
        purchase(halfShop, { amountMinor: 1999 }),
        purchase(halfShop, { amountMinor: 200 }),
        purchase(chfShop, { amountMinor: 12_345, currency: 'CHF' }),
      ]);
      expect(results.map((r) => r.purchase?.points)).toEqual([9, 1, 123]);
      expect((await balanceOf(server, member.token)).pending).toBe(133);
    });

    it('books a full batch of 100 purchases', async () => {
      const member = await signUp(server);
      const items = Array.from({ length: 100 }, () => purchase(shop, { amountMinor: 100 }));
      const results = await ingest(server, member.token, items);
      expect(results.every((r) => r.status === 'accepted')).toBe(true);
      expect(results.map((r) => r.id)).toEqual(items.map((i) => i.id));
      expect((await balanceOf(server, member.token)).pending).toBe(100);
    });
  });

  describe('retries and duplicates', () => {
    it('answers a replay of the same purchase as duplicate with the stored result, booking nothing twice', async () => {
      const member = await signUp(server);
      const item = purchase(shop, { amountMinor: 2500 });
      const [first] = await ingest(server, member.token, [item]);
      const [again] = await ingest(server, member.token, [{ ...item }]);
      expect(again).toEqual({ id: item.id, status: 'duplicate', purchase: first!.purchase });
      expect((await balanceOf(server, member.token)).pending).toBe(25);
    });

    it('answers the same id with another body as conflict, keeping the first', async () => {
      const member = await signUp(server);
      const item = purchase(shop, { amountMinor: 2500 });
      await ingest(server, member.token, [item]);
      const [changed] = await ingest(server, member.token, [{ ...item, amountMinor: 250_000 }]);
      expect(changed).toMatchObject({ id: item.id, status: 'conflict', purchase: { amountMinor: 2500, points: 25 } });
      expect((await balanceOf(server, member.token)).pending).toBe(25);
    });

    it('answers the same order from a second device (new id) as duplicate with the existing purchase', async () => {
      const member = await signUp(server);
      const laptop = purchase(shop, { amountMinor: 3000 });
      const [first] = await ingest(server, member.token, [laptop]);
      const phone = { ...laptop, id: randomUUID(), method: 'ga4' };
      const [second] = await ingest(server, member.token, [phone]);
      expect(second).toEqual({ id: phone.id, status: 'duplicate', purchase: first!.purchase });
      expect((await balanceOf(server, member.token)).pending).toBe(30);
    });

    it('books the new purchases of a batch once and answers the ones already stored from what is stored', async () => {
      const member = await signUp(server);
      const rival = await signUp(server);
      const replayed = purchase(shop, { amountMinor: 1000 });
      const changed = purchase(shop, { amountMinor: 2000 });
      const fromOtherDevice = purchase(shop, { amountMinor: 3000 });
      const rivals = purchase(shop, { amountMinor: 4000 });
      await ingest(server, member.token, [replayed, changed, fromOtherDevice]);
      await ingest(server, rival.token, [rivals]);

      const fresh = [purchase(shop, { amountMinor: 500 }), purchase(halfShop, { amountMinor: 800 })];
      const results = await ingest(server, member.token, [
        fresh[0],
        { ...replayed },
        { ...changed, amountMinor: 1 },
        { ...fromOtherDevice, id: randomUUID() },
        { ...rivals, id: randomUUID() },
        fresh[1],
      ]);
      expect(results.map((r) => [r.status, r.reason ?? null])).toEqual([
        ['accepted', null],
        ['duplicate', null],
        ['conflict', null],
        ['duplicate', null],
        ['accepted', 'contested'],
        ['accepted', null],
      ]);
      expect(results[3]!.purchase!.id).toBe(fromOtherDevice.id);
      // 10 + 20 + 30 from the first batch, 5 + 4 for the two new purchases, 40 pending (held) for the contested order.
      expect((await balanceOf(server, member.token)).pending).toBe(109);
      expect((await balanceOf(server, rival.token)).pending).toBe(40);
    });

    it("books with the partner's new earn rate as soon as the operator changes it", async () => {
      const member = await signUp(server);
      const changing = await addPartner(server, { earn: { points: 1, per: 1 } });
      const [before] = await ingest(server, member.token, [purchase(changing, { amountMinor: 10_000 })]);
      const res = await server.call('PUT', `/v1/admin/partners/${changing}`, {
        token: ADMIN_TOKEN,
        body: partnerBody(changing, { earn: { points: 3, per: 1 } }),
      });
      expect(res.status).toBe(200);
      const [after] = await ingest(server, member.token, [purchase(changing, { amountMinor: 10_000 })]);
      expect([before!.purchase!.points, after!.purchase!.points]).toEqual([100, 300]);
    });

    it('deduplicates within one batch too', async () => {
      const member = await signUp(server);
      const item = purchase(shop, { amountMinor: 1000 });
      const results = await ingest(server, member.token, [item, item, { ...item, id: randomUUID() }, { ...item, amountMinor: 1 }]);
      expect(results.map((r) => r.status)).toEqual(['accepted', 'duplicate', 'duplicate', 'conflict']);
      expect(results.every((r) => r.purchase?.id === item.id)).toBe(true);
      expect((await balanceOf(server, member.token)).pending).toBe(10);
    });
  });

  describe('offers', () => {
    it('applies the highest running multiplier (they do not stack) and every bonus', async () => {
      const partner = await addPartner(server);
      await addOffer(server, { partnerId: partner, kind: 'multiplier', multiplier: 2, startsAt: iso(-DAY_MS), endsAt: iso(DAY_MS) });
      await addOffer(server, { partnerId: partner, kind: 'multiplier', multiplier: 1.5, startsAt: iso(-DAY_MS), endsAt: iso(DAY_MS) });
      await addOffer(server, { partnerId: partner, kind: 'bonus', bonusPoints: 100, minAmountMinor: 5000, startsAt: iso(-DAY_MS), endsAt: iso(DAY_MS) });
      const member = await signUp(server);
      const results = await ingest(server, member.token, [
        purchase(partner, { amountMinor: 6000, detectedAt: iso(-60_000) }),
        purchase(partner, { amountMinor: 4000, detectedAt: iso(-60_000) }),
      ]);
      expect(results.map((r) => r.purchase?.points)).toEqual([60 * 2 + 100, 40 * 2]);
    });

    it('honours a per-member limit: the bonus counts once per member', async () => {
      const partner = await addPartner(server);
      await addOffer(server, { partnerId: partner, kind: 'bonus', bonusPoints: 50, perMemberLimit: 1, startsAt: iso(-DAY_MS), endsAt: iso(DAY_MS) });
      const member = await signUp(server);
      const [first, second] = await ingest(server, member.token, [purchase(partner, { amountMinor: 1000, detectedAt: iso() }), purchase(partner, { amountMinor: 1000, detectedAt: iso() })]);
      const [third] = await ingest(server, member.token, [purchase(partner, { amountMinor: 1000, detectedAt: iso() })]);
      expect([first, second, third].map((r) => r?.purchase?.points)).toEqual([60, 10, 10]);
      const other = await signUp(server);
      expect((await ingest(server, other.token, [purchase(partner, { amountMinor: 1000, detectedAt: iso() })]))[0]?.purchase?.points).toBe(60);
    });

    it("judges offers at the purchase's time, but a purchase older than 7 days at the time it arrives", async () => {
      const partner = await addPartner(server);
      await addOffer(server, { partnerId: partner, kind: 'multiplier', multiplier: 3, startsAt: iso(-20 * DAY_MS), endsAt: iso(-2 * DAY_MS) });
      const member = await signUp(server);
      const results = await ingest(server, member.token, [
        purchase(partner, { amountMinor: 1000, detectedAt: iso(-3 * DAY_MS) }),
        purchase(partner, { amountMinor: 1000, detectedAt: iso(-10 * DAY_MS) }),
      ]);
      expect(results.map((r) => r.purchase?.points)).toEqual([30, 10]);
    });

    it("ignores offers for another tier", async () => {
      const partner = await addPartner(server);
      await addOffer(server, { partnerId: partner, kind: 'multiplier', multiplier: 5, tier: 'gold', startsAt: iso(-DAY_MS), endsAt: iso(DAY_MS) });
      const member = await signUp(server);
      expect((await ingest(server, member.token, [purchase(partner, { amountMinor: 1000, detectedAt: iso() })]))[0]?.purchase?.points).toBe(10);
    });
  });

  describe('refusals', () => {
    it('rejects each bad item with a reason and still books the good ones', async () => {
      const member = await signUp(server);
      const good = purchase(shop, { amountMinor: 1500 });
      const items: unknown[] = [
        purchase(shop, { amountMinor: 0 }),
        good,
        purchase(shop, { amountMinor: -500 }),
        purchase(shop, { amountMinor: 100_000_001 }),
        purchase(shop, { currency: 'ABC' }),
        purchase('no-such-shop'),
        purchase(shop, { currency: 'USD' }),
        purchase(shop, { detectedAt: iso(2 * DAY_MS) }),
        { ...purchase(shop), amountMinor: '1500' },
        { ...purchase(shop), amountMinor: 12.5 },
        { partnerId: shop },
        'not even an object',
      ];
      const results = await ingest(server, member.token, items);
      expect(results.map((r) => [r.status, r.reason])).toEqual([
        ['rejected', 'amount_not_positive'],
        ['accepted', undefined],
        ['rejected', 'amount_not_positive'],
        ['rejected', 'amount_too_large'],
        ['rejected', 'unknown_currency'],
        ['rejected', 'unknown_partner'],
        ['rejected', 'currency_mismatch'],
        ['rejected', 'detected_in_future'],
        ['rejected', expect.stringMatching(/^invalid: amountMinor: /)],
        ['rejected', expect.stringMatching(/^invalid: amountMinor: /)],
        ['rejected', expect.stringMatching(/^invalid: id: /)],
        ['rejected', expect.stringMatching(/^invalid: /)],
      ]);
      expect(results.map((r) => r.id)).toEqual([...items.slice(0, 10).map((i) => (i as { id: string }).id), null, null]);
      expect(results[1]!.purchase?.id).toBe(good.id);
      expect(await balanceOf(server, member.token)).toEqual({ available: 0, pending: 15, lifetime: 0 });
    });

    it('accepts the largest amount, 1,000,000.00', async () => {
      const member = await signUp(server);
      const [result] = await ingest(server, member.token, [purchase(shop, { amountMinor: 100_000_000 })]);
      expect(result).toMatchObject({ status: 'accepted', purchase: { points: 1_000_000 } });
    });

    it('refuses a body that is not {purchases: [1..100 items]}: 400 in the error envelope', async () => {
      const member = await signUp(server);
      const bodies: unknown[] = [{}, [], { purchases: [] }, { purchases: 'x' }, { purchase: [purchase(shop)] }, { purchases: Array.from({ length: 101 }, () => purchase(shop)) }];
      for (const body of bodies) {
        const res = await post(member.token, body);
        expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
        expect(await errorCode(res)).toBe('bad_request');
      }
      const malformed = await post(member.token, '{"purchases": [');
      expect(malformed.status).toBe(400);
      expect(await errorCode(malformed)).toBe('bad_request');
      expect((await balanceOf(server, member.token)).pending).toBe(0);
    });

    it('refuses a body over 64 KB: 413', async () => {
      const member = await signUp(server);
      const res = await post(member.token, { purchases: [purchase(shop, { method: 'x'.repeat(70_000) })] });
      expect(res.status).toBe(413);
      expect(await errorCode(res)).toBe('payload_too_large');
    });

    it('refuses ingest without a token or with a revoked one: 401', async () => {
      const member = await signUp(server);
      expect((await post(undefined, { purchases: [purchase(shop)] })).status).toBe(401);
      await server.call('POST', '/v1/auth/logout', { token: member.token });
      expect((await post(member.token, { purchases: [purchase(shop)] })).status).toBe(401);
    });

    it("holds a purchase over the partner's limit of purchases a day for review: booked pending, never dropped", async () => {
      const partner = await addPartner(server, { fraud: { maxPurchasesPerMemberPerDay: 2 } });
      const member = await signUp(server);
      const results = await ingest(server, member.token, [purchase(partner), purchase(partner), purchase(partner)]);
      expect(results.map((r) => r.reason ?? r.status)).toEqual(['accepted', 'accepted', 'velocity_per_day']);
      expect(results[2]).toMatchObject({ status: 'accepted', purchase: { status: 'pending', points: 100 } });
      expect((await balanceOf(server, member.token)).pending).toBe(300);
    });

    it("holds a purchase over the partner's amount a day for review, counting earlier requests", async () => {
      const partner = await addPartner(server, { fraud: { maxAmountMinorPerMemberPerDay: 15_000 } });
      const member = await signUp(server);
      await ingest(server, member.token, [purchase(partner, { amountMinor: 10_000 })]);
      const results = await ingest(server, member.token, [purchase(partner, { amountMinor: 4000 }), purchase(partner, { amountMinor: 2000 })]);
      expect(results.map((r) => r.reason ?? r.status)).toEqual(['accepted', 'amount_per_day']);
      server.clock.advance(DAY_MS + 1000);
      expect((await ingest(server, member.token, [purchase(partner, { amountMinor: 2000 })]))[0]?.status).toBe('accepted');
    });
  });

  describe('attacks', () => {
    it("contests an order another member already claimed: both held pending under review, never available", async () => {
      const owner = await signUp(server);
      const thief = await signUp(server);
      const original = purchase(shop, { amountMinor: 8000 });
      await ingest(server, owner.token, [original]);
      const copy = { ...original, id: randomUUID() };
      const [claimed] = await ingest(server, thief.token, [copy]);
      expect(claimed).toMatchObject({ id: copy.id, status: 'accepted', reason: 'contested', purchase: { status: 'pending' } });
      // A replay of the claim answers the stored result.
      const [replay] = await ingest(server, thief.token, [copy]);
      expect(replay).toMatchObject({ status: 'duplicate', purchase: { id: copy.id, status: 'pending', reason: 'contested' } });
      // The first claimant sees its purchase under review too.
      const sync = (await (await server.call('GET', '/v1/me/sync', { token: owner.token })).json()) as { purchases: { id: string; reason?: string }[] };
      expect(sync.purchases.find((p) => p.id === original.id)?.reason).toBe('contested');
      const rows = await server.db.query<{ review: string; duplicate_of: string | null }>('SELECT review, duplicate_of FROM purchases WHERE id = ANY($1::uuid[]) ORDER BY created_at, id', [[original.id, copy.id]]);
      expect(rows.map((r) => r.review)).toEqual(['held', 'held']);
      expect(await balanceOf(server, thief.token)).toMatchObject({ available: 0, lifetime: 0 });
      expect(await balanceOf(server, owner.token)).toMatchObject({ available: 0, pending: 80 });
    });

    it("does not reveal another member's purchase under its id", async () => {
      const owner = await signUp(server);
      const other = await signUp(server);
      const original = purchase(shop, { amountMinor: 8000 });
      await ingest(server, owner.token, [original]);
      const [result] = await ingest(server, other.token, [original]);
      expect(result).toEqual({ id: original.id, status: 'rejected', reason: 'id_in_use' });
    });

    it('lets neither of two members racing for the same order win it alone: one contests the other', async () => {
      const a = await signUp(server);
      const b = await signUp(server);
      for (let round = 0; round < 3; round++) {
        const orderId = `race-${randomUUID()}`;
        const [ra, rb] = await Promise.all([
          ingest(server, a.token, [purchase(shop, { orderId, amountMinor: 1000 })]),
          ingest(server, b.token, [purchase(shop, { orderId, amountMinor: 1000 })]),
        ]);
        const statuses = [ra[0]!, rb[0]!].map((r: IngestResult) => r.reason ?? r.status).sort();
        expect(statuses).toEqual(['accepted', 'contested']);
        const held = await server.db.query<{ review: string | null }>('SELECT review FROM purchases WHERE partner_id = $1 AND order_id = $2', [shop, orderId.toUpperCase()]);
        expect(held.map((r) => r.review)).toEqual(['held', 'held']);
      }
      expect((await balanceOf(server, a.token)).available + (await balanceOf(server, b.token)).available).toBe(0);
    });

    it('throttles a token sending too many requests: 429 with Retry-After', async () => {
      const strict = createApp({ ...server.deps, env: { ...server.env, RATE_LIMIT_MEMBER_PER_MIN: 3 } });
      const member = await signUp(server);
      const send = () =>
        strict.request('/v1/purchases', {
          method: 'POST',
          headers: { Authorization: `Bearer ${member.token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ purchases: [purchase(shop)] }),
        });
      for (let i = 0; i < 3; i++) expect((await send()).status).toBe(200);
      const blocked = await send();
      expect(blocked.status).toBe(429);
      expect(await errorCode(blocked)).toBe('rate_limited');
      expect(Number(blocked.headers.get('Retry-After'))).toBeGreaterThan(0);
    });
  });

  describe('missing-points claims', () => {
    const receipt = (partnerId: string, orderId = `claim-${randomUUID()}`) => ({
      partnerId,
      orderId,
      amountMinor: 4200,
      currency: 'EUR',
      detectedAt: iso(-DAY_MS),
      method: 'json-ld',
      pageUrl: `https://${partnerId}.example/checkout/finish`,
    });
    const claim = (token: string, purchaseId: string, body: unknown) => server.call('POST', `/v1/purchases/${purchaseId}/claim`, { token, body });

    it('files a claim with the local receipt (201), and the same claim again answers it (200)', async () => {
      const member = await signUp(server);
      const item = purchase(shop);
      await ingest(server, member.token, [item]);
      const first = await claim(member.token, item.id, receipt(shop, item.orderId));
      expect(first.status).toBe(201);
      const { claim: filed } = (await first.json()) as { claim: { id: string; purchaseId: string; status: string } };
      expect(filed).toMatchObject({ purchaseId: item.id, status: 'open' });
      const again = await claim(member.token, item.id, receipt(shop, item.orderId));
      expect(again.status).toBe(200);
      expect(((await again.json()) as { claim: { id: string } }).claim.id).toBe(filed.id);
    });

    it('files a claim for a purchase the server never received', async () => {
      const member = await signUp(server);
      expect((await claim(member.token, randomUUID(), receipt(shop))).status).toBe(201);
    });

    it("refuses a claim on another member's purchase: 404", async () => {
      const owner = await signUp(server);
      const other = await signUp(server);
      const item = purchase(shop);
      await ingest(server, owner.token, [item]);
      const res = await claim(other.token, item.id, receipt(shop, item.orderId));
      expect(res.status).toBe(404);
      expect(await errorCode(res)).toBe('not_found');
    });

    it('refuses a malformed claim: 400; a claim for an unknown partner: 422; no token: 401', async () => {
      const member = await signUp(server);
      expect((await claim(member.token, randomUUID(), { ...receipt(shop), amountMinor: -1 })).status).toBe(400);
      expect((await claim(member.token, 'not-a-uuid', receipt(shop))).status).toBe(400);
      expect((await claim(member.token, randomUUID(), receipt('no-such-shop'))).status).toBe(422);
      expect((await server.call('POST', `/v1/purchases/${randomUUID()}/claim`, { body: receipt(shop) })).status).toBe(401);
    });
  });
});
