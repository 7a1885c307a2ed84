/**
 * `growth` (issue 17 item 1, the server half): how each request's cost
 * grows with the database. For each size (bench/growth/sizes.ts; default
 * 10⁴, 10⁶ and 10⁷ purchases over 10³, 10⁵ and 10⁶ members), a database of
 * its own on PostgreSQL is bulk-loaded by fill.ts, checked and timed with
 * `ledger:verify`, and then, with the whole API served as in *ingest*
 * (`createApp` on `@hono/node-server`, the pool of 10) and the load
 * generator in a forked child (bench/ingest/loadgen.ts), measured in this
 * order: the read phases first, so they see the filled database alone,
 *
 *  1. `GET /v1/me/sync?cursor=0`, open loop at 200 requests/s for 8 s, over
 *     40 filled members (ten purchases each: their whole history);
 *  2. the operator's queues and reports, each called 15 times in a row
 *     through the functions `npm run admin` calls (review queue, open claims,
 *     held referrals, detection health, member show);
 *  3. single purchases, open loop at 500 requests/s for 10 s, over 100
 *     filled members;
 *  4. batched ingest, closed loop, 8 clients × 100 purchases, 12 s;
 *  5. a partner confirmation batch: 10,000 pending orders booked by phases
 *     3–4 (the same population at every size), reported `confirmed`
 *     through the signed partner API, 1,000 orders per request (the
 *     contract's maximum), one request after another as a partner's feed.
 *
 * The figure of each is compared with the same figure at the smallest size
 * in the same run (the "ceiling"); the budget (DESIGN.md, "Growth") is the
 * largest size within 1.5× of the smallest. `ledger:verify` is judged by
 * its time per million ledger entries, largest against smallest.
 *
 * `BENCH_GROWTH_KEEP=1` keeps the databases (growth_bench_<size>) for
 * profiling; otherwise each is dropped when its size is done.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { hashToken, newToken } from '../../server/accounts/auth.ts';
import { detectionHealth } from '../../server/catalog/detection-health.ts';
import { openPostgres, type Db } from '../../server/db/index.ts';
import { migrate } from '../../server/db/migrate.ts';
import { createApp } from '../../server/index.ts';
import { listClaims } from '../../server/operator/claims.ts';
import { showMember } from '../../server/operator/members.ts';
import { parseOverviewPeriod, programmeOverview, type OverviewPeriod } from '../../server/operator/overview.ts';
import { parseEnv } from '../../server/platform/env.ts';
import { listHeldReferrals } from '../../server/programme/referrals.ts';
import { listReviewQueue } from '../../server/purchases/fraud.ts';
import { signConfirmation } from '../../server/routes/partner-api.ts';
import type { FromLoadgen, Job, LoadStats } from '../ingest/protocol.ts';
import { listen } from '../ingest/stack.ts';
import { POSTGRES_URL } from '../lib/postgres.ts';
import type { Measured } from '../lib/types.ts';
import { fillDatabase, type FillReport, memberEmail } from './fill.ts';
import { growthLines, type SizeFigures } from './lines.ts';
import { type GrowthSize, sizesFrom } from './sizes.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const ADMIN_TOKEN = `bench-admin-${randomBytes(12).toString('hex')}`;
export const PARTNER_ID = 'bench-shop';
const PARTNER_SECRET = `growth-secret-${randomBytes(8).toString('hex')}`;
const PARTNERS = 20;
const CURRENCY = 'EUR';
const LOAD_MEMBERS = 100;
const SYNC_MEMBERS = 40;
const SYNC_RATE = Number(process.env.BENCH_GROWTH_SYNC_RATE ?? 200);
/** DESIGN.md's rate; `BENCH_GROWTH_SINGLE_RATE` lowers it on a machine that cannot sustain it (the notes say which rate was used). */
const SINGLE_RATE = Number(process.env.BENCH_GROWTH_SINGLE_RATE ?? 500);
const CLIENTS = 8;
const BATCH = 100;
const MAX_SOCKETS = 64;
const CONFIRMATIONS = 10_000;
const CONFIRMATIONS_PER_REQUEST = 1_000;
const OPERATOR_RUNS = 15;
const OPERATOR_WARMUPS = 2;
const QUICK = process.env.BENCH_QUICK === '1';
const scale = (ms: number) => (QUICK ? Math.round(ms / 5) : ms);
const durations = { syncMs: scale(8_000), singleMs: scale(10_000), batchMs: scale(12_000) };
const QUIET_MS = QUICK ? 1_000 : 5_000;
const KEEP = process.env.BENCH_GROWTH_KEEP === '1' || process.env.BENCH_GROWTH_REUSE === '1';
/** Measure again on a database a kept run filled (after a migration, say), instead of filling it anew. */
const REUSE = process.env.BENCH_GROWTH_REUSE === '1';

const t0 = Date.now();
const progress = (what: string) => process.stderr.write(`  growth +${((Date.now() - t0) / 1000).toFixed(0)} s: ${what}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function databaseUrl(name: string): string {
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function databaseExists(name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    return (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1;
  } finally {
    await client.end();
  }
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

class Loadgen {
  private readonly child: ChildProcess = fork(join(HERE, '..', 'ingest', 'loadgen.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });

  run(job: Job): Promise<LoadStats> {
    progress(job.label);
    return new Promise((resolve, reject) => {
      this.child.once('message', (m: FromLoadgen) => ('stats' in m ? resolve(m.stats) : reject(new Error(m.error))));
      this.child.send({ job });
    });
  }

  stop(): void {
    this.child.send({ stop: true });
  }
}

async function call(base: string, method: string, path: string, token: string | undefined, body: unknown): Promise<unknown> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${await res.text()}`);
  return res.json();
}

const partnerIds = Array.from({ length: PARTNERS }, (_, k) => (k === 0 ? PARTNER_ID : `growth-p${String(k).padStart(2, '0')}`));

/** The catalogue through the operator API, as an operator would set it up; the first partner's secret is known, to sign its reports. */
async function addPartners(base: string): Promise<void> {
  for (const id of partnerIds) {
    await call(base, 'PUT', `/v1/admin/partners/${id}`, ADMIN_TOKEN, {
      id,
      name: id,
      domains: [`${id}.example`],
      category: 'fashion',
      earn: { points: 1, per: 2 },
      currency: CURRENCY,
      holdDays: 30,
      autoConfirm: false,
      secret: id === PARTNER_ID ? PARTNER_SECRET : `secret-${randomBytes(12).toString('hex')}`,
    });
  }
}

/** Members spread evenly over the filled ones, `offset` (0–1) of a step apart from another sample. */
function sampleMembers(members: number, count: number, offset: number): number[] {
  const n = Math.min(count, members);
  const step = members / n;
  return Array.from({ length: n }, (_, j) => Math.min(members - 1, Math.floor((j + offset) * step)));
}

/** Device tokens for filled members, written as sign-in writes them (tokens are stored as their hash). */
async function tokensFor(db: Db, memberIndexes: readonly number[]): Promise<string[]> {
  const tokens = memberIndexes.map(() => newToken());
  await db.query(
    `INSERT INTO tokens (token_hash, member_id, device, created_at, last_used_at)
     SELECT t.hash, md5('growth-member-' || t.m::text)::uuid, 'growth-bench', now(), now() FROM unnest($1::text[], $2::int[]) AS t(hash, m)`,
    [tokens.map(hashToken), memberIndexes],
  );
  return tokens;
}

interface LedgerVerifyRun {
  seconds: number;
  exitCode: number;
  output: string;
}

/** `npm run ledger:verify` as the operator runs it (the CLI, its own process), against this size's database. */
function ledgerVerify(url: string): Promise<LedgerVerifyRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    // The primary alone: a replica configured in the environment would not hold the bench's database.
    const { DATABASE_READ_URL: _replica, ...env } = process.env;
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'server', 'cli', 'ledger-verify.ts')], {
      cwd: ROOT,
      env: { ...env, DATABASE_URL: url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ seconds: (performance.now() - started) / 1000, exitCode: code ?? -1, output: output.trim() }));
  });
}

/** Process start-up, tsx and the migration check: what `ledgerVerify` costs with nothing to verify. */
async function ledgerVerifyStartup(): Promise<number> {
  const name = `growth_bench_empty_${process.pid}`;
  await adminQuery(`DROP DATABASE IF EXISTS ${name}`);
  await adminQuery(`CREATE DATABASE ${name}`);
  try {
    const url = databaseUrl(name);
    const db = await openPostgres(url, { max: 1 });
    await migrate(db);
    await db.close();
    const runs = [await ledgerVerify(url), await ledgerVerify(url)];
    return Math.min(...runs.map((r) => r.seconds));
  } finally {
    await adminQuery(`DROP DATABASE IF EXISTS ${name}`);
  }
}

function overviewPeriod(query: { from?: string; to?: string }, now: Date): OverviewPeriod {
  const period = parseOverviewPeriod(query, now);
  if (typeof period === 'string') throw new Error(period);
  return period;
}

interface OperatorRead {
  name: string;
  run: () => Promise<unknown>;
}

async function timeOperatorReads(reads: readonly OperatorRead[]): Promise<Record<string, number[]>> {
  const times: Record<string, number[]> = {};
  for (const read of reads) {
    for (let i = 0; i < OPERATOR_WARMUPS; i++) await read.run();
    const samples: number[] = [];
    for (let i = 0; i < OPERATOR_RUNS; i++) {
      const t = performance.now();
      await read.run();
      samples.push(performance.now() - t);
    }
    times[read.name] = samples;
  }
  return times;
}

interface ConfirmationRun {
  seconds: number;
  orders: number;
  requestMs: number[];
  statuses: Record<string, number>;
}

/** A partner's confirmation feed of 10,000 orders: signed requests of 1,000, one after another. */
async function confirmOrders(base: string, orderIds: readonly string[]): Promise<ConfirmationRun> {
  const statuses: Record<string, number> = {};
  const requestMs: number[] = [];
  const started = performance.now();
  for (let from = 0; from < orderIds.length; from += CONFIRMATIONS_PER_REQUEST) {
    const orders = orderIds.slice(from, from + CONFIRMATIONS_PER_REQUEST).map((orderId) => ({ orderId, status: 'confirmed' as const }));
    const body = JSON.stringify({ orders });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const t = performance.now();
    const res = await fetch(`${base}/v1/partner-api/confirmations`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-Sammelpunkt-Partner': PARTNER_ID,
        'X-Sammelpunkt-Timestamp': timestamp,
        'X-Sammelpunkt-Signature': signConfirmation(PARTNER_SECRET, timestamp, body),
      },
      body,
    });
    const text = await res.text();
    requestMs.push(performance.now() - t);
    if (res.status !== 200) throw new Error(`partner confirmations answered ${res.status}: ${text.slice(0, 300)}`);
    for (const r of (JSON.parse(text) as { results: { status: string }[] }).results) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
  }
  return { seconds: (performance.now() - started) / 1000, orders: orderIds.length, requestMs, statuses };
}

const purchasesPayload = (batchSize: number) => ({ kind: 'purchases' as const, batchSize, partnerId: PARTNER_ID, currency: CURRENCY });

async function measureSize(loadgen: Loadgen, size: GrowthSize, verifyStartupSeconds: number): Promise<SizeFigures> {
  const name = `growth_bench_${size.label}`;
  const url = databaseUrl(name);
  progress(`${size.label}: database ${name}`);
  const reused = REUSE && (await databaseExists(name));
  if (!reused) {
    await adminQuery(`DROP DATABASE IF EXISTS ${name}`);
    await adminQuery(`CREATE DATABASE ${name}`);
  }
  let db: Db | undefined;
  let server: Awaited<ReturnType<typeof listen>> | undefined;
  try {
    db = await openPostgres(url);
    await migrate(db);
    const apiDb = db;
    const app = createApp({ db: apiDb, env: parseEnv({ ADMIN_TOKEN, LOG_LEVEL: 'silent' }), now: () => new Date(), log: () => {} });
    server = await listen(app.fetch);
    const base = server.base;
    if (!reused) await addPartners(base);
    // One real registration gives the password hash every filled member gets (registration runs scrypt: ten million would take days).
    await call(base, 'POST', '/v1/auth/register', undefined, { email: `growth-${randomBytes(4).toString('hex')}@example.test`, password: 'growth bench correct horse' });
    const [hash] = await apiDb.query<{ password_hash: string }>('SELECT password_hash FROM members LIMIT 1');

    progress(`${size.label}: ${reused ? 'reusing the kept' : 'filling'} ${size.purchases} purchases over ${size.members} members`);
    const fillDb = await openPostgres(url, { max: 1 });
    let fill: FillReport;
    try {
      fill = reused ? { seconds: 0, indexSeconds: 0, vacuumSeconds: 0, ledgerEntries: 0, claims: 0, reused: true } : await fillDatabase(fillDb, {
        purchases: size.purchases,
        members: size.members,
        partnerIds,
        passwordHash: hash!.password_hash,
        now: new Date(),
        progress: (what) => progress(`${size.label} fill: ${what}`),
      });
    } finally {
      await fillDb.close();
    }
    const [sizes] = await apiDb.query<{ database: number; purchases: number; ledger: number; entries: number; purchase_rows: number; members: number }>(
      `SELECT pg_database_size(current_database()) AS database, pg_total_relation_size('purchases') AS purchases,
              pg_total_relation_size('ledger_entries') AS ledger, (SELECT count(*) FROM ledger_entries) AS entries,
              (SELECT count(*) FROM purchases) AS purchase_rows, (SELECT count(*) FROM members) AS members`,
    );

    progress(`${size.label}: ledger:verify`);
    const verify = await ledgerVerify(url);
    progress(`${size.label}: ledger:verify ${verify.exitCode === 0 ? 'ok' : 'FAILED'} in ${verify.seconds.toFixed(1)} s`);

    const loadTokens = await tokensFor(apiDb, sampleMembers(size.members, LOAD_MEMBERS, 0));
    const syncTokens = await tokensFor(apiDb, sampleMembers(size.members, SYNC_MEMBERS, 0.5));
    // The first requests of each member token warm the API's caches (catalogue, prepared statements), as in a running service.
    await loadgen.run({ label: `${size.label} warm-up`, url: `${base}/v1/me/sync?cursor=0`, method: 'GET', tokens: syncTokens, payload: { kind: 'none' }, shape: { kind: 'open', ratePerSec: 50, durationMs: 2000 }, maxSockets: MAX_SOCKETS });
    await sleep(QUIET_MS);

    const sync = await loadgen.run({
      label: `${size.label} sync`,
      url: `${base}/v1/me/sync?cursor=0`,
      method: 'GET',
      tokens: syncTokens,
      payload: { kind: 'none' },
      shape: { kind: 'open', ratePerSec: SYNC_RATE, durationMs: durations.syncMs },
      maxSockets: MAX_SOCKETS,
    });
    const syncLoad = loadavg()[0]!;
    await sleep(QUIET_MS);

    progress(`${size.label}: operator reads`);
    const now = new Date();
    const operator = await timeOperatorReads([
      { name: 'reviewQueue', run: () => listReviewQueue(apiDb, { limit: 100 }) },
      { name: 'reviewQueuePartner', run: () => listReviewQueue(apiDb, { limit: 100, partnerId: partnerIds[1]! }) },
      { name: 'openClaims', run: () => listClaims(apiDb, { status: 'open' }) },
      { name: 'heldReferrals', run: () => listHeldReferrals(apiDb) },
      { name: 'detectionHealth', run: () => detectionHealth(apiDb, { now, days: 14 }) },
      { name: 'memberShow', run: () => showMember(apiDb, memberEmail(Math.floor(size.members / 3))) },
      { name: 'overview30Days', run: () => programmeOverview(apiDb, overviewPeriod({}, now)) },
      { name: 'overviewYear', run: () => programmeOverview(apiDb, overviewPeriod({ from: new Date(now.getTime() - 365 * 86_400_000).toISOString().slice(0, 10), to: now.toISOString().slice(0, 10) }, now)) },
    ]);
    const queueLengths = (await apiDb.query<{ held: number; open_claims: number }>(
      `SELECT (SELECT count(*) FROM purchases WHERE review = 'held' AND status = 'pending') AS held, (SELECT count(*) FROM claims WHERE status = 'open') AS open_claims`,
    ))[0]!;
    await sleep(QUIET_MS);

    const phaseStart = new Date();
    const common = { tokens: loadTokens, maxSockets: MAX_SOCKETS, url: `${base}/v1/purchases`, method: 'POST' as const };
    const single = await loadgen.run({ ...common, label: `${size.label} single`, payload: purchasesPayload(1), shape: { kind: 'open', ratePerSec: SINGLE_RATE, durationMs: durations.singleMs } });
    const singleLoad = loadavg()[0]!;
    await sleep(QUIET_MS);
    const batch = await loadgen.run({ ...common, label: `${size.label} batch`, payload: purchasesPayload(BATCH), shape: { kind: 'closed', concurrency: CLIENTS, durationMs: durations.batchMs } });
    await sleep(QUIET_MS);

    progress(`${size.label}: partner confirmations`);
    const orderIds = (
      await apiDb.query<{ order_id: string }>(
        `SELECT order_id FROM purchases WHERE partner_id = $1 AND status = 'pending' AND created_at >= $2 AND duplicate_of IS NULL ORDER BY random() LIMIT $3`,
        [PARTNER_ID, phaseStart.toISOString(), CONFIRMATIONS],
      )
    ).map((r) => r.order_id);
    const confirmations = await confirmOrders(base, orderIds);

    return {
      size,
      fill,
      bytes: { database: sizes!.database, purchases: sizes!.purchases, ledger: sizes!.ledger },
      rows: { purchases: sizes!.purchase_rows, ledgerEntries: sizes!.entries, members: sizes!.members },
      verify: { ...verify, startupSeconds: verifyStartupSeconds },
      sync,
      single,
      batch,
      operator,
      queueLengths: { heldPurchases: queueLengths.held, openClaims: queueLengths.open_claims },
      confirmations,
      loadAverage: { sync: syncLoad, single: singleLoad },
    };
  } finally {
    progress(`${size.label}: closing${KEEP ? ` (database ${name} kept)` : ''}`);
    await server?.close();
    await db?.close();
    if (!KEEP) await adminQuery(`DROP DATABASE IF EXISTS ${name}`);
  }
}

export async function run(): Promise<Measured[]> {
  const sizes = sizesFrom(process.argv.slice(2), process.env);
  progress(`sizes ${sizes.map((s) => `${s.label} (${s.members} members)`).join(', ')}; ${cpus().length} cores`);
  const loadgen = new Loadgen();
  try {
    const startup = await ledgerVerifyStartup();
    const measured: SizeFigures[] = [];
    for (const size of sizes) measured.push(await measureSize(loadgen, size, startup));
    // The machine is shared: the smallest size once more, right after the largest, so the ratio can be formed from two measurements taken close together.
    const again = sizes.length > 1 && process.env.BENCH_GROWTH_BRACKET !== '0' ? await measureSize(loadgen, sizes[0]!, startup) : undefined;
    const lines = growthLines(measured, again, { syncRate: SYNC_RATE, singleRate: SINGLE_RATE, clients: CLIENTS, batch: BATCH, durations, operatorRuns: OPERATOR_RUNS });
    if (QUICK) for (const l of lines) l.notes.push('BENCH_QUICK=1: load phases shortened 5×, a smoke test, not a measurement');
    return lines;
  } finally {
    loadgen.stop();
  }
}
