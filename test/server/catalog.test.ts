/** The public partner catalogue (ETag/304), a member's offers, and the demo seed. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Offer, Partner } from '../../lib/contract/index.ts';
import { DEMO_PARTNERS, seedDemo } from '../../server/catalog/seed.ts';
import { ADMIN_TOKEN, backends, startTestServer, type TestServer } from './harness.ts';
import { addOffer, addPartner, DAY_MS, errorCode, partnerBody, signUp } from './helpers.ts';

describe.each(backends)('catalogue (%s)', (backend) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer(backend);
  });
  afterAll(() => server.close());

  const partners = (headers: Record<string, string> = {}) => server.call('GET', '/v1/partners', { headers });
  const offersOf = async (token: string) => {
    const res = await server.call('GET', '/v1/offers', { token });
    expect(res.status).toBe(200);
    return ((await res.json()) as { offers: Offer[] }).offers.map((o) => o.id);
  };
  const iso = (offsetMs: number) => new Date(server.clock.now().getTime() + offsetMs).toISOString();

  describe('partners', () => {
    it('lists partners without a token, never with their secret or fraud limits', async () => {
      const id = await addPartner(server, { fraud: { maxPurchasesPerMemberPerDay: 3 } });
      const res = await partners();
      expect(res.status).toBe(200);
      expect(res.headers.get('Cache-Control')).toBe('no-cache');
      const text = await res.text();
      expect(text).not.toContain('secret');
      expect(text).not.toContain('maxPurchasesPerMemberPerDay');
      const partner = (JSON.parse(text) as { partners: Partner[] }).partners.find((p) => p.id === id);
      expect(partner).toEqual({
        id,
        name: `Shop ${id}`,
        domains: [`${id}.example`],
        category: 'fashion',
        earn: { points: 1, per: 1 },
        currency: 'EUR',
        holdDays: 30,
        autoConfirm: true,
      });
    });

    it('answers 304 to a revalidation with the current ETag, strong or weak, alone or in a list', async () => {
      await addPartner(server);
      const etag = (await partners()).headers.get('ETag')!;
      expect(etag).toBeTruthy();
      for (const ifNoneMatch of [etag, `W/${etag}`, `"something-else", ${etag}`, '*']) {
        const res = await partners({ 'If-None-Match': ifNoneMatch });
        expect(res.status, ifNoneMatch).toBe(304);
        expect(res.headers.get('ETag')).toBe(etag);
        expect(await res.text()).toBe('');
      }
    });

    it('serves the new catalogue and a new ETag right after an operator change', async () => {
      const before = (await partners()).headers.get('ETag')!;
      const id = await addPartner(server);
      const res = await partners({ 'If-None-Match': before });
      expect(res.status).toBe(200);
      expect(res.headers.get('ETag')).not.toBe(before);
      expect(((await res.json()) as { partners: Partner[] }).partners.map((p) => p.id)).toContain(id);

      const renamed = await server.call('PUT', `/v1/admin/partners/${id}`, { token: ADMIN_TOKEN, body: partnerBody(id, { name: 'Renamed' }) });
      expect(renamed.status).toBe(200);
      const again = (await (await partners()).json()) as { partners: Partner[] };
      expect(again.partners.find((p) => p.id === id)?.name).toBe('Renamed');
    });

    it('keeps the ETag when a PUT changes nothing', async () => {
      const id = await addPartner(server);
      const body = (await server.db.query<{ secret: string }>('SELECT secret FROM partners WHERE id = $1', [id]))[0]!;
      const etag = (await partners()).headers.get('ETag');
      const res = await server.call('PUT', `/v1/admin/partners/${id}`, { token: ADMIN_TOKEN, body: partnerBody(id, { secret: body.secret }) });
      expect(res.status).toBe(200);
      expect((await partners()).headers.get('ETag')).toBe(etag);
    });
  });

  describe('offers', () => {
    it('shows a member the running and upcoming offers, not the ended ones', async () => {
      const member = await signUp(server);
      const shop = await addPartner(server);
      const running = await addOffer(server, { partnerId: shop, kind: 'multiplier', multiplier: 2, startsAt: iso(-DAY_MS), endsAt: iso(DAY_MS) });
      const upcoming = await addOffer(server, { kind: 'bonus', bonusPoints: 50, startsAt: iso(2 * DAY_MS), endsAt: iso(3 * DAY_MS) });
      const ended = await addOffer(server, { kind: 'bonus', bonusPoints: 50, startsAt: iso(-3 * DAY_MS), endsAt: iso(-DAY_MS) });
      const ids = await offersOf(member.token);
      expect(ids).toEqual(expect.arrayContaining([running, upcoming]));
      expect(ids).not.toContain(ended);
    });

    it("hides offers for another tier and shows those for the member's own", async () => {
      const member = await signUp(server);
      const gold = await addOffer(server, { kind: 'multiplier', multiplier: 3, tier: 'gold', startsAt: iso(-DAY_MS), endsAt: iso(DAY_MS) });
      const basis = await addOffer(server, { kind: 'multiplier', multiplier: 1.5, tier: 'basis', startsAt: iso(-DAY_MS), endsAt: iso(DAY_MS) });
      const ids = await offersOf(member.token);
      expect(ids).toContain(basis);
      expect(ids).not.toContain(gold);
    });

    it('has an ETag and answers 304 while nothing changed', async () => {
      const member = await signUp(server);
      const first = await server.call('GET', '/v1/offers', { token: member.token });
      const etag = first.headers.get('ETag')!;
      expect(etag).toBeTruthy();
      const again = await server.call('GET', '/v1/offers', { token: member.token, headers: { 'If-None-Match': etag } });
      expect(again.status).toBe(304);
      await addOffer(server, { kind: 'bonus', bonusPoints: 5, startsAt: iso(-DAY_MS), endsAt: iso(DAY_MS) });
      const changed = await server.call('GET', '/v1/offers', { token: member.token, headers: { 'If-None-Match': etag } });
      expect(changed.status).toBe(200);
    });

    it('refuses the offers without a token: 401', async () => {
      const res = await server.call('GET', '/v1/offers');
      expect(res.status).toBe(401);
      expect(await errorCode(res)).toBe('unauthorized');
    });
  });

  describe('demo seed', () => {
    it('seeds the demo shops on *.localhost, and seeding again bumps no version', async () => {
      // A Wednesday noon: the day after, the weekend offer is still to come (seeding on a Sunday, the day after is
      // past its end, and it rightly gets next weekend's window: a new version).
      const today = server.clock.now();
      const daysToWednesday = (3 - today.getUTCDay() + 7) % 7 || 7;
      server.clock.set(new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + daysToWednesday, 12)));
      await seedDemo(server.db, server.clock.now());
      const versions = await server.db.query('SELECT name, version FROM catalog_versions ORDER BY name');
      const etag = (await partners()).headers.get('ETag');
      await seedDemo(server.db, server.clock.now());
      server.clock.advance(DAY_MS);
      await seedDemo(server.db, server.clock.now());
      expect(await server.db.query('SELECT name, version FROM catalog_versions ORDER BY name')).toEqual(versions);
      expect((await partners()).headers.get('ETag')).toBe(etag);

      const list = ((await (await partners()).json()) as { partners: Partner[] }).partners;
      const schuhhaus = list.find((p) => p.id === 'schuhhaus');
      expect(schuhhaus).toMatchObject({ domains: ['schuhhaus.localhost'], currency: 'EUR', holdDays: 14, earn: { points: 1, per: 1 } });
      expect(list.find((p) => p.id === 'alpenladen')?.currency).toBe('CHF');
      expect(list.filter((p) => p.domains.some((d) => d.endsWith('.localhost')))).toHaveLength(DEMO_PARTNERS.length);
    });
  });
});
