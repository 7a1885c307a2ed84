/**
 * Property tests of the ledger and the purchase lifecycle through the real
 * app: random interleavings of ingest, replays, second devices, cross-member
 * claims, partner confirmations, partial returns, cancellations, redemptions
 * and auto-confirmation, for three members at once, compared step by step
 * with the reference model in `model.ts`. Fixed seed in CI; `npm run
 * test:soak` runs many more and longer sequences.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { backends, startTestServer, type TestServer } from '../server/harness.ts';
import { ROOMY_LIMITS, runSequence, SEED, sequenceArb, runs, SOAK, START, totals } from './commands.ts';

describe.each(backends)('ledger and lifecycle properties (%s)', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend, ROOMY_LIMITS);
    server.clock.set(START);
  }, 120_000);
  afterAll(() => server?.close());

  it('keeps every balance equal to its entries and to the model, with no transition twice', async () => {
    await fc.assert(
      fc.asyncProperty(sequenceArb, async (commands) => {
        await runSequence(server, commands);
      }),
      { seed: SEED, numRuns: runs(6, 300), endOnFailure: !SOAK },
    );
  }, SOAK ? 3_600_000 : 120_000);
});

afterAll(() => {
  console.log(`ledger properties: ${totals.sequences} random sequences, ${totals.steps} steps, every invariant checked after each step`);
});
