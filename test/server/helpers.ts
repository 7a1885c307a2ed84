/**
 * Helpers for the auth, catalogue, admin, ingest and member tests. Everything
 * is made through the real API, the way the extension and the operator would.
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { Balance, IngestResult, PurchaseIn } from '../../lib/contract/index.ts';
import type { Queryable } from '../../server/db/index.ts';
import { verifyLedger } from '../../server/ledger/ledger.ts';
import { ADMIN_TOKEN, type TestServer } from './harness.ts';

export const DAY_MS = 24 * 60 * 60 * 1000;
export const PASSWORD = 'correct horse battery';

let counter = 0;
/** A name unique within this test run (lowercase, usable as a slug). */
export function uniqueName(prefix: string): string {
  counter++;
  return `${prefix}-${process.pid}-${counter}-${Math.floor(Math.random() * 1e6)}`;
}

export interface Account {
  id: string;
  email: string;
  token: string;
  memberNumber: string;
}

/** The newest mail the server would have sent to `email` (the outbox, no mail transport in tests). */
export async function lastMail(server: TestServer, email: string): Promise<{ to: string; subject: string; text: string; code?: string }> {
  const res = await server.call('GET', `/v1/admin/outbox?to=${encodeURIComponent(email)}`, { token: ADMIN_TOKEN });
  expect(res.status).toBe(200);
  const { mails } = (await res.json()) as { mails: { to: string; subject: string; text: string; code?: string }[] };
  expect(mails.length).toBeGreaterThan(0);
  return mails[0]!;
}

/** Types the code from the verification mail, as the member does in the popup. */
export async function verifyEmail(server: TestServer, account: { email: string; token: string }): Promise<void> {
  const { code } = await lastMail(server, account.email);
  const res = await server.call('POST', '/v1/auth/verify-email', { token: account.token, body: { code } });
  expect(res.status).toBe(200);
}

/** Registers a member through the API and, unless told otherwise, confirms the email with the mailed code. */
export async function signUp(server: TestServer, email = `${uniqueName('member')}@example.test`, opts: { verified?: boolean } = {}): Promise<Account> {
  const res = await server.call('POST', '/v1/auth/register', { body: { email, password: PASSWORD } });
  expect(res.status).toBe(201);
  const body = (await res.json()) as { token: string; member: { id: string; email: string; memberNumber: string } };
  const account = { id: body.member.id, email: body.member.email, token: body.token, memberNumber: body.member.memberNumber };
  if (opts.verified !== false) await verifyEmail(server, account);
  return account;
}

/**
 * Every velocity and anomaly limit off. The test helpers create partners so,
 * because most tests send many purchases from one member to see something
 * else; the limits' own tests (limits.test.ts, attacker*.test.ts) use the
 * defaults or set what they test.
 */
export const LIMITS_OFF = {
  maxPurchasesPerMemberPerDay: 0,
  maxPurchasesPerMemberPerWeek: 0,
  maxAmountMinorPerMemberPerDay: 0,
  maxSameAmountPerMemberPerWeek: 0,
  holdAboveBasketFactor: 0,
  maxRejectedSharePercent: 0,
  holdOrderIdsOffPattern: false,
};

export function partnerBody(id: string, overrides: Record<string, unknown> = {}) {
  const fraud = overrides.fraud === null ? {} : { fraud: { ...LIMITS_OFF, ...(overrides.fraud as object | undefined) } };
  const { fraud: _given, ...rest } = overrides;
  return {
    id,
    name: `Shop ${id}`,
    domains: [`${id}.example`],
    category: 'fashion',
    earn: { points: 1, per: 1 },
    currency: 'EUR',
    holdDays: 30,
    autoConfirm: true,
    secret: `secret-${randomUUID()}`,
    ...fraud,
    ...rest,
  };
}

/** Creates a partner through the operator API and returns its id. */
export async function addPartner(server: TestServer, overrides: Record<string, unknown> = {}): Promise<string> {
  const id = uniqueName('shop');
  const res = await server.call('PUT', `/v1/admin/partners/${id}`, { token: ADMIN_TOKEN, body: partnerBody(id, overrides) });
  expect(res.status).toBe(201);
  return id;
}

export async function addOffer(server: TestServer, offer: Record<string, unknown>): Promise<string> {
  const id = uniqueName('offer');
  const res = await server.call('PUT', `/v1/admin/offers/${id}`, { token: ADMIN_TOKEN, body: { id, title: `Offer ${id}`, ...offer } });
  expect(res.status).toBe(201);
  return id;
}

/** A valid purchase as the extension would send it. */
export function purchase(partnerId: string, overrides: Partial<PurchaseIn> = {}): PurchaseIn {
  return {
    id: randomUUID(),
    partnerId,
    orderId: uniqueName('order'),
    amountMinor: 10_000,
    currency: 'EUR',
    detectedAt: new Date().toISOString(),
    method: 'json-ld',
    ...overrides,
  };
}

export async function ingest(server: TestServer, token: string, items: unknown[]): Promise<IngestResult[]> {
  const res = await server.call('POST', '/v1/purchases', { token, body: { purchases: items } });
  expect(res.status).toBe(200);
  const { results } = (await res.json()) as { results: IngestResult[] };
  expect(results).toHaveLength(items.length);
  return results;
}

export async function balanceOf(server: TestServer, token: string): Promise<Balance> {
  const res = await server.call('GET', '/v1/me', { token });
  expect(res.status).toBe(200);
  return ((await res.json()) as { balance: Balance }).balance;
}

/** Asserts the error envelope and returns its code. */
export async function errorCode(res: Response): Promise<string> {
  const body = (await res.json()) as { error?: { code?: unknown; message?: unknown; requestId?: unknown } };
  expect(body.error).toMatchObject({ code: expect.any(String), message: expect.any(String), requestId: expect.any(String) });
  return String(body.error?.code);
}

/** The ledger invariant: every balance row equals the sums of its entries. */
export async function expectLedgerBalanced(db: Queryable): Promise<void> {
  expect((await verifyLedger(db)).mismatches).toEqual([]);
}
