/**
 * A scripted sync API for the outbox tests: it books purchases the way
 * DESIGN.md says the real one does (same id and body → duplicate, same id
 * and another body → conflict), serves `/v1/me/sync`, and can be switched
 * to fail in the ways a network and a server fail.
 */
import type { IngestResult, Purchase, PurchaseIn } from '../../../lib/contract/index.ts';
import { errorBody, hang, json, member, scriptedFetch, type ScriptedRequest } from '../support.ts';

export type Mode = 'up' | 'down' | '500' | '429' | 'book-then-hang' | '401';

export function fakeApi() {
  const booked = new Map<string, { body: PurchaseIn; purchase: Purchase }>();
  /** Every purchase id the API received in an ingest request, in order, repeats included. */
  const received: string[] = [];
  const state = {
    mode: 'up' as Mode,
    retryAfter: '120',
    /** Results to force for some ids (rejected, conflict). */
    forced: new Map<string, IngestResult>(),
    /** Changes served by /v1/me/sync: cursor → page. */
    syncPages: new Map<string, { purchases: Purchase[]; next: string; hasMore: boolean }>(),
    balance: { available: 0, pending: 0, lifetime: 0 },
    offersVersion: 'o1',
    catalogVersion: 'c1',
  };

  function ingest(body: { purchases: PurchaseIn[] }): IngestResult[] {
    return body.purchases.map((item) => {
      received.push(item.id);
      const forced = state.forced.get(item.id);
      if (forced !== undefined) return forced;
      const existing = booked.get(item.id);
      if (existing !== undefined) {
        const same = JSON.stringify(existing.body) === JSON.stringify(item);
        return same
          ? { id: item.id, status: 'duplicate', purchase: existing.purchase }
          : { id: item.id, status: 'conflict', reason: 'id_reused_with_other_body' };
      }
      const purchase: Purchase = {
        ...item,
        status: 'pending',
        points: Math.floor(item.amountMinor / 200),
        createdAt: '2025-03-01T10:00:01.000Z',
        updatedAt: '2025-03-01T10:00:01.000Z',
        expectedConfirmationAt: '2025-03-31T10:00:01.000Z',
      };
      booked.set(item.id, { body: item, purchase });
      return { id: item.id, status: 'accepted', purchase };
    });
  }

  function route(request: ScriptedRequest, signal: AbortSignal | null | undefined): Response | Promise<Response> {
    const url = new URL(request.url);
    if (state.mode === 'down') throw new TypeError('Failed to fetch');
    if (state.mode === '500') return json(errorBody('internal'), 500);
    if (state.mode === '429') return json(errorBody('rate_limited'), 429, { 'retry-after': state.retryAfter });
    if (state.mode === '401') return json(errorBody('unauthorized'), 401);
    if (request.headers.authorization !== 'Bearer token-1') return json(errorBody('unauthorized'), 401);
    if (request.method === 'POST' && url.pathname === '/v1/purchases') {
      const results = ingest(request.body as { purchases: PurchaseIn[] });
      if (state.mode === 'book-then-hang') return hang(signal);
      return json({ results });
    }
    if (request.method === 'GET' && url.pathname === '/v1/me/sync') {
      const cursor = url.searchParams.get('cursor') ?? '';
      const page = state.syncPages.get(cursor) ?? { purchases: [], next: cursor || 'c0', hasMore: false };
      return json({
        member,
        tier: 'silver',
        tierProgress: { tier: 'silver', nextTier: 'gold', pointsInWindow: 2300, pointsToNext: 2700, multiplierPercent: 110 },
        balance: state.balance,
        purchases: page.purchases,
        cursor: page.next,
        hasMore: page.hasMore,
        catalogVersion: state.catalogVersion,
        offersVersion: state.offersVersion,
        expiry: { months: 36, upcoming: [{ points: 80, expiresOn: '2026-03-31' }] },
      });
    }
    if (request.method === 'GET' && url.pathname === '/v1/offers') return json({ offers: [] });
    return json(errorBody('not_found'), 404);
  }

  const { fetch, requests } = scriptedFetch(route);
  const ingestRequests = () => requests.filter((r) => r.method === 'POST' && r.url.endsWith('/v1/purchases'));
  return { fetch, requests, ingestRequests, booked, received, state };
}
