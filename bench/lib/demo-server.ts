/**
 * `npm start`'s server in a child process (PGlite in a temporary directory,
 * or PostgreSQL in a schema of its own; DEMO on), so the built extension has
 * a catalogue to fetch and the demo partner shops answer on
 * `<shop>.localhost:PORT`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { benchSchemaName, dropOrphanSchemas, POSTGRES_URL } from './postgres.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export interface DemoServer {
  port: number;
  baseUrl: string;
  /** With `postgres`: the database URL and the schema the server lives in (dropped by `stop`). */
  postgres?: { url: string; schema: string };
  shopUrl(hostLabel: string, path?: string): string;
  stop(): Promise<void>;
}

/** A schema of its own (bench/lib/postgres.ts), after dropping the leftovers of killed runs. */
async function createSchema(url: string): Promise<{ schema: string; drop: () => Promise<void> }> {
  const schema = benchSchemaName();
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await dropOrphanSchemas(async (sql) => (await admin.query(sql)).rows);
    await admin.query(`CREATE SCHEMA "${schema}"`);
  } finally {
    await admin.end();
  }
  return {
    schema,
    async drop() {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}

/**
 * `npm start`'s server on PGlite in a temporary directory, or with
 * `postgres: true` on PostgreSQL (POSTGRES_URL) in a schema of its own: the
 * server takes DATABASE_URL as it is, so the schema is put on every
 * connection's search_path through the URL's `options` parameter. `env`
 * adds settings of server/platform/env.ts (METRICS_PUBLIC, say).
 */
export async function startDemoServer(opts: { postgres?: boolean; env?: Record<string, string> } = {}): Promise<DemoServer> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'sammelpunkt-bench-demo-'));
  const { DATABASE_URL: _ignored, ...env } = process.env;
  const own = opts.postgres ? await createSchema(POSTGRES_URL) : undefined;
  const databaseUrl = own ? withSearchPath(POSTGRES_URL, own.schema) : undefined;
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: {
      ...env,
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      DEMO: '1',
      BUILD_EXTENSION: '0',
      LOG_LEVEL: 'silent',
      // The load generator registers its members from loopback.
      RATE_LIMIT_REGISTER_IP_PER_DAY: '100000000',
      // The cost the earlier figures were measured at (production: 17); the bench measures requests, not hashing.
      SCRYPT_LOG_N: '14',
      ...opts.env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const cleanUp = async () => {
    rmSync(dataDir, { recursive: true, force: true });
    await own?.drop();
  };
  const baseUrl = `http://localhost:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    const failure =
      child.exitCode !== null ? `the demo server exited with code ${child.exitCode}` : Date.now() > deadline ? 'the demo server did not answer /health within 90 s' : null;
    if (failure !== null) {
      child.kill('SIGKILL');
      await cleanUp();
      throw new Error(failure);
    }
    const status = await fetch(`${baseUrl}/health`).then((r) => r.status, () => 0);
    if (status === 200) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    port,
    baseUrl,
    ...(own && databaseUrl ? { postgres: { url: databaseUrl, schema: own.schema } } : {}),
    shopUrl: (hostLabel, path = '/') => `http://${hostLabel}.localhost:${port}${path}`,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      await cleanUp();
    },
  };
}

function withSearchPath(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('options', `-c search_path=${schema}`);
  return parsed.toString();
}
