/** What the bench process asks the load generator (a forked child) to do, and what it answers. */

export interface PurchasesPayload {
  kind: 'purchases';
  /** Items per request: fresh UUIDv7 ids and order numbers every time, as real devices send. */
  batchSize: number;
  partnerId: string;
  currency: string;
}

export type Payload = PurchasesPayload | { kind: 'none' };

export type Shape =
  | { kind: 'closed'; concurrency: number; durationMs: number }
  /** Requests sent on a fixed schedule whatever the server does; latency counts from the scheduled instant. */
  | { kind: 'open'; ratePerSec: number; durationMs: number };

export interface Job {
  label: string;
  url: string;
  method: 'GET' | 'POST';
  /** Bearer tokens, used round robin (one per member). */
  tokens: string[];
  payload: Payload;
  shape: Shape;
  maxSockets: number;
}

export interface LoadStats {
  label: string;
  requests: number;
  /** Responses with status 200/201. */
  ok: number;
  statusCounts: Record<string, number>;
  /** Requests with no answer (network error or still open at the end). */
  failed: number;
  elapsedMs: number;
  latencyMs: number[];
  /** When each of `latencyMs` was sent or scheduled, as Unix epoch ms (to lay a slow request beside what the server saw). */
  startEpochMs: number[];
  /** How late the generator itself sent each request (open loop): a busy client shows here, not as server latency. */
  sendLagMs: number[];
  /** Each time the generator's own event loop fired ≥ 2 ms late (looked at every 50 ms), when and by how much. */
  loopBlocked: { atEpochMs: number; ms: number }[];
  /** Per-item statuses counted from `{results: [...]}` bodies. */
  itemStatuses: Record<string, number>;
}

export type ToLoadgen = { job: Job } | { stop: true };
export type FromLoadgen = { stats: LoadStats } | { error: string };
