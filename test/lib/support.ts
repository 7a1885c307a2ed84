/** Shared pieces for the extension-core unit tests: partners, a fresh database, a scripted API. */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import type { Partner, Purchase } from '../../lib/contract/index.ts';
import { openSammelpunktDb, type SammelpunktDb } from '../../lib/db/index.ts';
import type { FetchLike } from '../../lib/sync/http.ts';

export const schuhhaus: Partner = {
  id: 'schuhhaus',
  name: 'Schuhhaus',
  domains: ['schuhhaus-example.de', 'schuhhaus-example.at'],
  category: 'fashion',
  earn: { points: 1, per: 2 },
  currency: 'EUR',
  holdDays: 30,
  autoConfirm: true,
};

export const buchladen: Partner = {
  id: 'buchladen',
  name: 'Buchladen',
  domains: ['buchladen.example'],
  category: 'books',
  earn: { points: 1, per: 1 },
  currency: 'EUR',
  holdDays: 14,
  autoConfirm: true,
};

/** A new, empty IndexedDB for each test. */
export async function freshDb(): Promise<SammelpunktDb> {
  globalThis.indexedDB = new IDBFactory();
  return openSammelpunktDb();
}

export interface ScriptedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

export type Script = (request: ScriptedRequest, signal: AbortSignal | null | undefined) => Response | Promise<Response>;

/** A `fetch` that records every request and answers with `script`. */
export function scriptedFetch(script: Script): { fetch: FetchLike; requests: ScriptedRequest[] } {
  const requests: ScriptedRequest[] = [];
  const fetch: FetchLike = async (url, init) => {
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, key) => {
      headers[key] = value;
    });
    const request: ScriptedRequest = {
      method: init.method ?? 'GET',
      url,
      headers,
      body: typeof init.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined,
    };
    requests.push(request);
    return script(request, init.signal);
  };
  return { fetch, requests };
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

export function errorBody(code: string, message = code) {
  return { error: { code, message, requestId: 'req-test' } };
}

/** A fetch that never answers until aborted, like a server that hangs. */
export function hang(signal: AbortSignal | null | undefined): Promise<Response> {
  return new Promise((_, reject) => {
    signal?.addEventListener('abort', () => reject(new DOMException('The operation was aborted.', 'AbortError')));
  });
}

export const member = { id: 'm-1', email: 'ada@example.org', memberNumber: '3081 0000 0001', createdAt: '2025-01-01T00:00:00.000Z' };

export function serverPurchase(fields: Partial<Purchase> & Pick<Purchase, 'id' | 'partnerId' | 'orderId' | 'amountMinor'>): Purchase {
  return {
    currency: 'EUR',
    detectedAt: '2025-03-01T10:00:00.000Z',
    method: 'json-ld',
    status: 'pending',
    points: Math.floor(fields.amountMinor / 200),
    createdAt: '2025-03-01T10:00:01.000Z',
    updatedAt: '2025-03-01T10:00:01.000Z',
    expectedConfirmationAt: '2025-03-31T10:00:01.000Z',
    ...fields,
  };
}
