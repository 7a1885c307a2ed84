/** The operator's catalogue writes behind ADMIN_TOKEN. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Partner } from '../../lib/contract/index.ts';
import { createApp } from '../../server/index.ts';
import { ADMIN_TOKEN, backends, startTestServer, type TestServer } from './harness.ts';
import { DAY_MS, errorCode, partnerBody, uniqueName } from './helpers.ts';

describe.each(backends)('operator routes (%s)', (backend) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer(backend);
  });
  afterAll(() => server.close());

  const put = (path: string, body: unknown, auth: { token?: string } = { token: ADMIN_TOKEN }) =>
    server.call('PUT', `/v1/admin${path}`, { ...auth, body });
  const iso = (offsetMs: number) => new Date(server.clock.now().getTime() + offsetMs).toISOString();
  const offerBody = (id: string, extra: Record<string, unknown> = {}) => ({
    id,
    title: 'Double points',
    kind: 'multiplier',
    multiplier: 2,
    startsAt: iso(-DAY_MS),
    endsAt: iso(DAY_MS),
    ...extra,
  });
  const listed = async (id: string) =>
    ((await (await server.call('GET', '/v1/partners')).json()) as { partners: Partner[] }).partners.find((p) => p.id === id);

  describe('happy path', () => {
    it('creates a partner (201), replaces it (200), and never echoes the secret', async () => {
      const id = uniqueName('shop');
      const created = await put(`/partners/${id}`, partnerBody(id));
      expect(created.status).toBe(201);
      const { partner } = (await created.json()) as { partner: Record<string, unknown> };
      expect(partner).toMatchObject({ id, currency: 'EUR', holdDays: 30 });
      expect(partner).not.toHaveProperty('secret');

      const replaced = await put(`/partners/${id}`, partnerBody(id, { earn: { points: 1, per: 2 }, holdDays: 21 }));
      expect(replaced.status).toBe(200);
      expect(await listed(id)).toMatchObject({ earn: { points: 1, per: 2 }, holdDays: 21 });
    });

    it('fills in the defaults: hold period 30 days, auto-confirmation off', async () => {
      const id = uniqueName('shop');
      const { holdDays: _h, autoConfirm: _a, ...body } = partnerBody(id);
      expect((await put(`/partners/${id}`, body)).status).toBe(201);
      expect(await listed(id)).toMatchObject({ holdDays: 30, autoConfirm: false });
    });

    it('creates and replaces offers and rewards', async () => {
      const shop = uniqueName('shop');
      await put(`/partners/${shop}`, partnerBody(shop));
      const offerId = uniqueName('offer');
      const offer = await put(`/offers/${offerId}`, offerBody(offerId, { partnerId: shop }));
      expect(offer.status).toBe(201);
      expect(((await offer.json()) as { offer: { partnerId: string } }).offer.partnerId).toBe(shop);
      expect((await put(`/offers/${offerId}`, offerBody(offerId, { multiplier: 3 }))).status).toBe(200);

      const rewardId = uniqueName('reward');
      const reward = { id: rewardId, title: '5 € voucher', kind: 'voucher', pointsCost: 500 };
      const created = await put(`/rewards/${rewardId}`, reward);
      expect(created.status).toBe(201);
      expect(await created.json()).toEqual({ reward: { ...reward, active: true } });
      expect((await put(`/rewards/${rewardId}`, { ...reward, active: false })).status).toBe(200);
    });
  });

  describe('refusals', () => {
    it('refuses a body whose id differs from the path: 400', async () => {
      const res = await put('/partners/one-shop', partnerBody('another-shop'));
      expect(res.status).toBe(400);
      expect(await errorCode(res)).toBe('bad_request');
    });

    it('refuses malformed JSON, wrong types and an unknown currency: 400', async () => {
      const id = uniqueName('shop');
      const bodies = [
        '{"id": ',
        partnerBody(id, { earn: { points: '1', per: 1 } }),
        partnerBody(id, { domains: [] }),
        partnerBody(id, { holdDays: 7 }),
        partnerBody(id, { secret: 'short' }),
        partnerBody(id, { currency: 'ABC' }),
      ];
      for (const body of bodies) {
        const res = await put(`/partners/${id}`, body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(await errorCode(res)).toBe('bad_request');
      }
      expect(await listed(id)).toBeUndefined();
    });

    it('refuses offers that are not well formed: 400', async () => {
      const id = uniqueName('offer');
      for (const extra of [{ multiplier: undefined }, { endsAt: iso(-2 * DAY_MS) }, { kind: 'cashback' }, { multiplier: 1.234 }]) {
        const res = await put(`/offers/${id}`, offerBody(id, extra));
        expect(res.status, JSON.stringify(extra)).toBe(400);
      }
    });

    it('refuses an offer or reward for an unknown partner: 422', async () => {
      const offerId = uniqueName('offer');
      const offer = await put(`/offers/${offerId}`, offerBody(offerId, { partnerId: 'no-such-shop' }));
      expect(offer.status).toBe(422);
      expect(await errorCode(offer)).toBe('unprocessable');
      const rewardId = uniqueName('reward');
      const reward = await put(`/rewards/${rewardId}`, { id: rewardId, title: 'x', kind: 'voucher', pointsCost: 1, partnerId: 'no-such-shop' });
      expect(reward.status).toBe(422);
    });
  });

  describe('attacks', () => {
    it('refuses a missing or wrong operator token: 401, and writes nothing', async () => {
      const id = uniqueName('shop');
      for (const auth of [{}, { token: 'wrong-token-0123456789' }, { token: `${ADMIN_TOKEN}x` }]) {
        const res = await put(`/partners/${id}`, partnerBody(id), auth);
        expect(res.status).toBe(401);
        expect(await errorCode(res)).toBe('unauthorized');
      }
      expect(await listed(id)).toBeUndefined();
    });

    it('refuses a member token on operator routes: 401', async () => {
      const reg = await server.call('POST', '/v1/auth/register', { body: { email: `${uniqueName('m')}@example.test`, password: 'long enough pw' } });
      const { token } = (await reg.json()) as { token: string };
      const id = uniqueName('shop');
      expect((await put(`/partners/${id}`, partnerBody(id), { token })).status).toBe(401);
    });

    it('answers 403 to everyone when no ADMIN_TOKEN is configured', async () => {
      const app = createApp({ ...server.deps, env: { ...server.env, ADMIN_TOKEN: undefined } });
      const id = uniqueName('shop');
      const res = await app.request(`/v1/admin/partners/${id}`, {
        method: 'PUT',
        headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(partnerBody(id)),
      });
      expect(res.status).toBe(403);
      expect(await errorCode(res)).toBe('forbidden');
    });
  });
});
