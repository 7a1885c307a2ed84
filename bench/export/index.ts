/**
 * `export`: can one member's data exports starve everybody else? The whole
 * sync API over real HTTP, on PostgreSQL and on PGlite. One member holds
 * HEAVY_PURCHASES purchases (booked through the API, so each has its ledger
 * entry); another member's `GET /v1/me` is probed on a fixed schedule,
 * first alone (the quiet value), then while EXPORTERS clients ask for the
 * heavy member's export over and over. The figure is the loaded p99 as a
 * multiple of the quiet p99, measured in the same run (budget ≤ 3×,
 * issue 21 item 5).
 *
 * The daily export limit and the per-member request limit are raised for
 * the run: with the shipped limits the heavy member would be refused after
 * five exports, and the benchmark would measure the limits rather than
 * the exports.
 *
 * BENCH_QUICK=1 shortens the phases and the member (a smoke test).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { makePurchases, postPurchases, registerMember } from '../lib/members.ts';
import { result } from '../lib/result.ts';
import { median, percentile } from '../lib/stats.ts';
import type { Measured } from '../lib/types.ts';
import { addPartner, CURRENCY, PARTNER_ID } from '../ingest/setup.ts';
import { startApi, type Backend } from '../ingest/stack.ts';
import type { ExportJob, ExportStats, FromClients } from './clients.ts';

const QUICK = process.env.BENCH_QUICK === '1';
const HEAVY_PURCHASES = QUICK ? 2_000 : 20_000;
const EXPORTERS = 10;
const PROBE_RATE = 20;
const PHASE_MS = QUICK ? 3_000 : 15_000;
const QUIET_MS = QUICK ? 500 : 3_000;
const RAISED_LIMITS = { RATE_LIMIT_EXPORT_PER_DAY: '1000000', RATE_LIMIT_MEMBER_PER_MIN: '1000000' };

const t0 = Date.now();
const progress = (what: string) => process.stderr.write(`  export +${((Date.now() - t0) / 1000).toFixed(0)} s: ${what}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

class Clients {
  private readonly child: ChildProcess = fork(new URL('./clients.ts', import.meta.url).pathname, [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });

  run(job: ExportJob): Promise<ExportStats> {
    progress(job.label);
    return new Promise((resolve, reject) => {
      this.child.once('message', (m: FromClients) => ('stats' in m ? resolve(m.stats) : reject(new Error(m.error))));
      this.child.send({ job });
    });
  }

  stop(): void {
    this.child.send({ stop: true });
  }
}

/** The heavy member's purchases, 100 per request, four requests at a time, as several devices catching up would. */
async function fill(base: string, token: string): Promise<void> {
  const purchases = makePurchases(HEAVY_PURCHASES, PARTNER_ID, CURRENCY, `EXP${Date.now().toString(36)}`);
  let next = 0;
  const worker = async () => {
    while (next < purchases.length) {
      const batch = purchases.slice(next, next + 100);
      next += 100;
      const results = await postPurchases(base, token, batch);
      const refused = results.filter((r) => r.status !== 'accepted');
      if (refused.length) throw new Error(`seeding: ${refused.length} purchases not accepted, e.g. ${JSON.stringify(refused[0])}`);
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
}

const p99 = (s: ExportStats) => percentile(s.probeLatencyMs, 99);

async function measure(clients: Clients, backend: Backend): Promise<Measured> {
  progress(`${backend}: starting`);
  const stack = await startApi(backend, RAISED_LIMITS);
  try {
    await addPartner(stack);
    const heavy = await registerMember(stack.base, 'export-heavy');
    const probe = await registerMember(stack.base, 'export-probe');
    progress(`${backend}: ${HEAVY_PURCHASES} purchases for the heavy member`);
    await fill(stack.base, heavy.token);
    const job = { base: stack.base, heavyToken: heavy.token, probeToken: probe.token, probeRatePerSec: PROBE_RATE, durationMs: PHASE_MS };
    const quiet = await clients.run({ ...job, label: `${backend} quiet`, exporters: 0 });
    await sleep(QUIET_MS);
    const loaded = await clients.run({ ...job, label: `${backend} ${EXPORTERS} exporters`, exporters: EXPORTERS });
    const quietP99 = p99(quiet);
    const loadedP99 = p99(loaded);
    const label = backend === 'postgres' ? 'PostgreSQL' : 'PGlite (embedded, one connection)';
    return result({
      name: `export.${backend}.starvation`,
      figures: {
        probeLatencyMsP99RatioToQuiet: loadedP99 / quietP99,
        probeLatencyMsP99: loadedP99,
        probeLatencyMsP50: median(loaded.probeLatencyMs),
        probeRequests: loaded.probeLatencyMs.length,
        probeFailed: loaded.probeFailed,
        exportsCompleted: loaded.exportsCompleted,
        exportMsMedian: median(loaded.exportMs),
        exportBytesMedian: median(loaded.exportBytes),
        exportRefused429: loaded.exportStatuses['429'] ?? 0,
      },
      ceiling: { name: `the same probe with no export running, same run`, figures: { probeLatencyMsP99: quietP99, probeLatencyMsP50: median(quiet.probeLatencyMs) } },
      compare: { figure: 'probeLatencyMsP99', ceilingFigure: 'probeLatencyMsP99', lowerIsBetter: true },
      budget: {
        text: "another member's GET /v1/me p99 within 3× of its quiet value during 10 parallel exports of a member with 20,000 purchases",
        limit: 3,
        direction: 'atMost',
        figure: 'probeLatencyMsP99RatioToQuiet',
      },
      notes: [
        label,
        `heavy member: ${HEAVY_PURCHASES} purchases booked through POST /v1/purchases (each with its ledger entry); ${EXPORTERS} clients ask for its export again and again for ${PHASE_MS / 1000} s, trying again 1 s after a refusal (not after its Retry-After); the probe: another member's GET /v1/me at ${PROBE_RATE}/s, open loop, latency from the scheduled send`,
        `limits raised for the run (${Object.entries(RAISED_LIMITS).map(([k, v]) => `${k}=${v}`).join(', ')}), so the exports run instead of being refused by the daily limit`,
        `export answers ${JSON.stringify(loaded.exportStatuses)}, failed ${loaded.exportFailed}; probe answers quiet ${JSON.stringify(quiet.probeStatuses)}, loaded ${JSON.stringify(loaded.probeStatuses)}`,
        ...(QUICK ? ['BENCH_QUICK=1: a smaller member and shorter phases, a smoke test, not a measurement'] : []),
      ],
    });
  } finally {
    progress(`${backend}: closing`);
    await stack.close();
  }
}

export async function run(): Promise<Measured[]> {
  const clients = new Clients();
  try {
    const measured: Measured[] = [];
    for (const backend of ['postgres', 'pglite'] as const) measured.push(await measure(clients, backend));
    return measured;
  } finally {
    clients.stop();
  }
}
