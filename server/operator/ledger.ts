/** `admin ledger verify` and `npm run ledger:verify`: every balance against the sums of its entries, as text. */
import type { Queryable } from '../db/index.ts';
import { verifyLedger } from '../ledger.ts';

export async function ledgerVerification(db: Queryable): Promise<{ ok: boolean; lines: string[] }> {
  const { members, mismatches } = await verifyLedger(db);
  const lines = [
    mismatches.length === 0
      ? `ledger ok: ${members} balance${members === 1 ? '' : 's'} equal${members === 1 ? 's' : ''} the sums of their entries`
      : `ledger MISMATCH: ${mismatches.length} of ${members} balances differ from the sums of their entries`,
  ];
  const show = (b: { available: number; pending: number; lifetime: number }) =>
    `available ${b.available}, pending ${b.pending}, lifetime ${b.lifetime}`;
  for (const m of mismatches) lines.push(`  member ${m.memberId}: stored ${show(m.stored)}; entries say ${show(m.fromEntries)}`);
  return { ok: mismatches.length === 0, lines };
}
