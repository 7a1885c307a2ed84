/** Per-partner reliability in the catalogue: share confirmed, median days to confirmation, from 10 finished purchases. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Catalog, Partner } from '../../lib/contract/index.ts';
import { refreshReliability, RELIABILITY_MAX_AGE_MS } from '../../server/catalog/reliability.ts';
import { backends, startTestServer, type TestServer } from './harness.ts';
import { expectLedgerBalanced } from './helpers.ts';
import { createPartner, DAY_MS, ingest, purchaseBody, registerMember, report, type TestPartner } from './lifecycle-helpers.ts';

describe.each(backends)('partner reliability (%s)', (backend) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer(backend);
  });
  afterAll(() => server.close());

  async function catalog(ifNoneMatch?: string): Promise<{ res: Response; etag: string; partners: Partner[] }> {
    const res = await server.call('GET', '/v1/partners', { headers: ifNoneMatch ? { 'If-None-Match': ifNoneMatch } : {} });
    const etag = res.headers.get('ETag') ?? '';
    const partners = res.status === 200 ? ((await res.json()) as Catalog).partners : [];
    return { res, etag, partners };
  }
  const find = (partners: Partner[], shop: TestPartner) => partners.find((p) => p.id === shop.id);

  /** `count` purchases at the shop, recorded now; returns their order ids. */
  async function recorded(shop: TestPartner, count: number): Promise<string[]> {
    const member = await registerMember(server);
    const items = Array.from({ length: count }, () => purchaseBody(shop.id, 50_00));
    const results = await ingest(server, member, items);
    expect(results.every((r) => r.status === 'accepted')).toBe(true);
    return items.map((i) => i.orderId);
  }

  it('shows the share confirmed and the median days once 10 purchases are finished, and changes the ETag', async () => {
    const shop = await createPartner(server, { autoConfirm: false });
    const first = await catalog();
    expect(find(first.partners, shop)?.reliability).toBeUndefined();

    const orders = await recorded(shop, 13);
    server.clock.advance(9 * DAY_MS);
    // 10 confirmed (one of them later returned in full: it still counts as honoured), 2 cancelled, 1 still pending.
    await report(server, shop, orders.slice(0, 10).map((orderId) => ({ orderId, status: 'confirmed' as const })));
    await report(server, shop, orders.slice(10, 12).map((orderId) => ({ orderId, status: 'cancelled' as const })));
    await report(server, shop, [{ orderId: orders[0]!, status: 'returned' }]);

    server.clock.advance(RELIABILITY_MAX_AGE_MS);
    const second = await catalog();
    expect(second.etag).not.toBe(first.etag);
    expect(find(second.partners, shop)?.reliability).toEqual({ confirmedShare: 0.8333, medianDaysToConfirm: 9, sample: 12 });
    expect((await catalog(first.etag)).res.status).toBe(200);
    expect((await catalog(second.etag)).res.status).toBe(304);
    await expectLedgerBalanced(server.db);
  });

  it('shows nothing below 10 finished purchases', async () => {
    const shop = await createPartner(server, { autoConfirm: false });
    const orders = await recorded(shop, 9);
    await report(server, shop, orders.map((orderId) => ({ orderId, status: 'confirmed' as const })));
    await refreshReliability(server.db, server.clock.now());
    expect(find((await catalog()).partners, shop)?.reliability).toBeUndefined();
  });

  it('recomputes at most every few minutes: the figures and the ETag hold until then', async () => {
    const shop = await createPartner(server, { autoConfirm: false });
    const orders = await recorded(shop, 12);
    await report(server, shop, orders.slice(0, 10).map((orderId) => ({ orderId, status: 'confirmed' as const })));
    server.clock.advance(RELIABILITY_MAX_AGE_MS);
    const before = await catalog();
    expect(find(before.partners, shop)?.reliability).toMatchObject({ confirmedShare: 1, medianDaysToConfirm: 0, sample: 10 });

    await report(server, shop, orders.slice(10).map((orderId) => ({ orderId, status: 'cancelled' as const })));
    const soon = await catalog(before.etag);
    expect(soon.res.status).toBe(304);

    server.clock.advance(RELIABILITY_MAX_AGE_MS);
    const later = await catalog(before.etag);
    expect(later.res.status).toBe(200);
    expect(find(later.partners, shop)?.reliability).toMatchObject({ confirmedShare: 0.8333, sample: 12 });
  });

  it('leaves out orders we refused ourselves (claimed twice), which the partner never judged', async () => {
    const shop = await createPartner(server, { autoConfirm: false });
    const orders = await recorded(shop, 10);
    await report(server, shop, orders.map((orderId) => ({ orderId, status: 'confirmed' as const })));
    // Another member claims the same orders: rejected as duplicate claims.
    const other = await registerMember(server);
    await ingest(server, other, orders.slice(0, 5).map((orderId) => purchaseBody(shop.id, 50_00, orderId)));
    await refreshReliability(server.db, server.clock.now());
    server.clock.advance(1000);
    expect(find((await catalog()).partners, shop)?.reliability).toMatchObject({ confirmedShare: 1, sample: 10 });
  });

  it('does not bump the version when nothing changed', async () => {
    await refreshReliability(server.db, server.clock.now());
    const a = await catalog();
    expect(await refreshReliability(server.db, server.clock.now())).toBe(false);
    expect((await catalog(a.etag)).res.status).toBe(304);
  });
});
