/**
 * Confirmations far below the member's amount (DESIGN.md, "Partner reports"):
 * the partner's amount stands, and the purchase is flagged for the operator.
 * Far below is more than 10 % and more than 5.00 (in the currency's major
 * unit) under what the member's extension recorded.
 */
import type { Queryable } from '../db/index.ts';

/** Whether the partner's amount is far enough below the member's to flag. */
export function farBelowMemberAmount(memberAmountMinor: number, partnerAmountMinor: number, exponent: number): boolean {
  const gap = memberAmountMinor - partnerAmountMinor;
  return gap * 10 > memberAmountMinor && gap > 5 * 10 ** exponent;
}

export async function flagAmount(
  tx: Queryable,
  flag: { purchaseId: string; memberId: string; memberAmountMinor: number; partnerAmountMinor: number; currency: string },
  now: Date,
): Promise<void> {
  await tx.query(
    `INSERT INTO amount_flags (purchase_id, member_id, member_amount_minor, partner_amount_minor, currency, flagged_at)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (purchase_id) DO NOTHING`,
    [flag.purchaseId, flag.memberId, flag.memberAmountMinor, flag.partnerAmountMinor, flag.currency, now.toISOString()],
  );
}

export interface AmountFlag {
  purchaseId: string;
  memberId: string;
  memberAmountMinor: number;
  partnerAmountMinor: number;
  currency: string;
  flaggedAt: Date;
}

/** The flags the operator has not reviewed yet, oldest first. */
export async function listAmountFlags(db: Queryable, limit = 100): Promise<AmountFlag[]> {
  const rows = await db.query<{ purchase_id: string; member_id: string; member_amount_minor: number; partner_amount_minor: number; currency: string; flagged_at: Date }>(
    `SELECT purchase_id, member_id, member_amount_minor, partner_amount_minor, currency, flagged_at
       FROM amount_flags WHERE reviewed_at IS NULL ORDER BY flagged_at, purchase_id LIMIT $1`,
    [limit],
  );
  return rows.map((r) => ({
    purchaseId: r.purchase_id,
    memberId: r.member_id,
    memberAmountMinor: r.member_amount_minor,
    partnerAmountMinor: r.partner_amount_minor,
    currency: r.currency,
    flaggedAt: r.flagged_at,
  }));
}
