/**
 * Builds the real app on a real database for each test file: PGlite always,
 * and PostgreSQL too when DATABASE_URL is set (each run in its own schema).
 */
import { randomBytes } from 'node:crypto';
import type { Deps } from '../../server/platform/app.ts';
import { openPglite, openPostgres, type Db } from '../../server/db/index.ts';
import { migrate } from '../../server/db/migrate.ts';
import { mailTransportFor } from '../../server/accounts/mail.ts';
import { parseEnv, type Env } from '../../server/platform/env.ts';
import { createApp, type App } from '../../server/index.ts';
import { describeViolations, startPrismProxy } from './prism.ts';

export type Backend = 'pglite' | 'postgres';

/** The databases the server tests run on. */
export const backends: Backend[] = process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export interface TestClock {
  now: () => Date;
  set(at: Date | string): void;
  advance(ms: number): void;
}

export function testClock(start = new Date()): TestClock {
  let current = start.getTime();
  return {
    now: () => new Date(current),
    set: (at) => {
      current = new Date(at).getTime();
    },
    advance: (ms) => {
      current += ms;
    },
  };
}

export async function openTestDb(backend: Backend): Promise<{ db: Db; drop: () => Promise<void> }> {
  if (backend === 'pglite') {
    const db = await openPglite();
    return { db, drop: () => db.close() };
  }
  const schema = `t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const url = process.env.DATABASE_URL!;
  const db = await openPostgres(url, { schema, max: 5 });
  return {
    db,
    drop: async () => {
      await db.exec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await db.close();
    },
  };
}

export interface TestServer {
  app: App;
  db: Db;
  deps: Deps;
  clock: TestClock;
  env: Env;
  logs: Record<string, unknown>[];
  /** `app.request` with JSON bodies and a bearer token made easy. */
  call(method: string, path: string, opts?: { token?: string; body?: unknown; headers?: Record<string, string> }): Promise<Response>;
  close(): Promise<void>;
}

export async function startTestServer(backend: Backend, envOverrides: Record<string, string> = {}): Promise<TestServer> {
  const { db, drop } = await openTestDb(backend);
  return startTestServerOn(db, drop, envOverrides);
}

/** The app on a database the test opened itself; `extraDeps` adds what a test needs (a read replica, metrics). */
export async function startTestServerOn(
  db: Db,
  drop: () => Promise<void>,
  envOverrides: Record<string, string> = {},
  extraDeps: Partial<Deps> = {},
): Promise<TestServer> {
  await migrate(db);
  // Tests move the clock by months: token lifetimes are lifted unless a test sets them (accounts.test.ts does).
  // scrypt at the lowest cost it accepts keeps the tests fast (production: 17).
  // Every test request comes from one address ('local', no socket): the per-address
  // registration limit is lifted unless a test sets it, as limits.test.ts does.
  const env = parseEnv({ ADMIN_TOKEN, LOG_LEVEL: 'silent', RATE_LIMIT_REGISTER_IP_PER_DAY: '1000000', SCRYPT_LOG_N: '10', TOKEN_IDLE_DAYS: '100000', TOKEN_MAX_DAYS: '100000', ...envOverrides });
  const clock = testClock();
  const logs: Record<string, unknown>[] = [];
  // As `npm start` does: SMTP when a test sets SMTP_URL, the outbox otherwise.
  const mail = mailTransportFor(env);
  const deps: Deps = { db, env, now: clock.now, log: (l) => logs.push(l), mail, ...extraDeps };
  const app = createApp(deps);
  // `npm run api:check` sets PRISM_OPENAPI: every call then goes over HTTP through Prism's validating proxy.
  const prism = process.env.PRISM_OPENAPI ? await startPrismProxy(app.fetch, process.env.PRISM_OPENAPI) : undefined;
  return {
    app,
    db,
    deps,
    clock,
    env,
    logs,
    async call(method, path, opts = {}) {
      const headers: Record<string, string> = { ...opts.headers };
      if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
      let body: string | undefined;
      if (opts.body !== undefined) {
        body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
        headers['Content-Type'] ??= 'application/json';
      }
      return prism ? prism.fetch(path, { method, headers, body }) : app.request(path, { method, headers, body });
    },
    async close() {
      mail?.close();
      await prism?.close();
      await drop();
      if (!prism) return;
      if (prism.violating.length > 0) {
        throw new Error(`Prism found ${prism.violating.length} of ${prism.calls} calls at odds with the OpenAPI document:\n${describeViolations(prism.violating)}`);
      }
      console.log(`Prism: ${prism.calls} calls checked against ${process.env.PRISM_OPENAPI}, 0 violations`);
    },
  };
}
