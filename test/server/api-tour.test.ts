/**
 * Every route of the API once, with requests a client is allowed to send,
 * including the refusals a well-behaved client meets (a 304, an
 * idempotency conflict, a rate limit's 429). On its own it checks the
 * statuses; under `npm run api:check` it runs behind Prism's validating
 * proxy (see prism.ts), which checks every request and answer, headers
 * included, against the OpenAPI document.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, backends, startTestServer, type TestServer } from './harness.ts';
import { createPartner, createReward, ingest, purchaseBody, registerMember, report } from './lifecycle-helpers.ts';

const NEW_PASSWORD = 'violet tractor mountain 42';

describe.each(backends)('a tour of every route (%s)', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    // One claim a day, so the tour meets the claims limit's 429 on its second claim.
    server = await startTestServer(backend, { RATE_LIMIT_CLAIMS_PER_DAY: '1' });
  });
  afterAll(() => server.close());

  async function status(method: string, path: string, opts: Parameters<TestServer['call']>[2] = {}): Promise<number> {
    const res = await server.call(method, path, opts);
    await res.arrayBuffer();
    return res.status;
  }

  it('answers each route as the document says', async () => {
    expect(await status('GET', '/health')).toBe(200);
    expect(await status('GET', '/openapi.json')).toBe(200);

    // The operator sets up a partner, an offer and a reward.
    const shop = await createPartner(server);
    const offer = { id: `offer-${randomUUID().slice(0, 8)}`, title: 'Double points', partnerId: shop.id, kind: 'multiplier', multiplier: 2, startsAt: new Date(Date.now() - 86_400_000).toISOString(), endsAt: new Date(Date.now() + 86_400_000).toISOString() };
    expect(await status('PUT', `/v1/admin/offers/${offer.id}`, { token: ADMIN_TOKEN, body: offer })).toBe(201);
    const rewardId = await createReward(server, { kind: 'voucher', pointsCost: 10 });

    // The catalogue and the offers, then again with their ETags.
    const partners = await server.call('GET', '/v1/partners');
    expect(partners.status).toBe(200);
    await partners.arrayBuffer();
    expect(await status('GET', '/v1/partners', { headers: { 'If-None-Match': partners.headers.get('ETag')! } })).toBe(304);

    // A member registers, verifies the email (through the outbox) and looks around.
    const anna = await registerMember(server);
    const offers = await server.call('GET', '/v1/offers', { token: anna.token });
    expect(offers.status).toBe(200);
    await offers.arrayBuffer();
    expect(await status('GET', '/v1/offers', { token: anna.token, headers: { 'If-None-Match': offers.headers.get('ETag')! } })).toBe(304);
    expect(await status('POST', '/v1/auth/verify-email/resend', { token: anna.token })).toBe(202);

    // Two purchases; the partner confirms one.
    const [bought, missing] = [purchaseBody(shop.id, 50_00), purchaseBody(shop.id, 20_00)];
    const [result] = await ingest(server, anna, [bought]);
    expect(result?.status).toBe('accepted');
    expect((await report(server, shop, [{ orderId: bought.orderId, status: 'confirmed' }]))[0]?.status).toBe('applied');

    expect(await status('GET', '/v1/me', { token: anna.token })).toBe(200);
    const sync = await server.call('GET', '/v1/me/sync', { token: anna.token });
    const { cursor } = (await sync.json()) as { cursor: string };
    expect(await status('GET', `/v1/me/sync?cursor=${cursor}`, { token: anna.token })).toBe(200);
    expect(await status('GET', '/v1/me/transactions?limit=1', { token: anna.token })).toBe(200);
    expect(await status('GET', '/v1/rewards', { token: anna.token })).toBe(200);

    // A redemption, replayed, and the same key with another body.
    const redeem = (body: unknown) => status('POST', '/v1/redemptions', { token: anna.token, body, headers: { 'Idempotency-Key': `tour-${anna.id}` } });
    expect(await redeem({ rewardId })).toBe(201);
    expect(await redeem({ rewardId })).toBe(201);
    expect(await redeem({ rewardId: 'another-reward' })).toBe(409);

    // A missing-points claim, and a second one over the day's limit.
    const claim = (p: typeof missing) => ({ partnerId: p.partnerId, orderId: p.orderId, amountMinor: p.amountMinor, currency: p.currency, detectedAt: p.detectedAt });
    expect(await status('POST', `/v1/purchases/${missing.id}/claim`, { token: anna.token, body: claim(missing) })).toBe(201);
    const other = purchaseBody(shop.id, 30_00);
    expect(await status('POST', `/v1/purchases/${other.id}/claim`, { token: anna.token, body: claim(other) })).toBe(429);

    // Detection health, from the extension and for the operator.
    const day = new Date().toISOString().slice(0, 10);
    const reports = { reports: [{ partnerId: shop.id, day, detectorVersion: '2.0.0', reason: 'ambiguous_total', count: 1 }] };
    expect(await status('POST', '/v1/detection-reports', { token: anna.token, body: reports })).toBe(202);
    expect(await status('GET', '/v1/admin/detection-health?days=7', { token: ADMIN_TOKEN })).toBe(200);
    // The points liability and breakage per month, for the operator.
    expect(await status('GET', '/v1/admin/points-liability?months=3', { token: ADMIN_TOKEN })).toBe(200);
    expect(await status('GET', `/v1/admin/outbox?to=${encodeURIComponent(anna.email!)}`, { token: ADMIN_TOKEN })).toBe(200);

    // Passwords: a change, then a reset by mailed code.
    expect(await status('POST', '/v1/auth/password', { token: anna.token, body: { currentPassword: 'correct horse battery', newPassword: NEW_PASSWORD } })).toBe(204);
    expect(await status('POST', '/v1/auth/password-reset', { body: { email: anna.email } })).toBe(202);
    const outbox = await server.call('GET', `/v1/admin/outbox?to=${encodeURIComponent(anna.email!)}`, { token: ADMIN_TOKEN });
    const code = ((await outbox.json()) as { mails: { code?: string }[] }).mails[0]?.code;
    expect(await status('POST', '/v1/auth/password-reset/confirm', { body: { email: anna.email, code, newPassword: `${NEW_PASSWORD} again` } })).toBe(204);

    // Signing in on two devices, signing out one, then everywhere.
    const login = async () => {
      const res = await server.call('POST', '/v1/auth/login', { body: { email: anna.email, password: `${NEW_PASSWORD} again` } });
      expect(res.status).toBe(200);
      return ((await res.json()) as { token: string }).token;
    };
    const [laptop, phone] = [await login(), await login()];
    expect(await status('POST', '/v1/auth/logout', { token: laptop })).toBe(204);
    const desk = await login();
    expect(await status('POST', '/v1/auth/logout-all', { token: phone })).toBe(204);
    expect(await status('GET', '/v1/me', { token: desk })).toBe(401);

    // The member takes their data and leaves.
    const token = await login();
    expect(await status('GET', '/v1/me/export', { token })).toBe(200);
    expect(await status('DELETE', '/v1/me', { token, body: { password: `${NEW_PASSWORD} again` } })).toBe(204);
  });
});
