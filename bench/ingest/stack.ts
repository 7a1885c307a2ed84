/**
 * The system under test, served over real HTTP on 127.0.0.1: the whole sync
 * API on PostgreSQL (its own schema, dropped afterwards) or on PGlite (a
 * temporary data directory), and beside it the bare Hono app that is the
 * HTTP ceiling.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { openPglite, openPostgres, type Db } from '../../server/db/index.ts';
import { migrate } from '../../server/db/migrate.ts';
import { parseEnv } from '../../server/platform/env.ts';
import { createApp } from '../../server/index.ts';
import { benchSchemaName, dropOrphanSchemas, POSTGRES_URL } from '../lib/postgres.ts';

const ADMIN_TOKEN = `bench-admin-${randomBytes(12).toString('hex')}`;

export type Backend = 'postgres' | 'pglite';

export interface Served {
  base: string;
  close(): Promise<void>;
}

export function listen(fetch: (req: Request) => Response | Promise<Response>): Promise<Served> {
  return new Promise((resolve) => {
    const server = serve({ fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
      resolve({
        base: `http://127.0.0.1:${info.port}`,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}

export interface ApiStack extends Served {
  backend: Backend;
  db: Db;
  /** The schema (PostgreSQL) the run lives in, for the raw-INSERT ceiling's own connections. */
  schema?: string;
  adminToken: string;
}

/** `env`: settings beside the defaults, e.g. a benchmark that needs a limit out of its way (and says so in its notes). */
export async function startApi(backend: Backend, env: Record<string, string> = {}): Promise<ApiStack> {
  let db: Db;
  let schema: string | undefined;
  let dropData: () => Promise<void>;
  if (backend === 'postgres') {
    schema = benchSchemaName();
    // The pool size `npm start` uses (openDatabase → openPostgres default), so the figure is the shipped configuration's.
    db = await openPostgres(POSTGRES_URL, { schema });
    const opened = db;
    await dropOrphanSchemas((sql) => opened.query(sql));
    const ownSchema = schema;
    dropData = async () => {
      await db.exec(`DROP SCHEMA IF EXISTS "${ownSchema}" CASCADE`);
    };
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'sammelpunkt-bench-pglite-'));
    db = await openPglite(dir);
    dropData = async () => rmSync(dir, { recursive: true, force: true });
  }
  await migrate(db);
  const app = createApp({ db, env: parseEnv({ ...env, ADMIN_TOKEN, LOG_LEVEL: 'silent' }), now: () => new Date(), log: () => {} });
  const served = await listen(app.fetch);
  return {
    ...served,
    backend,
    db,
    schema,
    adminToken: ADMIN_TOKEN,
    async close() {
      await served.close();
      if (backend === 'postgres') await dropData();
      await db.close();
      if (backend === 'pglite') await dropData();
    },
  };
}

/** The HTTP ceiling: the same server adapter and framework, no auth, no database. */
export function startBare(): Promise<Served> {
  const bare = new Hono();
  bare.post('/bare/purchases', async (c) => {
    const body = (await c.req.json()) as { purchases: { id: string }[] };
    return c.json({ results: body.purchases.map((p) => ({ id: p.id, status: 'accepted' })) }, 200);
  });
  bare.get('/bare/sync', (c) => c.json({ balance: { available: 0, pending: 0, lifetime: 0 }, purchases: [], cursor: '0', hasMore: false }, 200));
  return listen(bare.fetch);
}
