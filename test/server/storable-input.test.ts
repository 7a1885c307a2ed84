/**
 * Inputs PostgreSQL cannot store (issue 23): text with NUL or a lone UTF-16
 * surrogate, and times with year 0 or an offset beyond ±15:59. Each is
 * refused with a 4xx (or an item/order `rejected`/`invalid`) naming the
 * field; nothing answers 5xx, and a bad item or order never stops the sound
 * ones beside it.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isStorableTime, unstorableTextPath } from '../../lib/contract/storable.ts';
import { ADMIN_TOKEN, backends, startTestServer, type TestServer } from './harness.ts';
import { createPartner, ingest, purchaseBody, registerMember, report, sendConfirmations, type TestMember, type TestPartner } from './lifecycle-helpers.ts';

const LONE_SURROGATE = 'note \ud800 end';
const NUL = 'a\u0000b';

describe('.error: the storable checks themselves', () => {
  it('finds NUL and lone surrogates, and names the field', () => {
    expect(unstorableTextPath({ purchases: [{ method: 'ok' }, { method: NUL }] })).toBe('purchases.1.method');
    expect(unstorableTextPath({ note: LONE_SURROGATE })).toBe('note');
    expect(unstorableTextPath({ note: 'emoji 😀 and ‮bidi‬ are fine' })).toBeUndefined();
  });

  it('refuses times PostgreSQL cannot hold and keeps the ones it can', () => {
    for (const bad of ['0000-01-01T00:00:00Z', '2026-01-01T00:00:00+23:59', '2026-01-01T00:00:00-16:00', '0001-01-01T00:00:00+01:00']) expect([bad, isStorableTime(bad)]).toEqual([bad, false]);
    for (const good of ['2026-01-01T00:00:00Z', '2026-01-01T00:00:00+15:59', '9999-12-31T23:59:59Z', '2026-06-01T10:00:00.123-03:30']) expect([good, isStorableTime(good)]).toEqual([good, true]);
  });
});

describe.each(backends)('unstorable input through the API (%s)', (backend) => {
  let server: TestServer;
  let shop: TestPartner;
  let member: TestMember;
  beforeAll(async () => {
    server = await startTestServer(backend);
    shop = await createPartner(server, { autoConfirm: false });
    member = await registerMember(server);
  });
  afterAll(() => server.close());

  it('rejects a purchase with NUL in a field, naming it, and books the sound one beside it', async () => {
    // Tried: method "a\\0b" (the one string field with no character rule), then a sound purchase in the same batch.
    const bad = { ...purchaseBody(shop.id, 10_00), method: NUL };
    const good = purchaseBody(shop.id, 10_00);
    const results = await ingest(server, member, [bad, good]);
    expect(results[0]).toMatchObject({ id: bad.id, status: 'rejected', reason: expect.stringContaining('method: text with a NUL') });
    expect(results[1]).toMatchObject({ status: 'accepted' });
  });

  it('rejects a purchase whose detectedAt has year 0 or an offset of +23:59', async () => {
    for (const detectedAt of ['0000-06-01T10:00:00Z', '2026-06-01T10:00:00+23:59']) {
      const [r] = await ingest(server, member, [{ ...purchaseBody(shop.id, 10_00), detectedAt }]);
      expect(r).toMatchObject({ status: 'rejected', reason: expect.stringContaining('detectedAt') });
    }
  });

  it('refuses a claim note with a lone surrogate with 400 naming the field', async () => {
    const res = await server.call('POST', `/v1/purchases/${randomUUID()}/claim`, {
      token: member.token,
      body: { partnerId: shop.id, orderId: 'C-1', amountMinor: 10_00, currency: 'EUR', detectedAt: new Date().toISOString(), note: LONE_SURROGATE },
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/note: (?:text with a NUL character or a lone UTF-16 surrogate|printable text)/);
  });

  it('refuses an operator\'s partner settings with a lone surrogate, and an offer starting in year 0, with 400', async () => {
    const partner = await server.call('PUT', '/v1/admin/partners/surrogate-shop', {
      token: ADMIN_TOKEN,
      body: { id: 'surrogate-shop', name: LONE_SURROGATE, domains: ['s.example'], category: 'x', earn: { points: 1, per: 1 }, currency: 'EUR', secret: 'a-secret-of-16-chars' },
    });
    expect(partner.status).toBe(400);
    expect(await partner.text()).toMatch(/name: (?:text with|printable text)/);
    const offer = await server.call('PUT', '/v1/admin/offers/year-zero', {
      token: ADMIN_TOKEN,
      body: { id: 'year-zero', title: 'x', kind: 'bonus', bonusPoints: 5, startsAt: '0000-01-01T00:00:00Z', endsAt: '2030-01-01T00:00:00Z' },
    });
    expect(offer.status).toBe(400);
    expect(await offer.text()).toContain('startsAt');
  });

  it('answers one order of a partner report with NUL invalid, and still applies the sound orders after it', async () => {
    // Tried: a report of three orders, the middle one's orderId holding NUL.
    const first = (await ingest(server, member, [purchaseBody(shop.id, 10_00)]))[0]!.purchase!;
    const last = (await ingest(server, member, [purchaseBody(shop.id, 10_00)]))[0]!.purchase!;
    const results = await report(server, shop, [
      { orderId: first.orderId, status: 'confirmed' },
      { orderId: `X${NUL}`, status: 'confirmed' },
      { orderId: last.orderId, status: 'confirmed' },
    ]);
    expect(results.map((r) => r.status)).toEqual(['applied', 'invalid', 'applied']);
    expect(results[1]?.reason).toContain('orderId: text with a NUL');
  });

  it('answers a report with a lone surrogate in its order id with an order invalid, never a 5xx', async () => {
    const { res } = await sendConfirmations(server, shop, { orders: [{ orderId: LONE_SURROGATE, status: 'cancelled' }] });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { results: { status: string }[] }).results[0]?.status).toBe('invalid');
  });
});
