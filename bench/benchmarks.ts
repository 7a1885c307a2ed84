/**
 * Every benchmark `npm run bench` knows, in the order they run. Each is
 * loaded lazily in its own child process (see lib/child.ts), so one
 * benchmark's heap, JIT state and leftover timers never colour the next.
 */
import type { Measured } from './lib/types.ts';

export type Benchmark = () => Promise<Measured[]>;

export const BENCHMARKS: Record<string, () => Promise<Benchmark>> = {
  match: async () => (await import('./match.ts')).run,
  detect: async () => (await import('./detect/index.ts')).run,
  popup: async () => (await import('./popup.ts')).run,
  overhead: async () => (await import('./overhead.ts')).run,
  ingest: async () => (await import('./ingest/index.ts')).run,
  record: async () => (await import('./record.ts')).runRecord,
  sync: async () => (await import('./sync.ts')).runSync,
  export: async () => (await import('./export/index.ts')).run,
  growth: async () => (await import('./growth/index.ts')).run,
  'growth-browser': async () => (await import('./growth/browser.ts')).run,
};

/**
 * Benchmarks that are not part of a plain `npm run bench`, because they run
 * far longer than the others: named, they run as any other.
 */
export const ON_REQUEST_ONLY: ReadonlySet<string> = new Set(['growth', 'growth-browser']);

/** A longer time limit than run.ts's default, for benchmarks that need one. */
export const TIMEOUT_MS: Readonly<Record<string, number>> = {
  // Filling 10⁷ purchases, ledger:verify over 29 million entries and the phases at three sizes.
  growth: 3 * 60 * 60_000,
  // Three sizes, each pulling its purchases into a fresh profile and opening the popup 36 times.
  'growth-browser': 20 * 60_000,
};
