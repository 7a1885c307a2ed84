/**
 * `npm run test:soak`: the property, crash, concurrency, fault, fuzz and attacker tests with their
 * run counts raised (SOAK=1), for a long run outside CI.
 */
import { defineConfig } from 'vitest/config';

process.env.SOAK = '1';

export default defineConfig({
  test: {
    include: [
      'test/property/**/*.test.ts',
      'test/server/crash.test.ts',
      'test/server/replicas.test.ts',
      'test/server/ratelimit-replicas.test.ts',
      // Invented orders at scale: 10,000 across 100 members and 5 partners.
      'test/server/attacker*.test.ts',
      // Sync under faults (10,000 purchases), the API fuzz (20,000 requests), hostile pages (10x).
      'test/faults/**/*.test.ts',
      'test/fuzz/api-fuzz.test.ts',
      'test/lib/detect/hostile.test.ts',
    ],
    env: { SOAK: '1' },
    testTimeout: 3_600_000,
    hookTimeout: 300_000,
    // One file at a time: the soak runs are heavy and the machine is shared.
    fileParallelism: false,
  },
});
