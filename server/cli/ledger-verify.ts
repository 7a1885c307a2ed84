/**
 * `npm run ledger:verify`: recomputes every member's balance from the ledger
 * entries and compares it with the stored balance row. Prints a one-line
 * summary and each mismatch; exits 1 when any balance disagrees.
 */
import { openDatabase } from '../db/index.ts';
import { migrate } from '../db/migrate.ts';
import { parseEnv } from '../env.ts';
import { verifyLedger } from '../ledger.ts';

async function main(): Promise<number> {
  const env = parseEnv();
  const db = await openDatabase(env);
  try {
    await migrate(db);
    const { members, mismatches } = await verifyLedger(db);
    console.log(
      mismatches.length === 0
        ? `ledger ok: ${members} balance${members === 1 ? '' : 's'} equal${members === 1 ? 's' : ''} the sums of their entries`
        : `ledger MISMATCH: ${mismatches.length} of ${members} balances differ from the sums of their entries`,
    );
    for (const m of mismatches) {
      const show = (b: { available: number; pending: number; lifetime: number }) =>
        `available ${b.available}, pending ${b.pending}, lifetime ${b.lifetime}`;
      console.log(`  member ${m.memberId}: stored ${show(m.stored)}; entries say ${show(m.fromEntries)}`);
    }
    return mismatches.length === 0 ? 0 : 1;
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
