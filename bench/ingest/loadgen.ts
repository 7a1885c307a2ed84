/**
 * The load generator, run as a child process (node:child_process fork) so
 * that on a 2-core machine it competes with the server for CPU as a separate
 * process would, instead of sharing the server's event loop.
 *
 * Closed loop: `concurrency` clients each send, wait for the answer, send
 * again. Open loop: requests leave on a fixed schedule whether or not earlier
 * ones were answered, and each latency is measured from the instant the
 * request was scheduled, so a server stall shows up in full instead of
 * silently slowing the generator down (coordinated omission).
 */
import { Agent, type ClientRequest, request } from 'node:http';
import { uuidv7 } from '../../lib/uuid.ts';
import { everyTick } from '../lib/lateness.ts';
import type { FromLoadgen, Job, LoadStats, Payload, ToLoadgen } from './protocol.ts';

/**
 * How long an open loop waits for its last answers. A server that fell
 * behind has missed its budget already; waiting out its whole backlog would
 * only push that backlog into the next phase's measurement.
 */
const DRAIN_TIMEOUT_MS = 15_000;
let orderCounter = 0;
const runTag = `${process.pid.toString(36)}${Date.now().toString(36)}`;

function bodyFor(payload: Payload): string | undefined {
  if (payload.kind === 'none') return undefined;
  const detectedAt = new Date().toISOString();
  const purchases = [];
  for (let i = 0; i < payload.batchSize; i++) {
    orderCounter++;
    purchases.push({
      id: uuidv7(),
      partnerId: payload.partnerId,
      orderId: `B${runTag}-${orderCounter}`,
      amountMinor: 1000 + (orderCounter % 9000),
      currency: payload.currency,
      detectedAt,
      method: 'bench',
    });
  }
  return JSON.stringify({ purchases });
}

interface Answer {
  status: number;
  body: string;
}

function send(agent: Agent, job: Job, token: string, track?: (req: ClientRequest) => void): Promise<Answer> {
  const body = bodyFor(job.payload);
  const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    headers['Content-Length'] = String(Buffer.byteLength(body));
  }
  return new Promise((resolve, reject) => {
    const req = request(job.url, { method: job.method, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    track?.(req);
    req.end(body);
  });
}

function newStats(label: string): LoadStats {
  return { label, requests: 0, ok: 0, statusCounts: {}, failed: 0, elapsedMs: 0, latencyMs: [], startEpochMs: [], sendLagMs: [], loopBlocked: [], itemStatuses: {} };
}

/** `startedAt`: when the request was sent (closed loop) or scheduled (open loop), on `performance.now()`'s clock. */
function record(stats: LoadStats, answer: Answer, startedAt: number, latencyMs: number): void {
  stats.statusCounts[answer.status] = (stats.statusCounts[answer.status] ?? 0) + 1;
  stats.latencyMs.push(latencyMs);
  stats.startEpochMs.push(performance.timeOrigin + startedAt);
  if (answer.status !== 200 && answer.status !== 201) return;
  stats.ok++;
  if (!answer.body.startsWith('{"results"')) return;
  const parsed = JSON.parse(answer.body) as { results?: { status?: string }[] };
  for (const r of parsed.results ?? []) stats.itemStatuses[r.status ?? '?'] = (stats.itemStatuses[r.status ?? '?'] ?? 0) + 1;
}

async function closedLoop(job: Job, stats: LoadStats, concurrency: number, durationMs: number): Promise<LoadStats> {
  const agent = new Agent({ keepAlive: true, maxSockets: job.maxSockets });
  let next = 0;
  const start = performance.now();
  const end = start + durationMs;
  const client = async () => {
    while (performance.now() < end) {
      const token = job.tokens[next++ % job.tokens.length]!;
      const sent = performance.now();
      stats.requests++;
      try {
        record(stats, await send(agent, job, token), sent, performance.now() - sent);
      } catch {
        stats.failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  stats.elapsedMs = performance.now() - start;
  agent.destroy();
  return stats;
}

async function openLoop(job: Job, stats: LoadStats, ratePerSec: number, durationMs: number): Promise<LoadStats> {
  const agent = new Agent({ keepAlive: true, maxSockets: job.maxSockets });
  const total = Math.round((ratePerSec * durationMs) / 1000);
  const intervalMs = 1000 / ratePerSec;
  const start = performance.now() + 20;
  const inFlight: Promise<void>[] = [];
  let sent = 0;
  // Set once the drain gives up: answers and errors after that (the agent is destroyed) are not counted.
  let closed = false;
  const unansweredSince = new Map<number, ClientRequest>();
  await new Promise<void>((done) => {
    const tick = () => {
      const now = performance.now();
      // Catch up on everything that is due: a late timer must not thin out the load.
      while (sent < total && start + sent * intervalMs <= now) {
        const scheduled = start + sent * intervalMs;
        const token = job.tokens[sent % job.tokens.length]!;
        sent++;
        stats.requests++;
        stats.sendLagMs.push(performance.now() - scheduled);
        inFlight.push(
          send(agent, job, token, (req) => unansweredSince.set(scheduled, req)).then(
            (answer) => {
              if (closed) return;
              unansweredSince.delete(scheduled);
              record(stats, answer, scheduled, performance.now() - scheduled);
            },
            () => {
              if (closed) return;
              unansweredSince.delete(scheduled);
              stats.failed++;
            },
          ),
        );
      }
      if (sent < total) setTimeout(tick, Math.max(0, start + sent * intervalMs - performance.now()));
      else done();
    };
    setTimeout(tick, 20);
  });
  const drained = await Promise.race([
    Promise.all(inFlight).then(() => true),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), DRAIN_TIMEOUT_MS)),
  ]);
  closed = true;
  const end = performance.now();
  stats.elapsedMs = end - start;
  // Unanswered requests count as failures, and their wait so far enters the
  // latencies as a lower bound, so a server that fell behind cannot show a flattering p99.
  if (!drained) {
    stats.failed += unansweredSince.size;
    for (const [scheduled, req] of unansweredSince) {
      stats.latencyMs.push(end - scheduled);
      stats.startEpochMs.push(performance.timeOrigin + scheduled);
      // Aborted, so the backlog does not keep reaching the server during the next phase.
      req.destroy();
    }
  }
  agent.destroy();
  return stats;
}

async function runJob(job: Job): Promise<LoadStats> {
  const stats = newStats(job.label);
  // The generator's own loop: when it is blocked, answers wait unread and their latency grows here, not in the server.
  const stop = everyTick(50, (now, lateMs) => {
    if (lateMs >= 2) stats.loopBlocked.push({ atEpochMs: now, ms: lateMs });
  });
  try {
    return job.shape.kind === 'closed'
      ? await closedLoop(job, stats, job.shape.concurrency, job.shape.durationMs)
      : await openLoop(job, stats, job.shape.ratePerSec, job.shape.durationMs);
  } finally {
    stop();
  }
}

process.on('message', (message: ToLoadgen) => {
  if ('stop' in message) process.exit(0);
  runJob(message.job).then(
    (stats) => process.send?.({ stats } satisfies FromLoadgen),
    (err: unknown) => process.send?.({ error: String(err) } satisfies FromLoadgen),
  );
});
