/**
 * Sync: flush the outbox, then pull the member's state. One run at a time
 * per worker; on failure a retry is scheduled with capped exponential backoff
 * and full jitter through `browser.alarms`, which outlive the service worker.
 * Signed out, nothing is sent: receipts wait in the outbox until sign-in.
 *
 * Everything the outside world provides (fetch, clock, randomness, alarms)
 * comes in through `SyncDeps`, so tests drive it with a scripted API.
 */
import {
  clearAccount,
  getAccount,
  getSettings,
  updateSyncState,
  type SammelpunktDb,
  type SyncError,
  type SyncState,
} from '../db/index.ts';
import type { FetchLike } from './http.ts';
import { flushOutbox } from './outbox.ts';
import { pull } from './pull.ts';
import { sendDetectionReports } from './reports.ts';

export { apiRequest, apiUrl, parseRetryAfter, DEFAULT_TIMEOUT_MS, type FetchLike, type ApiCall, type ApiOutcome } from './http.ts';
export { flushOutbox, type FlushOutcome } from './outbox.ts';
export { sendDetectionReports, type ReportOutcome } from './reports.ts';
export { pull, type PullOutcome } from './pull.ts';
export { resendVerificationCode, signIn, signOut, verifyEmail, type SignInResult } from './auth.ts';

/** The alarm that runs a scheduled retry. */
export const SYNC_RETRY_ALARM = 'sync-retry';
export const BACKOFF_BASE_MS = 30_000;
export const BACKOFF_CAP_MS = 60 * 60_000;

/** The part of `browser.alarms` sync needs. */
export interface AlarmsLike {
  create(name: string, info: { when: number }): unknown;
  clear(name: string): Promise<boolean>;
}

export interface SyncDeps {
  db: SammelpunktDb;
  fetch: FetchLike;
  alarms: AlarmsLike;
  now?: () => Date;
  /** A number in [0, 1), like `Math.random`. */
  random?: () => number;
  timeoutMs?: number;
}

/** Why a sync runs. Only the retry alarm itself may run before a `Retry-After` has passed. */
export type SyncReason = 'startup' | 'alarm' | 'recorded' | 'sign-in' | 'manual' | 'periodic';

export type SyncResult =
  | { status: 'synced'; sent: number; conflicts: number; catalogChanged: boolean }
  | { status: 'signed-out' }
  | { status: 'deferred'; until: number }
  | { status: 'failed'; error: SyncError; retryAt: number };

/**
 * The delay before retry number `attempt` (1 for the first retry): a uniform
 * random share of min(cap, base × 2^(attempt − 1)) ("full jitter"), so a fleet
 * of extensions coming back online does not hit the API in step.
 */
export function backoffDelayMs(attempt: number, random: () => number, baseMs = BACKOFF_BASE_MS, capMs = BACKOFF_CAP_MS): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  const ceiling = Math.min(capMs, baseMs * 2 ** exponent);
  return Math.floor(random() * ceiling);
}

let running: Promise<SyncResult> | undefined;
let queued: Promise<SyncResult> | undefined;

/**
 * Runs one sync at a time in this worker. A request that arrives during a
 * run gets one more run after it (shared by everyone who asks meanwhile), so
 * a purchase recorded mid-sync is not left waiting for the next trigger.
 */
export function syncNow(deps: SyncDeps, reason: SyncReason): Promise<SyncResult> {
  if (running === undefined) {
    running = runSync(deps, reason).finally(() => {
      running = undefined;
    });
    return running;
  }
  queued ??= running
    .catch(() => undefined)
    .then(() => {
      queued = undefined;
      return syncNow(deps, reason);
    });
  return queued;
}

async function runSync(deps: SyncDeps, reason: SyncReason): Promise<SyncResult> {
  const { db } = deps;
  const now = deps.now ?? (() => new Date());
  const random = deps.random ?? Math.random;
  const account = await getAccount(db);
  if (account === undefined) return { status: 'signed-out' };

  const state = await updateSyncState(db, (s) => s);
  if (state.notBefore !== undefined && state.notBefore > now().getTime() && reason !== 'alarm') {
    await scheduleRetry(deps, state.notBefore);
    return { status: 'deferred', until: state.notBefore };
  }

  const { apiBaseUrl } = await getSettings(db);
  const call = { fetch: deps.fetch, baseUrl: apiBaseUrl, now, timeoutMs: deps.timeoutMs };
  const retryAt = (_error: SyncError, retryAfterMs?: number) => nextRetryAt(state, now(), random, retryAfterMs);

  const flushed = await flushOutbox(db, call, account.token, retryAt);
  if (flushed.kind === 'unauthorized') return signedOutByServer(deps, flushed.error);
  if (flushed.kind === 'retry') return fail(deps, state, flushed.error, now(), random, flushed.retryAfterMs);

  const pulled = await pull(db, call, account.token);
  if (pulled.kind === 'unauthorized') return signedOutByServer(deps, pulled.error);
  if (pulled.kind === 'retry') return fail(deps, state, pulled.error, now(), random, pulled.retryAfterMs);
  // Counters of detection health ride along; they never hold up or fail a sync.
  await sendDetectionReports(db, call, account.token).catch(() => undefined);

  await updateSyncState(db, (s) => ({
    ...s,
    attempt: 0,
    lastSyncAt: now().toISOString(),
    lastError: undefined,
    nextRetryAt: undefined,
    notBefore: undefined,
    signedOut: false,
  }));
  await deps.alarms.clear(SYNC_RETRY_ALARM);
  return { status: 'synced', sent: flushed.sent, conflicts: flushed.conflicts, catalogChanged: pulled.catalogChanged };
}

function nextRetryAt(state: SyncState, now: Date, random: () => number, retryAfterMs?: number): number {
  const delay = Math.max(backoffDelayMs(state.attempt + 1, random), retryAfterMs ?? 0);
  return now.getTime() + delay;
}

async function scheduleRetry(deps: SyncDeps, when: number): Promise<void> {
  await deps.alarms.create(SYNC_RETRY_ALARM, { when });
}

async function fail(
  deps: SyncDeps,
  state: SyncState,
  error: SyncError,
  now: Date,
  random: () => number,
  retryAfterMs?: number,
): Promise<SyncResult> {
  const retryAt = nextRetryAt(state, now, random, retryAfterMs);
  await updateSyncState(deps.db, (s) => ({
    ...s,
    attempt: state.attempt + 1,
    lastError: error,
    nextRetryAt: retryAt,
    notBefore: retryAfterMs === undefined ? undefined : now.getTime() + retryAfterMs,
  }));
  await scheduleRetry(deps, retryAt);
  return { status: 'failed', error, retryAt };
}

/** The API refused the token: forget it, keep every receipt, stop retrying until sign-in. */
async function signedOutByServer(deps: SyncDeps, error: SyncError): Promise<SyncResult> {
  await clearAccount(deps.db);
  await updateSyncState(deps.db, (s) => ({ ...s, signedOut: true, lastError: error, attempt: 0, nextRetryAt: undefined }));
  await deps.alarms.clear(SYNC_RETRY_ALARM);
  return { status: 'signed-out' };
}
