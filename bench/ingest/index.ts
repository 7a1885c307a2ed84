/**
 * `ingest`: the sync API over real HTTP on PostgreSQL (the budgets' backend)
 * and on PGlite (labelled, no budget), with the load generator in a forked
 * child process. Three load shapes, each also run against the bare Hono
 * route in the same run, and the batch shape against raw INSERTs:
 *
 *  batch  — closed loop, CLIENTS concurrent clients, 100 purchases per request;
 *  single — open loop, one purchase per request at 500 requests/s;
 *  sync   — open loop, GET /v1/me/sync at SYNC_RATE requests/s.
 *
 * BENCH_QUICK=1 shortens every phase (a smoke test of the benchmark itself).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { POSTGRES_URL } from '../lib/postgres.ts';
import { watchPhase, type PhaseSeen } from '../lib/phase-watch.ts';
import { result } from '../lib/result.ts';
import { median, percentile } from '../lib/stats.ts';
import type { Figures, Measured } from '../lib/types.ts';
import type { FromLoadgen, Job, LoadStats } from './protocol.ts';
import { rawInsertCeiling } from './raw-insert.ts';
import { addPartner, CURRENCY, PARTNER_ID, registerMembers, seedPurchases } from './setup.ts';
import { startApi, startBare, type ApiStack, type Backend, type Served } from './stack.ts';

const QUICK = process.env.BENCH_QUICK === '1';
const scale = (ms: number) => (QUICK ? Math.round(ms / 5) : ms);
const CLIENTS = 8;
const BATCH = 100;
const SINGLE_RATE = 500;
const SYNC_RATE = 200;
const LOAD_MEMBERS = 100;
const SYNC_MEMBERS = 40;
const SYNC_PURCHASES_PER_MEMBER = 5;
const MAX_SOCKETS = 64;
const durations = { batchMs: scale(12_000), singleMs: scale(10_000), syncMs: scale(8_000), rawMs: scale(10_000) };

const t0 = Date.now();
/** Progress on stderr: a phase that hangs is visible while the run is still going. */
const progress = (what: string) => process.stderr.write(`  ingest +${((Date.now() - t0) / 1000).toFixed(0)} s: ${what}\n`);

class Loadgen {
  private readonly child: ChildProcess = fork(new URL('./loadgen.ts', import.meta.url).pathname, [], {
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

  get pid(): number {
    return this.child.pid ?? 0;
  }

  stop(): void {
    this.child.send({ stop: true });
  }
}

interface Watched {
  stats: LoadStats;
  seen: PhaseSeen;
}

/** A phase with the watch of phase-watch.ts around it, so a tail can be laid beside what the API, PostgreSQL and the machine did. */
async function runWatched(loadgen: Loadgen, stack: ApiStack, job: Job): Promise<Watched> {
  const postgres = stack.backend === 'postgres' && stack.schema ? { db: stack.db, schema: stack.schema, url: POSTGRES_URL } : undefined;
  const watch = await watchPhase({ otherPids: [loadgen.pid], ...(postgres ? { postgres } : {}) });
  const stats = await loadgen.run(job);
  return { stats, seen: await watch.stop() };
}

/** The slowest requests of a phase, each with what the watch saw while it waited, and when in the phase the requests over `overMs` came. */
function slowestNote(w: Watched, overMs: number, count = 5): string {
  const { latencyMs, startEpochMs } = w.stats;
  const phaseStart = startEpochMs.reduce((a, b) => Math.min(a, b), Infinity);
  const slowest = latencyMs.map((_, i) => i).sort((a, b) => latencyMs[b]! - latencyMs[a]!).slice(0, count);
  const items = slowest.map((i) => {
    const from = startEpochMs[i]!;
    const took = latencyMs[i]!;
    const generatorBlocked = w.stats.loopBlocked.filter((b) => b.atEpochMs >= from && b.atEpochMs - b.ms <= from + took).reduce((m, b) => Math.max(m, b.ms), 0);
    return `${took.toFixed(1)} ms at +${((from - phaseStart) / 1000).toFixed(2)} s (load generator blocked ≤ ${generatorBlocked} ms, ${w.seen.during(from, from + took)})`;
  });
  const bySecond: Record<string, number> = {};
  latencyMs.forEach((took, i) => {
    if (took <= overMs) return;
    const second = `+${Math.floor((startEpochMs[i]! - phaseStart) / 1000)} s`;
    bySecond[second] = (bySecond[second] ?? 0) + 1;
  });
  const over = Object.values(bySecond).reduce((a, b) => a + b, 0);
  const when = over ? `, by the second of the phase they were scheduled in: ${JSON.stringify(bySecond)}` : '';
  return `${w.stats.label}: ${over} of ${latencyMs.length} requests over ${overMs} ms${when}; the ${count} slowest: ${items.join('; ')}`;
}

/** Between phases: requests a saturated phase left in the server finish before the next phase starts. */
const QUIET_MS = 5000;
const quiet = () => new Promise((resolve) => setTimeout(resolve, QUICK ? 1000 : QUIET_MS));

const purchasesPayload = (batchSize: number) => ({ kind: 'purchases' as const, batchSize, partnerId: PARTNER_ID, currency: CURRENCY });
const batchShape = () => ({ kind: 'closed' as const, concurrency: CLIENTS, durationMs: durations.batchMs });
const singleShape = () => ({ kind: 'open' as const, ratePerSec: SINGLE_RATE, durationMs: durations.singleMs });
const syncShape = () => ({ kind: 'open' as const, ratePerSec: SYNC_RATE, durationMs: durations.syncMs });

function latencyFigures(s: LoadStats): Figures {
  return {
    latencyMsP99: percentile(s.latencyMs, 99),
    latencyMsP50: median(s.latencyMs),
    latencyMsMax: s.latencyMs.reduce((a, b) => Math.max(a, b), 0),
    requests: s.requests,
    non2xx: s.requests - s.ok - s.failed,
    failed: s.failed,
  };
}

function openLoopFigures(s: LoadStats, rate: number): Figures {
  return {
    ...latencyFigures(s),
    targetRps: rate,
    achievedRps: s.ok / (s.elapsedMs / 1000),
    sendLagMsP99: percentile(s.sendLagMs, 99),
    generatorLoopBlockedMsMax: s.loopBlocked.reduce((m, b) => Math.max(m, b.ms), 0),
  };
}

function statusNote(s: LoadStats): string {
  const items = Object.keys(s.itemStatuses).length ? `; items ${JSON.stringify(s.itemStatuses)}` : '';
  return `${s.label}: HTTP statuses ${JSON.stringify(s.statusCounts)}, failed ${s.failed}${items}`;
}

interface BareCeilings {
  batch: LoadStats;
  single: LoadStats;
  sync: LoadStats;
}

async function measureBare(loadgen: Loadgen, bare: Served): Promise<BareCeilings> {
  const common = { tokens: ['bare'], maxSockets: MAX_SOCKETS };
  return {
    batch: await loadgen.run({ ...common, label: 'bare batch', url: `${bare.base}/bare/purchases`, method: 'POST', payload: purchasesPayload(BATCH), shape: batchShape() }),
    single: await loadgen.run({ ...common, label: 'bare single', url: `${bare.base}/bare/purchases`, method: 'POST', payload: purchasesPayload(1), shape: singleShape() }),
    sync: await loadgen.run({ ...common, label: 'bare sync', url: `${bare.base}/bare/sync`, method: 'GET', payload: { kind: 'none' }, shape: syncShape() }),
  };
}

async function measureBackend(loadgen: Loadgen, backend: Backend, bare: BareCeilings): Promise<Measured[]> {
  progress(`${backend}: starting`);
  const stack = await startApi(backend);
  try {
    await addPartner(stack);
    progress(`${backend}: registering members`);
    const members = await registerMembers(stack, LOAD_MEMBERS, 'load');
    const syncMembers = await registerMembers(stack, SYNC_MEMBERS, 'sync');
    await seedPurchases(stack, syncMembers.map((m) => m.token), SYNC_PURCHASES_PER_MEMBER);
    const tokens = members.map((m) => m.token);
    const common = { tokens, maxSockets: MAX_SOCKETS };
    const url = `${stack.base}/v1/purchases`;

    const batch = await loadgen.run({ ...common, label: `${backend} batch`, url, method: 'POST', payload: purchasesPayload(BATCH), shape: batchShape() });
    await quiet();
    const single = await runWatched(loadgen, stack, { ...common, label: `${backend} single`, url, method: 'POST', payload: purchasesPayload(1), shape: singleShape() });
    await quiet();
    const sync = await runWatched(loadgen, stack, {
      tokens: syncMembers.map((m) => m.token),
      maxSockets: MAX_SOCKETS,
      label: `${backend} sync`,
      url: `${stack.base}/v1/me/sync?cursor=0`,
      method: 'GET',
      payload: { kind: 'none' },
      shape: syncShape(),
    });
    await quiet();
    // Last, so its rows (many more than the API books) do not grow the table the API phases work on.
    progress(`${backend} raw INSERT ceiling`);
    const raw = await rawInsertCeiling(stack, members.map((m) => m.memberId), { concurrency: CLIENTS, batchSize: BATCH, durationMs: durations.rawMs });
    const rows = await stack.db.query<{ n: number }>('SELECT count(*)::bigint AS n FROM purchases');
    return lines(backend, { batch, raw, single, sync, bare, purchaseRows: rows[0]?.n ?? 0 });
  } finally {
    progress(`${backend}: closing`);
    await stack.close();
  }
}

interface Phases {
  batch: LoadStats;
  raw: { purchasesPerSec: number; statements: number };
  single: Watched;
  sync: Watched;
  bare: BareCeilings;
  purchaseRows: number;
}

const WATCH_NOTE =
  'watched during the phase (bench/lib/phase-watch.ts): the API process\'s event-loop delay and GC pauses, the load generator\'s own loop, the whole host\'s CPU and steal (otherProcessesCpuPct: neither the bench\'s processes nor PostgreSQL\'s), what PostgreSQL\'s backends wait on, checkpoints and autovacuum runs on the bench schema';

function lines(backend: Backend, p: Phases): Measured[] {
  const onPostgres = backend === 'postgres';
  const label = onPostgres ? 'PostgreSQL 15' : 'PGlite (embedded, one connection; no budget: the budgets are for PostgreSQL)';
  const accepted = p.batch.itemStatuses.accepted ?? 0;
  const budget = <T extends { text: string; limit: number; direction: 'atMost' | 'atLeast'; figure: string }>(b: T) => (onPostgres ? b : undefined);
  return [
    result({
      name: `ingest.${backend}.batch`,
      figures: {
        purchasesPerSec: accepted / (p.batch.elapsedMs / 1000),
        requestsPerSec: p.batch.ok / (p.batch.elapsedMs / 1000),
        clients: CLIENTS,
        batchSize: BATCH,
        ...latencyFigures(p.batch),
      },
      ceiling: {
        name: `raw INSERT of 100 rows per statement (${CLIENTS} connections); bare Hono POST with the same bodies and clients`,
        figures: {
          rawInsertPurchasesPerSec: p.raw.purchasesPerSec,
          bareRoutePurchasesPerSec: ((p.bare.batch.itemStatuses.accepted ?? 0) / p.bare.batch.elapsedMs) * 1000,
          bareRouteLatencyMsP99: percentile(p.bare.batch.latencyMs, 99),
        },
      },
      compare: { figure: 'purchasesPerSec', ceilingFigure: 'rawInsertPurchasesPerSec', lowerIsBetter: false },
      budget: budget({ text: '≥ 5,000 purchases/s in batches of 100', limit: 5000, direction: 'atLeast', figure: 'purchasesPerSec' }),
      notes: [
        label,
        `closed loop: ${CLIENTS} clients × ${BATCH} fresh purchases per request for ${durations.batchMs / 1000} s, round robin over ${LOAD_MEMBERS} members; purchasesPerSec counts items answered "accepted"`,
        statusNote(p.batch),
        `purchase rows in the database after all phases: ${p.purchaseRows} (seed + batch + single, then the raw ceiling, which runs last)`,
        `phases run one after another with ${QUIET_MS / 1000} s of quiet between them, in this order: batch, single, sync, raw INSERT ceiling`,
      ],
    }),
    result({
      name: `ingest.${backend}.single`,
      figures: { ...openLoopFigures(p.single.stats, SINGLE_RATE), ...p.single.seen.figures },
      ceiling: { name: 'bare Hono POST, same open-loop schedule', figures: openLoopFigures(p.bare.single, SINGLE_RATE) },
      compare: { figure: 'latencyMsP99', ceilingFigure: 'latencyMsP99', lowerIsBetter: true },
      budget: budget({ text: 'single-purchase p99 ≤ 50 ms at 500 requests/s', limit: 50, direction: 'atMost', figure: 'latencyMsP99' }),
      notes: [
        label,
        `open loop: ${SINGLE_RATE} requests/s for ${durations.singleMs / 1000} s, one purchase each, at most ${MAX_SOCKETS} connections, latency from the scheduled send time (a stall is counted in full); requests still unanswered 15 s after the last send count as failed with their wait so far as latency (a lower bound); sendLagMsP99 is how late the generator itself was`,
        statusNote(p.single.stats),
        WATCH_NOTE,
        slowestNote(p.single, 50),
      ],
    }),
    result({
      name: `ingest.${backend}.sync`,
      figures: { ...openLoopFigures(p.sync.stats, SYNC_RATE), ...p.sync.seen.figures },
      ceiling: { name: 'bare Hono GET returning a sync-shaped JSON, same schedule', figures: openLoopFigures(p.bare.sync, SYNC_RATE) },
      compare: { figure: 'latencyMsP99', ceilingFigure: 'latencyMsP99', lowerIsBetter: true },
      budget: budget({ text: 'GET /v1/me/sync p99 ≤ 20 ms', limit: 20, direction: 'atMost', figure: 'latencyMsP99' }),
      notes: [
        label,
        `open loop: ${SYNC_RATE} requests/s for ${durations.syncMs / 1000} s over ${SYNC_MEMBERS} members with ${SYNC_PURCHASES_PER_MEMBER} purchases each, cursor=0 (balance, 5 purchases, catalogue and offers versions)`,
        statusNote(p.sync.stats),
        WATCH_NOTE,
        slowestNote(p.sync, 20),
      ],
    }),
  ];
}

export async function run(): Promise<Measured[]> {
  const loadgen = new Loadgen();
  const bare = await startBare();
  try {
    const ceilings = await measureBare(loadgen, bare);
    const measured: Measured[] = [];
    for (const backend of ['postgres', 'pglite'] as const) measured.push(...(await measureBackend(loadgen, backend, ceilings)));
    if (QUICK) for (const m of measured) m.notes.push('BENCH_QUICK=1: phases shortened 5×, a smoke test, not a measurement');
    return measured;
  } finally {
    loadgen.stop();
    await bare.close();
  }
}
