/**
 * `npm run ledger:verify`: recomputes every member's balance from the ledger
 * entries and compares it with the stored balance row. Prints a one-line
 * summary and each mismatch; exits 1 when any balance disagrees.
 */
import { openDatabase } from '../db/index.ts';
import { migrate } from '../db/migrate.ts';
import { parseEnv } from '../platform/env.ts';
import { ledgerVerification } from '../operator/ledger.ts';

async function main(): Promise<number> {
  const env = parseEnv();
  const db = await openDatabase(env);
  try {
    await migrate(db);
    const { ok, lines } = await ledgerVerification(db);
    for (const line of lines) console.log(line);
    return ok ? 0 : 1;
  } finally {
    await db.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(2);
  },
);
