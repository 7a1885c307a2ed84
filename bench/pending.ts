/**
 * Benchmarks that need the built extension with consent given and a member
 * signed in, driven end to end in Chromium. They are listed so every budget
 * has a line in results.json, but with no figure until they are built:
 * a missing number is better than a made-up one.
 */
import { notMeasured } from './lib/result.ts';
import type { Measured } from './lib/types.ts';

export async function runRecord(): Promise<Measured[]> {
  return [
    notMeasured(
      'record',
      null,
      'needs the built extension with consent and a signed-in member in Chromium; would time detection → receipt and outbox committed in IndexedDB (no DESIGN.md budget)',
    ),
  ];
}

export async function runSync(): Promise<Measured[]> {
  return [
    notMeasured(
      'sync',
      null,
      'needs the built extension signed in against a local API on PostgreSQL; would record 10,000 purchases offline, flush them, report seconds to drain and check the ledger equals the receipts (no DESIGN.md budget)',
    ),
  ];
}
