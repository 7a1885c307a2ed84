/**
 * Background work of the API process: auto-confirming purchases whose hold
 * period has passed. Safe with several replicas: each confirmation re-reads
 * its purchase under the member's lock, so a transition happens once however
 * many processes run this at the same moment.
 */
import type { Db } from './db/index.ts';
import { autoConfirmDue } from './lifecycle.ts';

export interface Scheduler {
  /** Runs one round now (tests, and the first round at start). */
  runOnce(): Promise<number>;
  stop(): Promise<void>;
}

const BATCH = 500;

export function startScheduler(
  db: Db,
  opts: { now: () => Date; intervalMs: number; log: (line: Record<string, unknown>) => void },
): Scheduler {
  let running: Promise<number> | undefined;
  const runOnce = async () => {
    let total = 0;
    // Drain in batches so a backlog after downtime clears in one round.
    for (;;) {
      const confirmed = await autoConfirmDue(db, opts.now(), BATCH);
      total += confirmed;
      if (confirmed < BATCH) break;
    }
    if (total > 0) opts.log({ time: new Date().toISOString(), level: 'info', job: 'auto-confirm', confirmed: total });
    return total;
  };
  const tick = () => {
    if (running) return;
    running = runOnce()
      .catch((err: unknown) => {
        opts.log({ time: new Date().toISOString(), level: 'error', job: 'auto-confirm', error: String(err) });
        return 0;
      })
      .finally(() => {
        running = undefined;
      });
  };
  const timer = setInterval(tick, opts.intervalMs);
  timer.unref();
  tick();
  return {
    runOnce,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
