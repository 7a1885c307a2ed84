/** A member and their purchases, made through the sync API as a member's other device would. */
import { randomBytes } from 'node:crypto';
import type { IngestResult, PurchaseIn } from '../../lib/contract/index.ts';
import { uuidv7 } from '../../lib/uuid.ts';

export const PASSWORD = 'bench correct horse battery';

export interface Member {
  email: string;
  token: string;
  memberId: string;
}

async function json<T>(url: string, init: RequestInit): Promise<T> {
  const response = await fetch(url, init);
  const text = await response.text();
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${url} answered ${response.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

export async function registerMember(baseUrl: string, tag: string): Promise<Member> {
  const email = `bench-${tag}-${process.pid}-${randomBytes(4).toString('hex')}@example.test`;
  const answer = await json<{ token: string; member: { id: string } }>(`${baseUrl}/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  return { email, token: answer.token, memberId: answer.member.id };
}

/** `count` purchases at `partnerId` in the shape the extension sends: UUIDv7 ids, fresh order numbers, amounts that vary. */
export function makePurchases(count: number, partnerId: string, currency: string, tag: string): PurchaseIn[] {
  const now = Date.now();
  return Array.from({ length: count }, (_, i) => ({
    id: uuidv7(now - count + i),
    partnerId,
    orderId: `${tag}-${i + 1}`,
    // 12.50 to 149.50 in steps, so the points differ from purchase to purchase.
    amountMinor: 1250 + ((i * 737) % 13_700),
    currency,
    detectedAt: new Date(now - (count - i) * 60_000).toISOString(),
    method: 'json-ld',
  }));
}

/** `POST /v1/purchases` with up to 100 purchases; the server's answer per item. */
export async function postPurchases(baseUrl: string, token: string, purchases: readonly PurchaseIn[]): Promise<IngestResult[]> {
  const { results } = await json<{ results: IngestResult[] }>(`${baseUrl}/v1/purchases`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ purchases }),
  });
  return results;
}
