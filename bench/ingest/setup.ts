/** A partner and registered members, created through the API as an operator and members would. */
import { randomBytes } from 'node:crypto';
import type { ApiStack } from './stack.ts';

export const PARTNER_ID = 'bench-shop';
export const CURRENCY = 'EUR';

async function call(stack: ApiStack, method: string, path: string, token: string | undefined, body: unknown): Promise<unknown> {
  const res = await fetch(`${stack.base}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${await res.text()}`);
  return res.json();
}

export async function addPartner(stack: ApiStack): Promise<void> {
  await call(stack, 'PUT', `/v1/admin/partners/${PARTNER_ID}`, stack.adminToken, {
    id: PARTNER_ID,
    name: 'Bench Shop',
    domains: ['bench-shop.example'],
    category: 'fashion',
    earn: { points: 1, per: 2 },
    currency: CURRENCY,
    holdDays: 30,
    autoConfirm: true,
    secret: `secret-${randomBytes(12).toString('hex')}`,
  });
}

/** Registers `count` members, a few at a time (registration runs scrypt), and returns their tokens and ids. */
export async function registerMembers(stack: ApiStack, count: number, tag: string): Promise<{ token: string; memberId: string }[]> {
  const members: { token: string; memberId: string }[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const n = next++;
      const answer = (await call(stack, 'POST', '/v1/auth/register', undefined, {
        email: `bench-${tag}-${n}-${randomBytes(3).toString('hex')}@example.com`,
        password: `bench-password-${n}-long-enough`,
      })) as { token: string; member: { id: string } };
      members.push({ token: answer.token, memberId: answer.member.id });
    }
  };
  await Promise.all(Array.from({ length: 6 }, worker));
  return members;
}

/** Gives each member a few purchases, so a sync answer carries what a real one does. */
export async function seedPurchases(stack: ApiStack, tokens: readonly string[], perMember: number): Promise<void> {
  let order = 0;
  for (const token of tokens) {
    const purchases = Array.from({ length: perMember }, () => ({
      id: crypto.randomUUID(),
      partnerId: PARTNER_ID,
      orderId: `SEED-${Date.now().toString(36)}-${order++}`,
      amountMinor: 4990,
      currency: CURRENCY,
      detectedAt: new Date().toISOString(),
      method: 'bench',
    }));
    await call(stack, 'POST', '/v1/purchases', token, { purchases });
  }
}
