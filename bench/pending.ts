/**
 * A benchmark that needs the built extension signed in against a local API
 * on PostgreSQL. It is listed so every budget has a line in results.json,
 * but with no figure until it is built: a missing number is better than a
 * made-up one.
 */
import { notMeasured } from './lib/result.ts';
import type { Measured } from './lib/types.ts';

export async function runSync(): Promise<Measured[]> {
  return [
    notMeasured(
      'sync',
      null,
      'needs the built extension signed in against a local API on PostgreSQL; would record 10,000 purchases offline, flush them, report seconds to drain and check the ledger equals the receipts (no DESIGN.md budget)',
    ),
  ];
}
