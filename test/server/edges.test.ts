/**
 * Edges (issue 21, items 7 and 9): times PostgreSQL cannot store and
 * hostile free text are refused with a 4xx or a rejected result, never a
 * 500; what the CLI prints cannot drive the operator's terminal; every
 * answer says nosniff, and every HTML page carries a CSP.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSafeText, isStorableTime } from '../../lib/contract/index.ts';
import { createDemoShops } from '../../demo/index.ts';
import { escapeForTerminal } from '../../server/cli/escape.ts';
import { ADMIN_TOKEN, backends, startTestServer, type TestServer } from './harness.ts';
import { addPartner, errorCode, ingest, PASSWORD, purchase, signUp, uniqueName } from './helpers.ts';

describe('what the contract lets through', () => {
  it('takes only times PostgreSQL stores', () => {
    expect(isStorableTime('2025-05-20T10:00:00Z')).toBe(true);
    expect(isStorableTime('0001-01-02T00:00:00+15:59')).toBe(true);
    for (const t of ['0000-01-01T00:00:00Z', '2025-05-20T10:00:00+20:00', '2025-05-20T10:00:00-16:00']) expect(isStorableTime(t), t).toBe(false);
  });

  it('takes printable text, and a line feed only where lines make sense', () => {
    expect(isSafeText('Schuhe für Anna 👟')).toBe(true);
    expect(isSafeText('two\nlines', true)).toBe(true);
    for (const t of ['two\nlines', 'nul\u0000', 'esc\u001b]0;pwned\u0007', 'rlo\u202eexe.txt', 'zero\u200bwidth', 'lone\ud800']) expect(isSafeText(t), JSON.stringify(t)).toBe(false);
  });
});

describe('the operator CLI', () => {
  it('tried: a claim note that sets the terminal title and forges a line; printed as escapes', () => {
    const printed = escapeForTerminal('note: \u001b]0;pwned\u0007\nclaim 123 approved\u202e');
    expect(printed).not.toMatch(/[\u0000-\u001f\u202e]/);
    expect(printed).toBe('note: \\u{1b}]0;pwned\\u{7}\\u{a}claim 123 approved\\u{202e}');
    expect(escapeForTerminal('Gartenglück 🌱')).toBe('Gartenglück 🌱');
  });
});

describe('demo shop pages', () => {
  it('carry nosniff and a CSP', async () => {
    const res = await createDemoShops().request('http://schuhhaus.localhost/', { headers: { host: 'schuhhaus.localhost' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toMatch(/^text\/html/);
    expect(res.headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect(res.headers.get('Content-Security-Policy')).toContain("frame-ancestors 'none'");
  });
});

describe.each(backends)('edges (%s)', (backend) => {
  let server: TestServer;
  let shop: string;

  beforeAll(async () => {
    server = await startTestServer(backend);
    shop = await addPartner(server);
  });
  afterAll(() => server.close());

  it('tried: purchases detected in year 0000 and at +20:00; each rejected with a reason naming detectedAt, the good one booked', async () => {
    const member = await signUp(server);
    const results = await ingest(server, member.token, [
      purchase(shop, { detectedAt: '0000-01-01T00:00:00Z' }),
      purchase(shop, { detectedAt: '2025-05-20T10:00:00+20:00' }),
      purchase(shop),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'accepted']);
    for (const r of results.slice(0, 2)) expect(r.reason).toMatch(/detectedAt/);
  });

  it('tried: a claim dated year 0000, and claims whose note sets the terminal title or reverses text; 400, never 500', async () => {
    const member = await signUp(server);
    const claim = (overrides: Record<string, unknown>) =>
      server.call('POST', `/v1/purchases/${randomUUID()}/claim`, {
        token: member.token,
        body: { partnerId: shop, orderId: uniqueName('o'), amountMinor: 1000, currency: 'EUR', detectedAt: new Date().toISOString(), ...overrides },
      });
    for (const bad of [{ detectedAt: '0000-01-01T00:00:00Z' }, { note: 'hi \u001b]0;pwned\u0007' }, { note: 'abc\u202eexe' }, { orderId: 'A-1\u0000' }, { pageUrl: 'https://x.test/\nforged' }]) {
      const res = await claim(bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(await errorCode(res)).toBe('bad_request');
    }
    expect((await claim({ note: 'Bestellung vom Montag,\nBeleg im Anhang.' })).status).toBe(201);
  });

  it('tried: a device label with a line feed and a partner name with a bidi override; 400', async () => {
    const res = await server.call('POST', '/v1/auth/register', { body: { email: `${uniqueName('m')}@example.test`, password: PASSWORD, device: 'Chrome\nforged' } });
    expect(res.status).toBe(400);
    const id = uniqueName('shop');
    const partner = await server.call('PUT', `/v1/admin/partners/${id}`, {
      token: ADMIN_TOKEN,
      body: { id, name: 'Shop\u202eevil', domains: [`${id}.example`], category: 'x', earn: { points: 1, per: 1 }, currency: 'EUR', holdDays: 30, autoConfirm: false, secret: `s-${randomUUID()}` },
    });
    expect(partner.status).toBe(400);
  });

  it('says nosniff and a deny-all CSP on every answer, errors included', async () => {
    for (const res of [await server.call('GET', '/health'), await server.call('GET', '/v1/me'), await server.call('GET', '/nowhere')]) {
      expect(res.headers.get('X-Content-Type-Options')).toBe('nosniff');
      expect(res.headers.get('Content-Security-Policy')).toBe("default-src 'none'; frame-ancestors 'none'");
    }
  });
});
