/**
 * `npm run test:soak`: the property, crash and concurrency tests with their
 * run counts raised (SOAK=1), for a long run outside CI.
 */
import { defineConfig } from 'vitest/config';

process.env.SOAK = '1';

export default defineConfig({
  test: {
    include: ['test/property/**/*.test.ts', 'test/server/crash.test.ts', 'test/server/replicas.test.ts', 'test/server/ratelimit-replicas.test.ts'],
    env: { SOAK: '1' },
    testTimeout: 3_600_000,
    hookTimeout: 300_000,
    // One file at a time: the soak runs are heavy and the machine is shared.
    fileParallelism: false,
  },
});
