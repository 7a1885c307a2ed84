/**
 * What else happened while a load phase ran, so that a latency tail can be
 * laid at the right door: the API's event loop and its GC pauses (this
 * process serves the API), PostgreSQL's checkpoints and autovacuum, and the
 * rest of the machine (Linux /proc: the whole host's CPU, and how much of it
 * went to processes that are neither the bench's nor PostgreSQL's).
 *
 * Cheap by design, as it runs beside the measurement: one read of /proc/stat
 * and (on PostgreSQL, over a connection of its own) one look at
 * pg_stat_activity every SAMPLE_MS, Node's event-loop histogram, a GC
 * observer, and a scan of /proc/<pid>/stat only at the start and the end.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import pg from 'pg';
import type { Queryable } from '../../server/db/index.ts';
import { everyTick } from './lateness.ts';

const SAMPLE_MS = 50;
/** Node's histogram counts from one timer tick to the next, so its figures include this; it is taken off. */
const LOOP_RESOLUTION_MS = 10;

interface HostTicks {
  busy: number;
  steal: number;
  total: number;
}

/** The first line of /proc/stat: every CPU together, in clock ticks. */
function hostTicks(): HostTicks | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
    const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
    const busy = user! + nice! + system! + irq! + softirq!;
    return { busy, steal: steal ?? 0, total: busy + idle! + iowait! + (steal ?? 0) };
  } catch {
    return undefined;
  }
}

interface ProcessTicks {
  /** pid → CPU ticks used so far, for our own processes and every PostgreSQL process (backends, checkpointer, WAL writer). */
  ours: Map<number, number>;
  postgres: Map<number, number>;
}

function processTicks(ourPids: ReadonlySet<number>): ProcessTicks {
  const ticks: ProcessTicks = { ours: new Map(), postgres: new Map() };
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return ticks;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited while we looked
    }
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    // After the command: state is field 3, utime and stime are fields 14 and 15.
    const fields = stat.slice(close + 2).split(' ');
    const used = Number(fields[11]) + Number(fields[12]);
    if (ourPids.has(Number(entry))) ticks.ours.set(Number(entry), used);
    else if (comm.startsWith('postgres')) ticks.postgres.set(Number(entry), used);
  }
  return ticks;
}

/**
 * Ticks used between two scans by the processes alive at the second: one
 * that exited meanwhile (a pooled connection closed when idle) loses its
 * last ticks, never goes negative; one that started counts whole.
 */
function usedBetween(before: ReadonlyMap<number, number>, after: ReadonlyMap<number, number>): number {
  let used = 0;
  for (const [pid, ticks] of after) used += ticks - Math.min(ticks, before.get(pid) ?? 0);
  return used;
}

interface Sample {
  atEpochMs: number;
  /** How late this sample's timer fired: the API's event loop was blocked that long. */
  lateMs: number;
  /** Share of the whole machine busy since the previous sample, 0–100. */
  hostBusyPct: number;
  /** Share of the machine's time the hypervisor gave to other guests since the previous sample. */
  hostStealPct: number;
}

export interface PhaseSeen {
  figures: {
    apiLoopDelayMsP99: number;
    apiLoopDelayMsMax: number;
    apiGcPauseMsMax: number;
    apiGcPauseMsTotal: number;
    hostBusyPct: number;
    hostStealPct: number;
    /** CPU of processes that are neither ours nor PostgreSQL's, as a share of the machine. */
    otherProcessesCpuPct: number;
    postgresCpuPct: number;
    checkpoints?: number;
    autovacuumRuns?: number;
  };
  /** For one interval (a slow request): what the loop, the GC and the host did meanwhile. */
  during(fromEpochMs: number, toEpochMs: number): string;
}

interface PgCounters {
  checkpoints: number;
  atEpochMs: number;
}

async function pgCheckpoints(db: Queryable): Promise<PgCounters> {
  const rows = await db.query<{ n: string | number }>('SELECT (checkpoints_timed + checkpoints_req)::bigint AS n FROM pg_stat_bgwriter');
  return { checkpoints: Number(rows[0]?.n ?? 0), atEpochMs: Date.now() };
}

async function pgAutovacuumRuns(db: Queryable, schema: string, fromEpochMs: number): Promise<number> {
  const rows = await db.query<{ n: string | number }>(
    `SELECT count(*)::bigint AS n FROM pg_stat_user_tables
      WHERE schemaname = $1 AND (last_autovacuum >= to_timestamp($2 / 1000.0) OR last_autoanalyze >= to_timestamp($2 / 1000.0))`,
    [schema, fromEpochMs],
  );
  return Number(rows[0]?.n ?? 0);
}

interface PgSample {
  atEpochMs: number;
  /** Client backends running a statement. */
  active: number;
  /** What the active ones were waiting on (`IO:WALSync`, `Lock:transactionid`, …), by count; none means on CPU. */
  waits: Record<string, number>;
}

const ACTIVITY = `SELECT coalesce(wait_event_type || ':' || wait_event, 'cpu') AS wait, count(*)::int AS n
  FROM pg_stat_activity
 WHERE backend_type = 'client backend' AND state = 'active' AND pid <> pg_backend_pid() AND datname = current_database()
 GROUP BY 1`;

/**
 * Looks at pg_stat_activity every SAMPLE_MS over its own connection, never
 * two looks at once. A look that fails ends the looking (the samples so far
 * stay); it must not fail the phase it only watches.
 */
async function sampleActivity(url: string): Promise<{ samples: PgSample[]; stop(): Promise<void> }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const samples: PgSample[] = [];
  let running = true;
  const looked = (async () => {
    while (running) {
      const started = Date.now();
      const answer = await client.query<{ wait: string; n: number }>(ACTIVITY).catch(() => undefined);
      if (!answer) return;
      const { rows } = answer;
      const waits: Record<string, number> = {};
      let active = 0;
      for (const r of rows) {
        active += r.n;
        if (r.wait !== 'cpu') waits[r.wait] = r.n;
      }
      samples.push({ atEpochMs: started, active, waits });
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + SAMPLE_MS - Date.now())));
    }
  })();
  return {
    samples,
    async stop() {
      running = false;
      await looked;
      await client.end().catch(() => {});
    },
  };
}

const ms = (ns: number) => Math.round(ns / 1e4) / 100;
const pct = (part: number, whole: number) => (whole > 0 ? Math.round((1000 * part) / whole) / 10 : 0);

export interface WatchOptions {
  /** Processes of the bench besides this one (the load generator). */
  otherPids: readonly number[];
  /** PostgreSQL, for checkpoints, autovacuum and what its backends wait on; absent on PGlite. */
  postgres?: { db: Queryable; schema: string; url: string };
}

export async function watchPhase(options: WatchOptions): Promise<{ stop(): Promise<PhaseSeen> }> {
  const ours = new Set([process.pid, ...options.otherPids]);
  const activity = options.postgres ? await sampleActivity(options.postgres.url) : undefined;
  const pgBefore = options.postgres ? await pgCheckpoints(options.postgres.db) : undefined;
  const startEpochMs = Date.now();
  const hostBefore = hostTicks();
  const procBefore = processTicks(ours);

  const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  loop.enable();
  const gcPauses: { atEpochMs: number; ms: number }[] = [];
  const gcObserver = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcPauses.push({ atEpochMs: performance.timeOrigin + e.startTime, ms: e.duration });
  });
  gcObserver.observe({ entryTypes: ['gc'] });

  const samples: Sample[] = [];
  let previous = hostBefore;
  const stopSampling = everyTick(SAMPLE_MS, (now, lateMs) => {
    const ticks = hostTicks();
    const span = ticks && previous ? ticks.total - previous.total : 0;
    samples.push({
      atEpochMs: now,
      lateMs,
      hostBusyPct: ticks && previous ? pct(ticks.busy - previous.busy, span) : 0,
      hostStealPct: ticks && previous ? pct(ticks.steal - previous.steal, span) : 0,
    });
    previous = ticks;
  });

  return {
    async stop(): Promise<PhaseSeen> {
      stopSampling();
      loop.disable();
      gcObserver.disconnect();
      await activity?.stop();
      const hostAfter = hostTicks();
      const procAfter = processTicks(ours);
      const postgres = options.postgres;
      const pg = postgres && pgBefore
        ? { checkpoints: (await pgCheckpoints(postgres.db)).checkpoints - pgBefore.checkpoints, autovacuumRuns: await pgAutovacuumRuns(postgres.db, postgres.schema, startEpochMs) }
        : undefined;

      const total = hostAfter && hostBefore ? hostAfter.total - hostBefore.total : 0;
      const busy = hostAfter && hostBefore ? hostAfter.busy - hostBefore.busy : 0;
      const oursUsed = usedBetween(procBefore.ours, procAfter.ours);
      const pgUsed = usedBetween(procBefore.postgres, procAfter.postgres);
      const figures: PhaseSeen['figures'] = {
        apiLoopDelayMsP99: Math.max(0, ms(loop.percentile(99)) - LOOP_RESOLUTION_MS),
        apiLoopDelayMsMax: Math.max(0, ms(loop.max) - LOOP_RESOLUTION_MS),
        apiGcPauseMsMax: Math.round(100 * gcPauses.reduce((m, g) => Math.max(m, g.ms), 0)) / 100,
        apiGcPauseMsTotal: Math.round(gcPauses.reduce((s, g) => s + g.ms, 0)),
        hostBusyPct: pct(busy, total),
        hostStealPct: hostAfter && hostBefore ? pct(hostAfter.steal - hostBefore.steal, total) : 0,
        otherProcessesCpuPct: pct(Math.max(0, busy - oursUsed - pgUsed), total),
        postgresCpuPct: pct(pgUsed, total),
        ...(pg ?? {}),
      };
      return {
        figures,
        during(fromEpochMs, toEpochMs) {
          // A sample covers the SAMPLE_MS before it; take every one that overlaps the interval.
          const overlapping = samples.filter((s) => s.atEpochMs >= fromEpochMs && s.atEpochMs - SAMPLE_MS <= toEpochMs);
          const gc = gcPauses.filter((g) => g.atEpochMs + g.ms >= fromEpochMs && g.atEpochMs <= toEpochMs).reduce((s, g) => s + g.ms, 0);
          const late = overlapping.reduce((m, s) => Math.max(m, s.lateMs), 0);
          const hostBusy = overlapping.reduce((m, s) => Math.max(m, s.hostBusyPct), 0);
          const steal = overlapping.reduce((m, s) => Math.max(m, s.hostStealPct), 0);
          const said = `API loop blocked ≤ ${late} ms, GC ${Math.round(gc)} ms, host busy ≤ ${hostBusy} %, steal ≤ ${steal} %`;
          if (!activity) return said;
          const looks = activity.samples.filter((s) => s.atEpochMs >= fromEpochMs && s.atEpochMs <= toEpochMs);
          const waits: Record<string, number> = {};
          for (const look of looks) for (const [wait, n] of Object.entries(look.waits)) waits[wait] = (waits[wait] ?? 0) + n;
          const top = Object.entries(waits).sort((a, b) => b[1] - a[1]).slice(0, 3).map(([w, n]) => `${w} ×${n}`);
          const active = looks.reduce((m, s) => Math.max(m, s.active), 0);
          return `${said}; PostgreSQL in ${looks.length} looks: ≤ ${active} active, waiting on ${top.length ? top.join(', ') : 'nothing'}`;
        },
      };
    },
  };
}
