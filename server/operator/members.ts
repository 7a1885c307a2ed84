/** `admin member show <email>`: what the operator needs to answer a member's question. */
import type { Balance, Purchase, Transaction } from '../../lib/contract/index.ts';
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

/** The email of the member with this card number (the operator finds a member by either), or an OperatorError. */
export async function emailOfMemberNumber(db: Queryable, memberNumber: string): Promise<string> {
  const rows = await db.query<{ email: string | null }>('SELECT email FROM members WHERE member_number = $1 AND erased_at IS NULL', [memberNumber]);
  const email = rows[0]?.email;
  if (!email) throw new OperatorError(`No member with card number ${memberNumber}`);
  return email;
}

/** The most ledger entries one page of a member's ledger lists. */
export const MEMBER_LEDGER_PAGE = 50;

/** A member's ledger entries, newest first, paged by entry id (the index of member and id). */
export async function memberLedger(db: Queryable, memberId: string, before?: string): Promise<{ transactions: Transaction[]; nextCursor?: string }> {
  const rows = await db.query<{ id: string; account: 'pending' | 'available'; delta: number; reason: string; purchase_id: string | null; redemption_id: string | null; created_at: Date }>(
    `SELECT id::text AS id, account, delta, reason, purchase_id, redemption_id, created_at FROM ledger_entries
      WHERE member_id = $1 AND ($2::bigint IS NULL OR ledger_entries.id < $2) ORDER BY ledger_entries.id DESC LIMIT $3`,
    [memberId, before ?? null, MEMBER_LEDGER_PAGE + 1],
  );
  const transactions: Transaction[] = rows.slice(0, MEMBER_LEDGER_PAGE).map((r) => ({
    id: r.id,
    account: r.account,
    delta: Number(r.delta),
    reason: r.reason,
    ...(r.purchase_id ? { purchaseId: r.purchase_id } : {}),
    ...(r.redemption_id ? { redemptionId: r.redemption_id } : {}),
    createdAt: new Date(r.created_at).toISOString(),
  }));
  return rows.length > MEMBER_LEDGER_PAGE ? { transactions, nextCursor: transactions.at(-1)!.id } : { transactions };
}
