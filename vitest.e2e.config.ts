import { defineConfig } from 'vitest/config';

// The end-to-end tests: the built extension in real Chromium and Firefox against
// the real API started per file. One file at a time: each starts a server and a
// browser, and this machine has two cores shared with other work.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    globalSetup: ['test/e2e/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 240_000,
    teardownTimeout: 30_000,
    // A flaky browser is a bug to fix, not to retry away.
    retry: 0,
  },
});
