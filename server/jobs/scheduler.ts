/**
 * Background work of the API process, run on an interval: auto-confirming
 * purchases whose hold period has passed (when the partner vouched for
 * them), flagging and later rejecting those it never did, making referral
 * bonuses available once their purchase's hold has ended, expiring claims
 * nobody decided, recomputing tiers, and expiring points that were not
 * spent in time.
 *
 * Each job runs under a lease row in `job_locks` (see job-lock.ts): with
 * several replicas on one database, one of them runs a job per interval and
 * the others skip it. The lease is held for the interval (renewed between
 * batches of a long run) and given back when the scheduler stops. The work
 * itself stays safe without the lease too: each confirmation re-reads its
 * purchase under the member's lock.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Db } from '../db/index.ts';
import { acquireJobLock, extendJobLock, releaseJobLock } from './job-lock.ts';
import { autoConfirmDue } from '../purchases/lifecycle.ts';
import { reviewUnvouched } from '../purchases/unvouched.ts';
import type { Metrics } from '../platform/metrics.ts';
import { expireClaims } from '../operator/claims.ts';
import { releaseDueReferralBonuses } from '../programme/referrals.ts';
import { recomputeTiers } from '../programme/tiers.ts';
import { pruneRateLimits } from '../platform/ratelimit.ts';
import { DEFAULT_POINTS_EXPIRY_MONTHS, expireDueLots } from '../ledger/expiry.ts';
import { reviewChangedMissions } from '../programme/missions.ts';

export interface JobContext {
  db: Db;
  now: Date;
  metrics?: Metrics;
  /** Months after which confirmed points expire (POINTS_EXPIRY_MONTHS, default 36); 0: never. */
  pointsExpiryMonths?: number;
  /** Renews the lease during a long run; false when it was lost (stop then). */
  keepAlive(): Promise<boolean>;
}

export interface Job {
  /** Also the job's row in `job_locks`. */
  name: string;
  /** Does one round of the work; returns how many things it changed. */
  run(ctx: JobContext): Promise<number>;
}

export type JobRun = { status: 'ran'; changed: number } | { status: 'skipped' } | { status: 'failed'; error: string };

export interface Scheduler {
  /** The lease holder's name in `job_locks`. */
  readonly holder: string;
  /** Runs one round of every job now (tests, and the first round at start). */
  runOnce(): Promise<Record<string, JobRun>>;
  stop(): Promise<void>;
}

const BATCH = 500;

export const autoConfirmJob: Job = {
  name: 'auto-confirm',
  async run({ db, now, metrics, keepAlive }) {
    let total = 0;
    // Drain in batches so a backlog after downtime clears in one round.
    for (;;) {
      const confirmed = await autoConfirmDue(db, now, BATCH);
      total += confirmed;
      metrics?.autoConfirmed.inc({}, confirmed);
      if (confirmed < BATCH || !(await keepAlive())) break;
    }
    return total;
  },
};

/** Flags purchases past their hold that the partner never reported, and rejects them after a grace period. */
export const reviewUnvouchedJob: Job = {
  name: 'review-unvouched',
  async run({ db, now, keepAlive }) {
    let total = 0;
    // Drained in batches like auto-confirmation: a flood of invented orders clears in one round.
    for (;;) {
      const changed = await reviewUnvouched(db, now, BATCH);
      total += changed;
      if (changed === 0 || !(await keepAlive())) break;
    }
    return total;
  },
};

/** Pending referral bonuses whose purchase's hold has ended (and that no review holds) become available. */
export const releaseReferralBonusesJob: Job = {
  name: 'release-referral-bonuses',
  async run({ db, now, keepAlive }) {
    let total = 0;
    for (;;) {
      const paid = await releaseDueReferralBonuses(db, now, BATCH);
      total += paid;
      if (paid < BATCH || !(await keepAlive())) break;
    }
    return total;
  },
};

export const expireClaimsJob: Job = {
  name: 'expire-claims',
  run: ({ db, now }) => expireClaims(db, now),
};

/** Moves members between tiers as confirmed points enter and leave the 12-month window. */
export const recomputeTiersJob: Job = {
  name: 'recompute-tiers',
  run: ({ db, now }) => recomputeTiers(db, now),
};

/** Deletes rate-limit counters whose window ended long ago; without it the table grows with every address and account ever seen. */
export const pruneRateLimitsJob: Job = {
  name: 'prune-rate-limits',
  run: ({ db, now }) => pruneRateLimits(db, now),
};

/**
 * Books the expiry of what is left of earning lots past their date (ledger/expiry.ts).
 * Safe beside a second scheduler that lost its lease: each member is expired
 * under their balance lock, and a lot expires at most once (a unique index).
 */
export const expirePointsJob: Job = {
  name: 'expire-points',
  run: ({ db, now, pointsExpiryMonths, keepAlive }) => expireDueLots(db, now, pointsExpiryMonths ?? DEFAULT_POINTS_EXPIRY_MONTHS, keepAlive),
};

/**
 * Judges every member against a mission created or changed since the last
 * round (programme/missions.ts): one defined after its purchases were
 * confirmed is booked without waiting for the member's next purchase. Safe
 * beside a second scheduler: each member is judged under their balance lock.
 */
export const reviewMissionsJob: Job = {
  name: 'review-missions',
  run: ({ db, now, keepAlive }) => reviewChangedMissions(db, now, keepAlive),
};

export const DEFAULT_JOBS: readonly Job[] = [
  autoConfirmJob,
  reviewUnvouchedJob,
  releaseReferralBonusesJob,
  expireClaimsJob,
  recomputeTiersJob,
  pruneRateLimitsJob,
  expirePointsJob,
  reviewMissionsJob,
];

export interface SchedulerOptions {
  now: () => Date;
  intervalMs: number;
  log: (line: Record<string, unknown>) => void;
  metrics?: Metrics;
  jobs?: readonly Job[];
  /** Names this replica in `job_locks`; random per process by default. */
  holder?: string;
  /** POINTS_EXPIRY_MONTHS; 36 by default. */
  pointsExpiryMonths?: number;
}

export function startScheduler(db: Db, opts: SchedulerOptions): Scheduler {
  const jobs = opts.jobs ?? DEFAULT_JOBS;
  const holder = opts.holder ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const leaseMs = Math.max(opts.intervalMs, 1000);
  const leaseEnd = () => new Date(opts.now().getTime() + leaseMs);
  let running: Promise<Record<string, JobRun>> | undefined;

  const runJob = async (job: Job): Promise<JobRun> => {
    const now = opts.now();
    try {
      if (!(await acquireJobLock(db, job.name, holder, now, leaseEnd()))) return { status: 'skipped' };
      const changed = await job.run({
        db,
        now,
        metrics: opts.metrics,
        ...(opts.pointsExpiryMonths !== undefined ? { pointsExpiryMonths: opts.pointsExpiryMonths } : {}),
        keepAlive: () => extendJobLock(db, job.name, holder, leaseEnd()),
      });
      if (changed > 0) opts.log({ time: new Date().toISOString(), level: 'info', job: job.name, changed });
      return { status: 'ran', changed };
    } catch (err) {
      opts.log({ time: new Date().toISOString(), level: 'error', job: job.name, error: String(err) });
      return { status: 'failed', error: String(err) };
    }
  };

  const runOnce = async () => {
    const outcome: Record<string, JobRun> = {};
    for (const job of jobs) {
      outcome[job.name] = await runJob(job);
      opts.metrics?.jobRuns.inc({ job: job.name, outcome: outcome[job.name]!.status });
    }
    return outcome;
  };

  const tick = () => {
    if (running) return;
    running = runOnce().finally(() => {
      running = undefined;
    });
  };
  const timer = setInterval(tick, opts.intervalMs);
  timer.unref();
  tick();
  return {
    holder,
    runOnce,
    async stop() {
      clearInterval(timer);
      await running;
      // Hand the leases back, so another replica need not wait out the interval.
      const now = opts.now();
      await Promise.all(jobs.map((job) => releaseJobLock(db, job.name, holder, now).catch(() => {})));
    },
  };
}
