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
};
