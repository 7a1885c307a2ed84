/**
 * Helpers for the lifecycle, partner-API, rewards and journey tests: members,
 * partners, rewards and purchases are all made through the real API, the way
 * a member's extension and the operator would.
 */
import { createHash, randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { Balance, Purchase } from '../../lib/contract/index.ts';
import { signConfirmation } from '../../server/routes/partner-api.ts';
import { ADMIN_TOKEN, type TestServer } from './harness.ts';
import { LIMITS_OFF } from './helpers.ts';

export const DAY_MS = 24 * 60 * 60 * 1000;

export interface TestMember {
  id: string;
  token: string;
  email?: string;
}

/** What a partner sends as `customerEmailSha256`: hex SHA-256 of the trimmed, lower-cased email. */
export function emailSha256(email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase()).digest('hex');
}

let counter = 0;
/** A name unique within this test run, for emails, partner ids and order numbers. */
export function unique(prefix: string): string {
  counter++;
  return `${prefix}-${process.pid}-${counter}-${Math.floor(Math.random() * 1e6)}`;
}

/** Registers a member and confirms the email with the mailed code (points are spendable only then). */
export async function registerMember(server: TestServer): Promise<TestMember> {
  const email = `${unique('member')}@example.test`;
  const res = await server.call('POST', '/v1/auth/register', { body: { email, password: 'correct horse battery' } });
  expect(res.status).toBe(201);
  const body = (await res.json()) as { token: string; member: { id: string } };
  const outbox = await server.call('GET', `/v1/admin/outbox?to=${encodeURIComponent(email)}`, { token: ADMIN_TOKEN });
  const { mails } = (await outbox.json()) as { mails: { code?: string }[] };
  const verified = await server.call('POST', '/v1/auth/verify-email', { token: body.token, body: { code: mails[0]?.code } });
  expect(verified.status).toBe(200);
  return { id: body.member.id, token: body.token, email };
}

export interface PartnerOptions {
  /** Earn points per `per` major units; default 1 point per 1 EUR. */
  earn?: { points: number; per: number };
  holdDays?: number;
  autoConfirm?: boolean;
  /** ISO 4217; default EUR. */
  currency?: string;
  /** Limit overrides; every limit is off unless given (LIMITS_OFF), `null` keeps the defaults. */
  fraud?: Record<string, number | boolean> | null;
}

export interface TestPartner {
  id: string;
  secret: string;
}

export async function createPartner(server: TestServer, opts: PartnerOptions = {}): Promise<TestPartner> {
  const id = unique('shop').toLowerCase();
  const secret = `secret-${randomUUID()}`;
  const res = await server.call('PUT', `/v1/admin/partners/${id}`, {
    token: ADMIN_TOKEN,
    body: {
      id,
      name: `Shop ${id}`,
      domains: [`${id}.example`],
      category: 'fashion',
      earn: opts.earn ?? { points: 1, per: 1 },
      currency: opts.currency ?? 'EUR',
      holdDays: opts.holdDays ?? 30,
      autoConfirm: opts.autoConfirm ?? true,
      secret,
      ...(opts.fraud === null ? {} : { fraud: { ...LIMITS_OFF, ...opts.fraud } }),
    },
  });
  expect([200, 201]).toContain(res.status);
  return { id, secret };
}

export async function createReward(
  server: TestServer,
  reward: { kind: 'voucher' | 'donation'; pointsCost: number; active?: boolean },
): Promise<string> {
  const id = unique('reward').toLowerCase();
  const res = await server.call('PUT', `/v1/admin/rewards/${id}`, {
    token: ADMIN_TOKEN,
    body: { id, title: `Reward ${id}`, active: true, ...reward },
  });
  expect([200, 201]).toContain(res.status);
  return id;
}

export interface PurchaseBody {
  id: string;
  partnerId: string;
  orderId: string;
  amountMinor: number;
  currency: string;
  detectedAt: string;
  method: string;
}

export function purchaseBody(partnerId: string, amountMinor: number, orderId = unique('order')): PurchaseBody {
  return {
    id: randomUUID(),
    partnerId,
    orderId,
    amountMinor,
    currency: 'EUR',
    detectedAt: new Date().toISOString(),
    method: 'jsonld',
  };
}

export interface IngestItemResult {
  id: string | null;
  status: string;
  reason?: string;
  purchase?: Purchase;
}

export async function ingest(server: TestServer, member: TestMember, items: PurchaseBody[]): Promise<IngestItemResult[]> {
  const res = await server.call('POST', '/v1/purchases', { token: member.token, body: { purchases: items } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { results: IngestItemResult[] }).results;
}

/** Ingests one purchase and returns it as booked (pending). */
export async function buy(server: TestServer, member: TestMember, partnerId: string, amountMinor: number): Promise<Purchase> {
  const [result] = await ingest(server, member, [purchaseBody(partnerId, amountMinor)]);
  expect(result?.status).toBe('accepted');
  return result!.purchase!;
}

export interface SignedRequestOptions {
  /** Unix seconds; defaults to the server clock's now. */
  timestamp?: string;
  /** Overrides the signature header (a forged or reused one). */
  signature?: string;
  partnerId?: string;
}

/** Sends a partner report the way a partner would: raw body, timestamp and HMAC signature. */
export async function sendConfirmations(
  server: TestServer,
  partner: TestPartner,
  body: unknown,
  opts: SignedRequestOptions = {},
): Promise<{ res: Response; signature: string; raw: string; timestamp: string }> {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const timestamp = opts.timestamp ?? String(Math.floor(server.clock.now().getTime() / 1000));
  // A partner signs each request at its own second; identical reports in one second would be replays.
  if (opts.timestamp === undefined) server.clock.advance(1000);
  const signature = opts.signature ?? signConfirmation(partner.secret, timestamp, raw);
  const res = await server.call('POST', '/v1/partner-api/confirmations', {
    body: raw,
    headers: {
      'X-Sammelpunkt-Partner': opts.partnerId ?? partner.id,
      'X-Sammelpunkt-Timestamp': timestamp,
      'X-Sammelpunkt-Signature': signature,
    },
  });
  return { res, signature, raw, timestamp };
}

export interface OrderResult {
  orderId: string;
  status: string;
  reason?: string;
  purchase?: Purchase;
}

/** Reports orders and expects the request to be accepted; returns the per-order results. */
export async function report(
  server: TestServer,
  partner: TestPartner,
  orders: { orderId: string; status: 'placed' | 'confirmed' | 'returned' | 'cancelled'; amountMinor?: number; orderedAt?: string; customerEmailSha256?: string }[],
): Promise<OrderResult[]> {
  const { res } = await sendConfirmations(server, partner, { orders });
  expect(res.status).toBe(200);
  return ((await res.json()) as { results: OrderResult[] }).results;
}

/** The partner's `placed` report of these purchases (its own record of each order, at the member's amount unless given). */
export async function reportPlaced(server: TestServer, partner: TestPartner, purchases: { orderId: string; amountMinor: number }[]): Promise<OrderResult[]> {
  return report(server, partner, purchases.map((p) => ({ orderId: p.orderId, status: 'placed' as const, amountMinor: p.amountMinor })));
}

export async function balanceOf(server: TestServer, member: TestMember): Promise<Balance> {
  const rows = await server.db.query<Balance>('SELECT available, pending, lifetime FROM balances WHERE member_id = $1', [member.id]);
  return rows[0]!;
}

export interface EntryRow {
  [key: string]: unknown;
  account: string;
  delta: number;
  reason: string;
}

export async function entriesOf(server: TestServer, purchaseId: string): Promise<EntryRow[]> {
  return server.db.query<EntryRow>('SELECT account, delta, reason FROM ledger_entries WHERE purchase_id = $1 ORDER BY id', [purchaseId]);
}

export async function purchaseRow(server: TestServer, purchaseId: string) {
  const rows = await server.db.query<{ status: string; amount_minor: number; points: number; change_seq: number }>(
    'SELECT status, amount_minor, points, change_seq FROM purchases WHERE id = $1',
    [purchaseId],
  );
  return rows[0]!;
}
