/**
 * Safe by default (issue 21, item 6): the demo partners exist only on a
 * loopback server or with DEMO=1, and their signing secrets are drawn by each
 * installation, never taken from the source.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../server/catalog/seed.ts';
import { demoMode, isLoopback, parseEnv } from '../../server/platform/env.ts';
import { signConfirmation } from '../../server/routes/partner-api.ts';
import { backends, startTestServer, type TestServer } from './harness.ts';
import { call, startServerProcess } from './server-process.ts';

describe('demo mode', () => {
  it('listens on loopback unless HOST says otherwise', () => {
    expect(parseEnv({}).HOST).toBe('127.0.0.1');
  });

  it('is on for loopback hosts and DEMO=1 only; a public host without DEMO=1 runs without demo partners', () => {
    for (const host of ['127.0.0.1', '127.8.9.1', 'localhost', '::1', '[::1]']) expect(isLoopback(host)).toBe(true);
    for (const host of ['0.0.0.0', '::', '10.0.0.5', 'api.example.com', '127.0.0.1.evil.test']) expect(isLoopback(host)).toBe(false);
    expect(demoMode(parseEnv({ HOST: '127.0.0.1' })).on).toBe(true);
    expect(demoMode(parseEnv({ HOST: '0.0.0.0' }))).toEqual({ on: false, why: expect.stringContaining('set DEMO=1') });
    expect(demoMode(parseEnv({ HOST: '0.0.0.0', DEMO: '1' })).on).toBe(true);
    expect(demoMode(parseEnv({ HOST: '127.0.0.1', DEMO: '0' })).on).toBe(false);
  });

  it('tried: npm start on 0.0.0.0 with no DEMO setting; the catalogue holds no demo partner', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sammelpunkt-demo-mode-'));
    const server = await startServerProcess({ DATA_DIR: dataDir }, { HOST: '0.0.0.0', DEMO: '', BUILD_EXTENSION: '0' });
    try {
      const res = await call(server.base, 'GET', '/v1/partners');
      const { partners } = (await res.json()) as { partners: { id: string }[] };
      expect(partners.map((p) => p.id)).not.toContain('schuhhaus');
    } finally {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe.each(backends)('demo partner secrets (%s)', (backend) => {
  let first: TestServer;
  let second: TestServer;

  beforeAll(async () => {
    [first, second] = await Promise.all([startTestServer(backend), startTestServer(backend)]);
  });
  afterAll(async () => {
    await first.close();
    await second.close();
  });

  const secretOf = async (server: TestServer, id: string) =>
    (await server.db.query<{ secret: string }>('SELECT secret FROM partners WHERE id = $1', [id]))[0]!.secret;

  const report = (server: TestServer, secret: string) => {
    const raw = JSON.stringify({ orders: [{ orderId: 'SH-1', status: 'confirmed' }] });
    const ts = String(Math.floor(server.clock.now().getTime() / 1000));
    return server.call('POST', '/v1/partner-api/confirmations', {
      body: raw,
      headers: { 'X-Sammelpunkt-Partner': 'schuhhaus', 'X-Sammelpunkt-Timestamp': ts, 'X-Sammelpunkt-Signature': signConfirmation(secret, ts, raw) },
    });
  };

  it('draws a secret per installation, keeps it across restarts, and replaces the one once published in the source', async () => {
    await seedDemo(first.db, first.clock.now());
    await seedDemo(second.db, second.clock.now());
    const drawn = await secretOf(first, 'schuhhaus');
    expect(drawn.length).toBeGreaterThanOrEqual(32);
    expect(await secretOf(second, 'schuhhaus')).not.toBe(drawn);
    await seedDemo(first.db, first.clock.now());
    expect(await secretOf(first, 'schuhhaus')).toBe(drawn);

    // An installation seeded before this change holds the published secret: it is replaced.
    const published = 'demo-secret-schuhhaus-0123456789';
    await first.db.query('UPDATE partners SET secret = $1 WHERE id = $2', [published, 'schuhhaus']);
    await seedDemo(first.db, first.clock.now());
    expect(await secretOf(first, 'schuhhaus')).not.toBe(published);

    // Tried: a report forged with the published secret; refused. The installation's own secret works.
    expect((await report(first, published)).status).toBe(401);
    expect((await report(first, await secretOf(first, 'schuhhaus'))).status).toBe(200);
  });
});
