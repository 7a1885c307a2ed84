import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_EXTENSION_ORIGIN } from '../../lib/contract/extension-id.ts';
import { parseEnv } from '../../server/platform/env.ts';
import { signUp } from './helpers.ts';
import { startTestServer, type TestServer } from './harness.ts';

// The extension's service worker calls the API from its own origin; the
// browser lets it read the answers only when the API allows that origin.
// Only the programme's own extension is allowed (EXTENSION_ORIGINS, the demo
// build's id by default); Firefox reaches the API by host permission instead.
const preflight = (server: TestServer, origin: string) =>
  server.app.request('/v1/purchases', {
    method: 'OPTIONS',
    headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization, content-type' },
  });

describe('cross-origin calls', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('pglite');
  });
  afterAll(() => server?.close());

  it('lets the demo build of the extension send purchases with a bearer token', async () => {
    const res = await preflight(server, DEMO_EXTENSION_ORIGIN);
    expect(res.status).toBe(204);
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe(DEMO_EXTENSION_ORIGIN);
    expect(res.headers.get('Access-Control-Allow-Headers')?.toLowerCase()).toContain('authorization');
  });

  it('lets the extension read the catalogue ETag', async () => {
    const res = await server.app.request('/v1/partners', { headers: { Origin: DEMO_EXTENSION_ORIGIN } });
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe(DEMO_EXTENSION_ORIGIN);
    expect(res.headers.get('Access-Control-Expose-Headers')).toContain('ETag');
  });

  it('does not invite web pages or other extensions (tried: a shop page, a look-alike scheme, another Chrome extension, a Firefox installation)', async () => {
    for (const origin of [
      'https://evil.example',
      'http://schuhhaus.localhost:8787',
      'chrome-extension-evil://x',
      'chrome-extension://abcdefghijklmnopabcdefghijklmnop',
      'moz-extension://0b5f1c1e-5d4e-4a4b-9f3e-2c1d0e9f8a7b',
      `${DEMO_EXTENSION_ORIGIN}.evil.example`,
    ]) {
      const res = await preflight(server, origin);
      expect(res.headers.get('Access-Control-Allow-Origin'), origin).toBeNull();
    }
  });

  it('never writes the Origin header into its log (in Firefox it names one installation for life)', async () => {
    const installation = 'moz-extension://0b5f1c1e-5d4e-4a4b-9f3e-2c1d0e9f8a7b';
    const { token } = await signUp(server);
    await server.app.request('/v1/partners', { headers: { Origin: installation } });
    await server.call('GET', '/v1/me', { token, headers: { Origin: installation } });
    await server.call('POST', '/v1/purchases', { token, body: { purchases: [] }, headers: { Origin: installation } });
    expect(server.logs.length).toBeGreaterThanOrEqual(3);
    expect(JSON.stringify(server.logs)).not.toContain('0b5f1c1e');
  });
});

describe('cross-origin calls with EXTENSION_ORIGINS set', () => {
  const store = 'chrome-extension://ponmlkjihgfedcbaponmlkjihgfedcba';
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('pglite', { EXTENSION_ORIGINS: `${store}, ${DEMO_EXTENSION_ORIGIN}` });
  });
  afterAll(() => server?.close());

  it('answers each configured origin and nothing else', async () => {
    expect((await preflight(server, store)).headers.get('Access-Control-Allow-Origin')).toBe(store);
    expect((await preflight(server, DEMO_EXTENSION_ORIGIN)).headers.get('Access-Control-Allow-Origin')).toBe(DEMO_EXTENSION_ORIGIN);
    expect((await preflight(server, 'chrome-extension://abcdefghijklmnopabcdefghijklmnop')).headers.get('Access-Control-Allow-Origin')).toBeNull();
  });

  it('refuses to start with an origin that is not one extension id (tried: a wildcard, a web origin, a path)', () => {
    for (const bad of ['chrome-extension://*', 'https://shop.example', `${DEMO_EXTENSION_ORIGIN}/popup.html`]) {
      expect(() => parseEnv({ EXTENSION_ORIGINS: bad }), bad).toThrow(/EXTENSION_ORIGINS/);
    }
  });
});
