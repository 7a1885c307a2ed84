/**
 * `admin ledger verify` and `npm run ledger:verify`: every member balance and
 * every charity account against the sums of its entries, and every
 * purchase's points against the valuation of its amount under its frozen
 * terms and against its own entries (ledger/valuations.ts), and every
 * expiry against what was left of its lot (ledger/expiry-verify.ts), as text.
 */
import { verifyCharities } from '../programme/charity.ts';
import type { Queryable } from '../db/index.ts';
import { verifyLedger } from '../ledger/ledger.ts';
import { verifyValuations } from '../ledger/valuations.ts';
import { verifyExpiries } from '../ledger/expiry-verify.ts';
import { verifyMissions } from '../ledger/missions-verify.ts';

export async function ledgerVerification(db: Queryable): Promise<{ ok: boolean; lines: string[] }> {
  const [{ members, mismatches }, charity, valuations, expiry, missions] = await Promise.all([
    verifyLedger(db),
    verifyCharities(db),
    verifyValuations(db),
    verifyExpiries(db),
    verifyMissions(db),
  ]);
  const lines = [
    mismatches.length === 0
      ? `ledger ok: ${members} balance${members === 1 ? '' : 's'} equal${members === 1 ? 's' : ''} the sums of their entries`
      : `ledger MISMATCH: ${mismatches.length} of ${members} balances differ from the sums of their entries`,
  ];
  const show = (b: { available: number; pending: number; lifetime: number }) =>
    `available ${b.available}, pending ${b.pending}, lifetime ${b.lifetime}`;
  for (const m of mismatches) lines.push(`  member ${m.memberId}: stored ${show(m.stored)}; entries say ${show(m.fromEntries)}`);

  const donationsBalance = charity.donatedByMembers === charity.receivedByCharities;
  const charitiesOk = charity.mismatches.length === 0 && donationsBalance;
  lines.push(
    charitiesOk
      ? `charities ok: ${charity.charities} account${charity.charities === 1 ? '' : 's'}, ${charity.receivedByCharities} points donated`
      : `charities MISMATCH: ${charity.mismatches.length} account(s) differ from their entries; members donated ${charity.donatedByMembers}, charities received ${charity.receivedByCharities}`,
  );
  for (const m of charity.mismatches) lines.push(`  charity ${m.charityId}: stored ${m.balance}; entries say ${m.fromEntries}`);
  lines.push(
    valuations.mismatches.length === 0
      ? `purchases ok: ${valuations.purchases} purchase${valuations.purchases === 1 ? '' : 's'}, each booked at the valuation of its amount under its frozen terms`
      : `purchases MISMATCH: ${valuations.mismatches.length} of ${valuations.purchases} purchases differ from their valuation or their entries`,
  );
  for (const v of valuations.mismatches) {
    lines.push(
      `  purchase ${v.purchaseId} (member ${v.memberId}, ${v.status}, amount ${v.amountMinor}): points ${v.points}` +
        `${v.valued !== undefined ? `, valued ${v.valued}` : ''}; entries pending ${v.pendingEntries}, available ${v.availableEntries}`,
    );
  }
  lines.push(
    expiry.mismatches.length === 0
      ? `expiry ok: ${expiry.expiries} expir${expiry.expiries === 1 ? 'y' : 'ies'}, ${expiry.expiredPoints} points, each what was left of its lot, first in first out`
      : `expiry MISMATCH: ${expiry.mismatches.length} problem(s) among ${expiry.expiries} expiries`,
  );
  for (const m of expiry.mismatches) lines.push(`  member ${m.memberId}, entry ${m.entryId}: ${m.problem}`);
  lines.push(
    missions.mismatches.length === 0
      ? `missions ok: ${missions.completions} completion${missions.completions === 1 ? '' : 's'} held, ${missions.bonusPoints} points, each booked once and still holding`
      : `missions MISMATCH: ${missions.mismatches.length} problem(s) among ${missions.completions} completions held`,
  );
  for (const m of missions.mismatches) lines.push(`  member ${m.memberId}, mission ${m.missionId}: ${m.problem}`);
  const ok = mismatches.length === 0 && charitiesOk && valuations.mismatches.length === 0 && expiry.mismatches.length === 0 && missions.mismatches.length === 0;
  return { ok, lines };
}
