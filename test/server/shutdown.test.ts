/**
 * What a load balancer needs from a real server process (`server/main.ts`):
 * on SIGTERM, `/ready` says 503 while requests are still served, then new
 * connections are refused, a slow request in flight still completes, kept-alive
 * idle connections do not hold the exit, and the process exits with 0 after
 * its work is committed.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, postgresSchema, purchase, putPartner, register, startServerProcess, type DatabaseEnv } from './server-process.ts';

const DRAIN_MS = 1500;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A POST whose body arrives in two parts: the request is in flight until `finish()` sends the rest. */
function slowPost(base: string, path: string, token: string, body: unknown): { finish(): Promise<Answer> } {
  const raw = Buffer.from(JSON.stringify(body));
  const url = new URL(path, base);
  let answered!: Promise<Answer>;
  const req = request(url, {
    method: 'POST',
    agent: false,
    headers: { 'Content-Type': 'application/json', 'Content-Length': raw.length, Authorization: `Bearer ${token}` },
  });
  answered = new Promise((resolve, reject) => {
    req.on('error', reject);
    req.on('response', (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
  });
  req.flushHeaders();
  req.write(raw.subarray(0, 10));
  return {
    finish() {
      req.end(raw.subarray(10));
      return answered;
    },
  };
}

/** Resolves with the error code of a fresh TCP connection, or 'connected'. */
function tryConnect(base: string): Promise<string> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? String(err)));
  });
}

async function until<T>(what: string, probe: () => Promise<T>, done: (v: T) => boolean, withinMs: number): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)} after ${withinMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const getJson = (base: string, path: string, agent?: Agent): Promise<{ status: number; body: unknown }> =>
  new Promise((resolve, reject) => {
    request(new URL(path, base), { agent }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    })
      .on('error', reject)
      .end();
  });

type Setup = { db: DatabaseEnv; cleanup: () => Promise<void> };

const databases: [string, () => Promise<Setup>][] = [
  [
    'pglite',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'sammelpunkt-shutdown-'));
      return { db: { DATA_DIR: dir }, cleanup: () => rm(dir, { recursive: true, force: true }) };
    },
  ],
  ...(process.env.DATABASE_URL
    ? ([
        [
          'postgres',
          async () => {
            const schema = await postgresSchema();
            return { db: { DATABASE_URL: schema.url }, cleanup: schema.drop };
          },
        ],
      ] as [string, () => Promise<Setup>][])
    : []),
];

describe.each(databases)('graceful shutdown on SIGTERM (%s)', (_name, setUp) => {
  let setup: Setup;
  beforeAll(async () => {
    setup = await setUp();
  });
  afterAll(() => setup?.cleanup());

  it('drains: /ready 503, listener closed, the request in flight answered and committed, exit code 0', { timeout: 120_000 }, async () => {
    const server = await startServerProcess(setup.db, { SHUTDOWN_DRAIN_MS: String(DRAIN_MS), SHUTDOWN_TIMEOUT_MS: '30000' });
    const keepAlive = new Agent({ keepAlive: true });
    try {
      const member = await register(server.base);
      const partner = await putPartner(server.base);
      // A kept-alive connection left idle: close() alone would wait 65 s for it.
      expect(await getJson(server.base, '/ready', keepAlive)).toEqual({ status: 200, body: { status: 'ready' } });

      const item = purchase(partner.id, `slow-${randomUUID()}`, 4200);
      const slow = slowPost(server.base, '/v1/purchases', member.token, { purchases: [item] });
      await new Promise((r) => setTimeout(r, 300));
      const exited = new Promise<number | null>((resolve) => server.child.once('exit', (code) => resolve(code)));
      const signalledAt = Date.now();
      server.child.kill('SIGTERM');

      // Draining: still answering, but out of rotation; alive all the same.
      const ready = await until('/ready', () => getJson(server.base, '/ready'), (r) => r.status === 503, 5000);
      expect(ready.body).toEqual({ status: 'draining' });
      expect((await getJson(server.base, '/health')).status).toBe(200);

      // After the drain: no new connections.
      await until('a new connection', () => tryConnect(server.base), (r) => r === 'ECONNREFUSED', DRAIN_MS + 3000);
      expect(Date.now() - signalledAt).toBeGreaterThanOrEqual(DRAIN_MS - 100);

      const answer = await slow.finish();
      expect(answer.status).toBe(200);
      expect(answer.headers.connection).toBe('close');
      expect((JSON.parse(answer.body) as { results: { status: string }[] }).results[0]!.status).toBe('accepted');
      const finishedAt = Date.now();
      expect(await exited).toBe(0);
      // Not held by the idle kept-alive connection (65 s keep-alive timeout); exit code 0 says the hard stop (30 s) did not fire.
      expect(Date.now() - finishedAt).toBeLessThan(20_000);

      // What was answered was committed before the database closed.
      const again = await startServerProcess(setup.db);
      try {
        const res = await call(again.base, 'GET', '/v1/me/sync', { token: member.token });
        const sync = (await res.json()) as { purchases: { id: string; points: number }[] };
        expect(sync.purchases.map((p) => p.id)).toContain(item.id);
      } finally {
        await again.stop();
      }
    } finally {
      keepAlive.destroy();
      await server.kill();
    }
  });
});
