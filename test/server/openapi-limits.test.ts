/**
 * The limits the OpenAPI document states are the limits the server
 * enforces: each test reads a number from the served document and tries it
 * on the server, at the limit (accepted) and one past it (refused). The
 * outside checkers (`npm run api:check`) see only the document; this is
 * what keeps it honest.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signConfirmation } from '../../server/routes/partner-api.ts';
import { ADMIN_TOKEN, backends, startTestServer, type TestServer } from './harness.ts';
import { createPartner, ingest, purchaseBody, registerMember, type TestMember, type TestPartner } from './lifecycle-helpers.ts';

type Schema = { maxLength?: number; maxItems?: number; maximum?: number; properties?: Record<string, Schema>; items?: Schema };
interface Parameter {
  name: string;
  schema: Schema;
}
interface Operation {
  parameters?: Parameter[];
  responses: Record<string, { headers?: Record<string, { required?: boolean }> }>;
}
interface OpenApiDoc {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

describe.each(backends)('the limits in openapi.json are the server’s (%s)', (backend) => {
  let server: TestServer;
  let doc: OpenApiDoc;
  let shop: TestPartner;
  let member: TestMember;
  beforeAll(async () => {
    server = await startTestServer(backend);
    doc = (await (await server.call('GET', '/openapi.json')).json()) as OpenApiDoc;
    shop = await createPartner(server);
    member = await registerMember(server);
  });
  afterAll(() => server.close());

  const schema = (name: string) => doc.components.schemas[name]!;
  const parameter = (path: string, method: string, name: string) => doc.paths[path]![method]!.parameters!.find((p) => p.name === name)!.schema;

  it('takes as many purchases in one batch as maxItems says, and refuses one more', async () => {
    const max = schema('IngestBody').properties!.purchases!.maxItems!;
    expect(max).toBeGreaterThan(1);
    const batch = Array.from({ length: max + 1 }, () => purchaseBody(shop.id, 10_00));
    const refused = await server.call('POST', '/v1/purchases', { token: member.token, body: { purchases: batch } });
    expect(refused.status).toBe(400);
    const results = await ingest(server, member, batch.slice(0, max));
    expect(results.every((r) => r.status === 'accepted')).toBe(true);
  });

  it('takes a detectedAt as long as maxLength says, and rejects one a character longer', async () => {
    const max = schema('IngestBody').properties!.purchases!.items!.properties!.detectedAt!.maxLength!;
    const fraction = (digits: number) => '1234567890'.repeat(3).slice(0, digits);
    // `2026-01-05T11:23:42.` and `+05:30` around the fraction digits.
    const at = (length: number) => `2026-01-05T11:23:42.${fraction(length - 26)}+05:30`;
    expect(at(max)).toHaveLength(max);
    const [longest, tooLong] = await ingest(server, member, [
      { ...purchaseBody(shop.id, 10_00), detectedAt: at(max) },
      { ...purchaseBody(shop.id, 10_00), detectedAt: at(max + 1) },
    ]);
    expect(longest?.status).toBe('accepted');
    expect(tooLong).toMatchObject({ status: 'rejected' });
    expect(tooLong?.reason).toContain('detectedAt');
  });

  it("takes a partner name as long as maxLength says, and refuses one a character longer", async () => {
    const max = schema('PartnerInput').properties!.name!.maxLength!;
    const put = (name: string) =>
      server.call('PUT', `/v1/admin/partners/${shop.id}`, {
        token: ADMIN_TOKEN,
        body: { id: shop.id, name, domains: [`${shop.id}.example`], category: 'fashion', earn: { points: 1, per: 1 }, currency: 'EUR', secret: shop.secret },
      });
    expect((await put('n'.repeat(max + 1))).status).toBe(400);
    expect((await put('n'.repeat(max))).status).toBe(200);
  });

  it('pages transactions up to the documented maximum and refuses a larger page', async () => {
    const max = parameter('/v1/me/transactions', 'get', 'limit').maximum!;
    expect((await server.call('GET', `/v1/me/transactions?limit=${max}`, { token: member.token })).status).toBe(200);
    expect((await server.call('GET', `/v1/me/transactions?limit=${max + 1}`, { token: member.token })).status).toBe(400);
    const digits = parameter('/v1/me/transactions', 'get', 'cursor').maxLength!;
    expect((await server.call('GET', `/v1/me/transactions?cursor=${'1'.repeat(digits)}`, { token: member.token })).status).toBe(200);
    expect((await server.call('GET', `/v1/me/transactions?cursor=${'1'.repeat(digits + 1)}`, { token: member.token })).status).toBe(400);
  });

  it('refuses an Idempotency-Key longer than the documented maxLength', async () => {
    const max = parameter('/v1/redemptions', 'post', 'Idempotency-Key').maxLength!;
    const res = await server.call('POST', '/v1/redemptions', { token: member.token, body: { rewardId: 'no-such-reward' }, headers: { 'Idempotency-Key': 'k'.repeat(max + 1) } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain(String(max));
  });

  it('sends the RateLimit fields the document requires on member and partner answers', async () => {
    const promised = (path: string, method: string, status: string) =>
      Object.entries(doc.paths[path]![method]!.responses[status]!.headers ?? {}).filter(([, h]) => h.required).map(([name]) => name);
    const me = await server.call('GET', '/v1/me', { token: member.token });
    for (const name of promised('/v1/me', 'get', '200')) expect(me.headers.get(name), name).toMatch(/^"member";/);

    const body = JSON.stringify({ orders: [{ orderId: 'NEVER-SOLD', status: 'placed', amountMinor: 10_00 }] });
    const timestamp = String(Math.floor(server.clock.now().getTime() / 1000));
    const confirmed = await server.call('POST', '/v1/partner-api/confirmations', {
      body,
      headers: { 'X-Sammelpunkt-Partner': shop.id, 'X-Sammelpunkt-Timestamp': timestamp, 'X-Sammelpunkt-Signature': signConfirmation(shop.secret, timestamp, body) },
    });
    expect(confirmed.status).toBe(200);
    const required = promised('/v1/partner-api/confirmations', 'post', '200');
    expect(required).toEqual(expect.arrayContaining(['RateLimit', 'RateLimit-Policy']));
    for (const name of required) expect(confirmed.headers.get(name), name).toMatch(/^"partner";/);
  });
});
