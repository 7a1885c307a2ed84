/**
 * The real server as a child process (`server/main.ts`, as `npm start` runs
 * it), for tests that kill it, restart it or run two of it on one database:
 * crash safety, replicas, shared rate limits. Also plain HTTP helpers that
 * speak to it the way the extension, a partner and the operator do.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { openPostgres, type Db } from '../../server/db/index.ts';
import { signConfirmation } from '../../server/routes/partner-api.ts';
import { LIMITS_OFF } from './helpers.ts';

export const ADMIN_TOKEN = 'process-admin-token-0123456789';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  base: string;
  child: ChildProcess;
  /** SIGKILL: no chance to finish requests or close the database. */
  kill(): Promise<void>;
  /** SIGTERM: the graceful shutdown of `main.ts`. */
  stop(): Promise<void>;
  /** What the process printed so far (stdout and stderr). */
  output(): string;
}

/** Where the database of a child server lives: a PostgreSQL schema or a PGlite directory. */
export interface DatabaseEnv {
  DATABASE_URL?: string;
  DATA_DIR?: string;
}

/**
 * Starts `server/main.ts` in its own Node process (tsx as a loader, so the
 * pid is the server's own and a SIGKILL reaches it) and waits for /health.
 */
export async function startServerProcess(db: DatabaseEnv, extraEnv: Record<string, string> = {}): Promise<ServerProcess> {
  const port = await freePort();
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    PORT: String(port),
    HOST: '127.0.0.1',
    DEMO: '0',
    LOG_LEVEL: 'silent',
    ADMIN_TOKEN,
    // Every test client registers from loopback.
    RATE_LIMIT_REGISTER_IP_PER_DAY: '1000000',
    SCRYPT_LOG_N: '10',
    // No load balancer to wait for: SIGTERM closes the listener at once (shutdown.test.ts sets a drain).
    SHUTDOWN_DRAIN_MS: '0',
    DATA_DIR: db.DATA_DIR ?? '.data-unused',
    ...(db.DATABASE_URL ? { DATABASE_URL: db.DATABASE_URL } : {}),
    ...extraEnv,
  };
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}: ${output}`);
    try {
      const res = await fetch(`${base}/health`);
      if (res.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not become healthy: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const signal = async (sig: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    await exited;
  };
  return { base, child, kill: () => signal('SIGKILL'), stop: () => signal('SIGTERM'), output: () => output };
}

/** A PostgreSQL schema of its own for one test file, reachable by URL (for child servers) and by handle (for checks). */
export async function postgresSchema(): Promise<{ url: string; db: Db; drop: () => Promise<void> }> {
  const schema = `p_${process.pid}_${randomBytes(4).toString('hex')}`;
  const root = process.env.DATABASE_URL!;
  const db = await openPostgres(root, { schema, max: 4 });
  const url = new URL(root);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: url.toString(),
    db,
    drop: async () => {
      await db.exec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await db.close();
    },
  };
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export async function call(base: string, method: string, path: string, opts: CallOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.body !== undefined) {
    body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    headers['Content-Type'] ??= 'application/json';
  }
  return fetch(`${base}${path}`, { method, headers, body });
}

export interface Member {
  id: string;
  token: string;
  email: string;
}

export const PASSWORD = 'correct horse battery';

export async function register(base: string): Promise<Member> {
  const email = `m-${randomUUID()}@example.test`;
  const res = await call(base, 'POST', '/v1/auth/register', { body: { email, password: PASSWORD } });
  if (res.status !== 201) throw new Error(`register: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { token: string; member: { id: string } };
  // Points are spendable only from a verified email: type the mailed code, as the member would.
  const outbox = await call(base, 'GET', `/v1/admin/outbox?to=${encodeURIComponent(email)}`, { token: ADMIN_TOKEN });
  const { mails } = (await outbox.json()) as { mails: { code?: string }[] };
  const verified = await call(base, 'POST', '/v1/auth/verify-email', { token: body.token, body: { code: mails[0]?.code } });
  if (verified.status !== 200) throw new Error(`verify: ${verified.status} ${await verified.text()}`);
  return { id: body.member.id, token: body.token, email };
}

export interface Partner {
  id: string;
  secret: string;
}

export async function putPartner(base: string): Promise<Partner> {
  const id = `shop-${randomBytes(4).toString('hex')}`;
  const secret = `secret-${randomUUID()}`;
  const res = await call(base, 'PUT', `/v1/admin/partners/${id}`, {
    token: ADMIN_TOKEN,
    // Limits off: these tests send many purchases from one member to look at races and replicas, not at the limits.
    body: { id, name: `Shop ${id}`, domains: [`${id}.example`], category: 'fashion', earn: { points: 1, per: 1 }, currency: 'EUR', holdDays: 30, autoConfirm: true, secret, fraud: LIMITS_OFF },
  });
  if (res.status !== 200 && res.status !== 201) throw new Error(`partner: ${res.status} ${await res.text()}`);
  return { id, secret };
}

export async function putReward(base: string, pointsCost: number): Promise<string> {
  const id = `reward-${randomBytes(4).toString('hex')}`;
  const res = await call(base, 'PUT', `/v1/admin/rewards/${id}`, { token: ADMIN_TOKEN, body: { id, title: `Reward ${id}`, kind: 'voucher', pointsCost, active: true } });
  if (res.status !== 200 && res.status !== 201) throw new Error(`reward: ${res.status} ${await res.text()}`);
  return id;
}

export function purchase(partnerId: string, orderId: string, amountMinor: number, id: string = randomUUID()) {
  return { id, partnerId, orderId, amountMinor, currency: 'EUR', detectedAt: new Date().toISOString(), method: 'jsonld' };
}

export type ConfirmationOrder = { orderId: string; status: 'confirmed' | 'returned' | 'cancelled'; amountMinor?: number };

/** A signed partner report as its raw parts, so a test can send the very same request twice. */
export function signedReport(partner: Partner, orders: ConfirmationOrder[], timestamp = Math.floor(Date.now() / 1000)) {
  const raw = JSON.stringify({ orders });
  const ts = String(timestamp);
  return {
    raw,
    headers: {
      'Content-Type': 'application/json',
      'X-Sammelpunkt-Partner': partner.id,
      'X-Sammelpunkt-Timestamp': ts,
      'X-Sammelpunkt-Signature': signConfirmation(partner.secret, ts, raw),
    },
  };
}

export function sendReport(base: string, report: { raw: string; headers: Record<string, string> }): Promise<Response> {
  return fetch(`${base}/v1/partner-api/confirmations`, { method: 'POST', headers: report.headers, body: report.raw });
}
