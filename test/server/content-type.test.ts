/**
 * Bodies are JSON declared as such (issue 23): a body sent as text/plain or a
 * form, which any web page can post cross-origin without a CORS preflight, is
 * refused with 415 before anything is read or stored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, startTestServer, type TestServer } from './harness.ts';
import { createPartner, purchaseBody, registerMember, sendConfirmations } from './lifecycle-helpers.ts';

describe.each(backends)('415 for bodies that are not declared JSON (%s)', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend);
  });
  afterAll(() => server.close());

  const SIMPLE_TYPES = ['text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'];

  it('refuses a text/plain or form register and login (mass sign-ups and password guessing from any page), creating nothing', async () => {
    // Tried: the exact JSON a page would post with fetch(..., {mode: 'no-cors', body: '{...}'}), under each CORS-simple type.
    for (const type of SIMPLE_TYPES) {
      const email = `simple-${Math.random().toString(36).slice(2)}@example.test`;
      const body = { email, password: 'correct horse battery' };
      const reg = await server.call('POST', '/v1/auth/register', { body, headers: { 'Content-Type': type } });
      expect([type, reg.status]).toEqual([type, 415]);
      expect(((await reg.json()) as { error: { code: string } }).error.code).toBe('unsupported_media_type');
      const rows = await server.db.query('SELECT 1 FROM members WHERE lower(email) = $1', [email]);
      expect(rows).toEqual([]);
      const login = await server.call('POST', '/v1/auth/login', { body, headers: { 'Content-Type': type } });
      expect([type, login.status]).toEqual([type, 415]);
    }
  });

  it('refuses ingest, redemptions and partner reports without the JSON type, and accepts the same body declared as JSON', async () => {
    const member = await registerMember(server);
    const shop = await createPartner(server);
    const body = { purchases: [purchaseBody(shop.id, 10_00)] };
    expect((await server.call('POST', '/v1/purchases', { token: member.token, body, headers: { 'Content-Type': 'text/plain' } })).status).toBe(415);
    expect((await server.call('POST', '/v1/redemptions', { token: member.token, body: { rewardId: 'x' }, headers: { 'Content-Type': 'text/plain', 'Idempotency-Key': 'k1' } })).status).toBe(415);
    const { res } = await sendConfirmations(server, shop, { orders: [{ orderId: 'x', status: 'cancelled' }] }, {});
    expect(res.status).toBe(200);
    const plain = await server.call('POST', '/v1/partner-api/confirmations', { body: '{}', headers: { 'Content-Type': 'text/plain' } });
    expect(plain.status).toBe(415);
    const declared = await server.call('POST', '/v1/purchases', { token: member.token, body, headers: { 'Content-Type': 'application/json; charset=utf-8' } });
    expect(declared.status).toBe(200);
  });
});
