/** GET /privacy: the policy page the store listings link to. */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './harness.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer('pglite');
});
afterAll(() => server.close());

describe('GET /privacy', () => {
  it('answers the policy as HTML, in the language asked for', async () => {
    const en = await server.call('GET', '/privacy');
    expect(en.status).toBe(200);
    expect(en.headers.get('content-type')).toMatch(/^text\/html/);
    expect(en.headers.get('content-language')).toBe('en');
    const page = await en.text();
    expect(page).toContain('<html lang="en">');
    expect(page).toContain('Sammelpunkt privacy policy');

    const de = await server.call('GET', '/privacy', { headers: { 'Accept-Language': 'de-DE,de;q=0.9' } });
    expect(await de.text()).toContain('Datenschutzerklärung von Sammelpunkt');
    expect(de.headers.get('vary')).toMatch(/Accept-Language/);
    const asked = await server.call('GET', '/privacy?lang=en', { headers: { 'Accept-Language': 'de' } });
    expect(await asked.text()).toContain('<html lang="en">');
  });

  it('.security: runs nothing and can be framed by no one; its one style is allowed by hash', async () => {
    const response = await server.call('GET', '/privacy');
    const page = await response.text();
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(csp).not.toMatch(/unsafe-inline|script-src/);
    expect(page).not.toMatch(/<script/i);
    const style = /<style>([^<]*)<\/style>/.exec(page)![1]!;
    expect(csp).toContain(`'sha256-${createHash('sha256').update(style).digest('base64')}'`);
  });

  it('.security: a query cannot write into the page', async () => {
    const page = await (await server.call('GET', '/privacy?lang=%3Cscript%3Ealert(1)%3C/script%3E')).text();
    expect(page).not.toContain('<script');
    expect(page).toContain('<html lang="en">');
  });

  it('leaves the JSON answers with their strict policy', async () => {
    const health = await server.call('GET', '/health');
    expect(health.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
  });
});
