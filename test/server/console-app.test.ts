/** The console's page and assets, served by the API under /console/. */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/index.ts';
import { backends, startTestServer, type TestServer } from './harness.ts';

describe.each(backends)('the console page (%s)', (backend) => {
  let server: TestServer;
  let dir: string;
  beforeAll(async () => {
    server = await startTestServer(backend);
    dir = mkdtempSync(join(tmpdir(), 'sp-console-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><script type="module" src="/console/assets/index-abc123.js"></script>');
    writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
    writeFileSync(join(dir, '.secret.js'), 'no');
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await server.close();
  });

  const app = () => createApp({ ...server.deps, consoleDir: dir });

  it('serves the page with a policy of its own origin only, and its hashed assets', async () => {
    const page = await app().request('/console/');
    expect(page.status).toBe(200);
    expect(page.headers.get('Content-Type')).toMatch(/^text\/html/);
    const policy = page.headers.get('Content-Security-Policy')!;
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).not.toContain('unsafe-inline');
    const asset = await app().request('/console/assets/index-abc123.js');
    expect(asset.status).toBe(200);
    expect(asset.headers.get('Content-Type')).toMatch(/^text\/javascript/);
    expect(asset.headers.get('Cache-Control')).toContain('immutable');
    expect((await app().request('/console')).headers.get('Location')).toBe('/console/');
  });

  it('serves nothing outside the built assets', async () => {
    for (const path of ['/console/assets/..%2F.secret.js', '/console/assets/.secret.js', '/console/assets/%2e%2e%2findex.html', '/console/assets/index-abc123.js.map', '/console/index.html']) {
      expect((await app().request(path)).status, path).toBe(404);
    }
  });

  it('says how to build it when it is not built', async () => {
    const res = await createApp({ ...server.deps, consoleDir: join(dir, 'missing') }).request('/console/');
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('npm run build:console');
  });
});
