/**
 * The export benchmark's clients, run as a forked child process so that on
 * a 2-core machine they compete with the API for CPU as other machines'
 * clients would, instead of sharing its event loop.
 *
 * Two kinds at once: `exporters` clients of one heavy member each asking
 * for `GET /v1/me/export` again and again (reading every byte; after a 429
 * they try again after a second, not the Retry-After, as an impatient
 * script would), and a probe that sends another member's `GET /v1/me` on a
 * fixed schedule, its latency counted from the scheduled instant so that a
 * stall is measured in full.
 */
import { Agent, request } from 'node:http';

export interface ExportJob {
  label: string;
  base: string;
  heavyToken: string;
  probeToken: string;
  exporters: number;
  probeRatePerSec: number;
  durationMs: number;
}

export interface ExportStats {
  label: string;
  probeLatencyMs: number[];
  probeStatuses: Record<string, number>;
  probeFailed: number;
  exportStatuses: Record<string, number>;
  exportsCompleted: number;
  exportMs: number[];
  exportBytes: number[];
  exportFailed: number;
}

export type ToClients = { job: ExportJob } | { stop: true };
export type FromClients = { stats: ExportStats } | { error: string };

const RETRY_AFTER_429_MS = 1000;
const DRAIN_TIMEOUT_MS = 30_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function get(agent: Agent, url: string, token: string): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', agent, headers: { Authorization: `Bearer ${token}` } }, (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => (bytes += c.length));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const count = (m: Record<string, number>, key: number) => (m[String(key)] = (m[String(key)] ?? 0) + 1);

async function run(job: ExportJob): Promise<ExportStats> {
  const stats: ExportStats = {
    label: job.label,
    probeLatencyMs: [],
    probeStatuses: {},
    probeFailed: 0,
    exportStatuses: {},
    exportsCompleted: 0,
    exportMs: [],
    exportBytes: [],
    exportFailed: 0,
  };
  const exportAgent = new Agent({ keepAlive: true, maxSockets: Math.max(1, job.exporters) });
  const probeAgent = new Agent({ keepAlive: true, maxSockets: 16 });
  const start = performance.now();
  const end = start + job.durationMs;

  const exporter = async () => {
    while (performance.now() < end) {
      const t = performance.now();
      try {
        const { status, bytes } = await get(exportAgent, `${job.base}/v1/me/export`, job.heavyToken);
        count(stats.exportStatuses, status);
        if (status === 200) {
          stats.exportsCompleted++;
          stats.exportMs.push(performance.now() - t);
          stats.exportBytes.push(bytes);
        } else await sleep(RETRY_AFTER_429_MS);
      } catch {
        stats.exportFailed++;
        await sleep(RETRY_AFTER_429_MS);
      }
    }
  };

  const probe = async () => {
    const interval = 1000 / job.probeRatePerSec;
    const pending: Promise<void>[] = [];
    const open = new Map<number, number>();
    for (let i = 0; ; i++) {
      const scheduled = start + i * interval;
      if (scheduled >= end) break;
      const wait = scheduled - performance.now();
      if (wait > 0) await sleep(wait);
      open.set(i, scheduled);
      pending.push(
        get(probeAgent, `${job.base}/v1/me`, job.probeToken).then(
          ({ status }) => {
            open.delete(i);
            count(stats.probeStatuses, status);
            stats.probeLatencyMs.push(performance.now() - scheduled);
          },
          () => {
            open.delete(i);
            stats.probeFailed++;
          },
        ),
      );
    }
    await Promise.race([Promise.all(pending), sleep(DRAIN_TIMEOUT_MS)]);
    // Still unanswered: failed, with the wait so far as their latency (a lower bound).
    for (const scheduled of open.values()) {
      stats.probeFailed++;
      stats.probeLatencyMs.push(performance.now() - scheduled);
    }
  };

  await Promise.all([probe(), ...Array.from({ length: job.exporters }, exporter)]);
  exportAgent.destroy();
  probeAgent.destroy();
  return stats;
}

process.on('message', (message: ToClients) => {
  if ('stop' in message) process.exit(0);
  run(message.job).then(
    (stats) => process.send?.({ stats } satisfies FromClients),
    (error: unknown) => process.send?.({ error: String(error) } satisfies FromClients),
  );
});
