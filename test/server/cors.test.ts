import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './harness.ts';

// The extension's service worker calls the API from its own origin; the
// browser lets it read the answers only when the API allows that origin.
describe('cross-origin calls', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('pglite');
  });
  afterAll(() => server?.close());

  const preflight = (origin: string) =>
    server.app.request('/v1/purchases', {
      method: 'OPTIONS',
      headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization, content-type' },
    });

  it('lets the Chrome and Firefox extensions send purchases with a bearer token', async () => {
    for (const origin of ['chrome-extension://abcdefghijklmnopabcdefghijklmnop', 'moz-extension://0b5f1c1e-5d4e-4a4b-9f3e-2c1d0e9f8a7b']) {
      const res = await preflight(origin);
      expect(res.status).toBe(204);
      expect(res.headers.get('Access-Control-Allow-Origin')).toBe(origin);
      expect(res.headers.get('Access-Control-Allow-Headers')?.toLowerCase()).toContain('authorization');
    }
  });

  it('lets the extension read the catalogue ETag', async () => {
    const res = await server.app.request('/v1/partners', { headers: { Origin: 'chrome-extension://abcdefghijklmnopabcdefghijklmnop' } });
    expect(res.headers.get('Access-Control-Expose-Headers')).toContain('ETag');
  });

  it('does not invite web pages (tried: a shop page and a look-alike scheme)', async () => {
    for (const origin of ['https://evil.example', 'http://schuhhaus.localhost:8787', 'chrome-extension-evil://x']) {
      const res = await preflight(origin);
      expect(res.headers.get('Access-Control-Allow-Origin')).toBeNull();
    }
  });
});
