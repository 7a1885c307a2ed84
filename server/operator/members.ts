/** `admin member show <email>`: what the operator needs to answer a member's question. */
import type { Balance, Purchase } from '../../lib/contract/index.ts';
import type { Queryable } from '../db/index.ts';
import { PURCHASE_COLUMNS, purchaseFromRow, type PurchaseRow } from '../purchases/purchase-view.ts';
import { OperatorError } from './errors.ts';

export interface MemberReport {
  id: string;
  email: string;
  memberNumber: string;
  tier: string;
  createdAt: Date;
  balance: Balance;
  purchases: Purchase[];
  openClaims: number;
}

/**
 * The member and their last purchases; `method` keeps only purchases of that
 * detection method (`member-confirmed` shows what the member had to confirm on the page).
 */
export async function showMember(db: Queryable, email: string, opts: { purchases?: number; method?: string } = {}): Promise<MemberReport> {
  const rows = await db.query<{
    id: string;
    email: string;
    member_number: string;
    tier: string;
    created_at: Date;
    available: number;
    pending: number;
    lifetime: number;
  }>(
    `SELECT m.id, m.email, m.member_number, m.tier, m.created_at, b.available, b.pending, b.lifetime
       FROM members m JOIN balances b ON b.member_id = m.id
      WHERE lower(m.email) = lower($1) AND m.erased_at IS NULL`,
    [email],
  );
  const m = rows[0];
  if (!m) throw new OperatorError(`No member with e-mail ${email}`);
  const [purchases, claims] = await Promise.all([
    db.query<PurchaseRow>(
      `SELECT ${PURCHASE_COLUMNS} FROM purchases WHERE member_id = $1 AND ($3::text IS NULL OR method = $3)
        ORDER BY created_at DESC, id LIMIT $2`,
      [m.id, opts.purchases ?? 10, opts.method ?? null],
    ),
    db.query<{ n: number }>(`SELECT count(*)::int AS n FROM claims WHERE member_id = $1 AND status = 'open'`, [m.id]),
  ]);
  return {
    id: m.id,
    email: m.email,
    memberNumber: m.member_number,
    tier: m.tier,
    createdAt: m.created_at,
    balance: { available: m.available, pending: m.pending, lifetime: m.lifetime },
    purchases: purchases.map(purchaseFromRow),
    openClaims: claims[0]?.n ?? 0,
  };
}
