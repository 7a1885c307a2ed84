/**
 * The same inputs always give the same ledger: one random command sequence
 * run on two fresh databases with the same clock books the same entries and
 * leaves the same purchases, up to the ids the server mints itself.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, startTestServer, type TestServer } from '../server/harness.ts';
import { ROOMY_LIMITS, runSequence, SEED, sequenceArb, runs, SOAK, START, totals } from './commands.ts';

describe.each(backends)('the same commands give the same ledger (%s)', (backend) => {
  let first: TestServer;
  let second: TestServer;
  beforeAll(async () => {
    first = await startTestServer(backend, ROOMY_LIMITS);
    second = await startTestServer(backend, ROOMY_LIMITS);
    first.clock.set(START);
    second.clock.set(START);
  }, 120_000);
  afterAll(async () => {
    await first?.close();
    await second?.close();
  });

  it('books one sequence identically on two fresh databases with the same clock', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(sequenceArb, async (commands) => {
        run++;
        const a = await runSequence(first, commands, 50_000 + run);
        const b = await runSequence(second, commands, 50_000 + run);
        expect(b).toEqual(a);
      }),
      { seed: SEED + 1, numRuns: runs(2, 100), endOnFailure: !SOAK },
    );
  }, SOAK ? 3_600_000 : 120_000);
});

afterAll(() => {
  console.log(`determinism: ${totals.sequences} random sequences, ${totals.steps} steps, every invariant checked after each step`);
});
