/**
 * The valuation invariant (DESIGN.md, "Money, points, time"), checked by
 * `npm run ledger:verify` and by the tests: every live purchase's points are
 * the valuation of its amount in force under the terms frozen with it, and
 * its ledger entries add up to exactly those points, in the account they
 * belong in (pending while pending, available once confirmed); a rejected or
 * reversed purchase's entries add up to nothing.
 */
import { type EarnTerms, valuate } from '../../lib/points/index.ts';
import type { Queryable } from '../db/index.ts';

export interface ValuationMismatch {
  purchaseId: string;
  memberId: string;
  status: string;
  amountMinor: number;
  points: number;
  /** valuate(amount, terms); absent for a row stored without terms. */
  valued?: number;
  pendingEntries: number;
  availableEntries: number;
}

interface Row {
  [key: string]: unknown;
  id: string;
  member_id: string;
  status: string;
  amount_minor: number;
  points: number;
  terms: EarnTerms | null;
  e_pending: number;
  e_available: number;
}

/**
 * How many members one page covers. Pages go by member, because both the
 * purchases and the ledger entries are indexed by member: the check reads
 * each table once, in bounded memory, with no index added for it.
 */
const MEMBERS_PER_PAGE = 500;

function mismatchOf(r: Row): ValuationMismatch | undefined {
  const live = r.status === 'pending' || r.status === 'confirmed';
  const valued = r.terms ? valuate(r.amount_minor, r.terms).total : undefined;
  const expected = live
    ? { pending: r.status === 'pending' ? r.points : 0, available: r.status === 'confirmed' ? r.points : 0 }
    : { pending: 0, available: 0 };
  const ok =
    (!live || valued === undefined || valued === r.points) && r.e_pending === expected.pending && r.e_available === expected.available;
  if (ok) return undefined;
  return {
    purchaseId: r.id,
    memberId: r.member_id,
    status: r.status,
    amountMinor: r.amount_minor,
    points: r.points,
    ...(valued !== undefined ? { valued } : {}),
    pendingEntries: r.e_pending,
    availableEntries: r.e_available,
  };
}

/** Checks every purchase, a page of members at a time; returns how many were checked and those that break the invariant. */
export async function verifyValuations(db: Queryable): Promise<{ purchases: number; mismatches: ValuationMismatch[] }> {
  const mismatches: ValuationMismatch[] = [];
  let purchases = 0;
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const members = (
      await db.query<{ id: string }>('SELECT id FROM members WHERE id > $1::uuid ORDER BY id LIMIT $2', [after, MEMBERS_PER_PAGE])
    ).map((m) => m.id);
    if (members.length === 0) return { purchases, mismatches };
    const rows = await db.query<Row>(
      `WITH e AS (
         SELECT purchase_id,
                SUM(delta) FILTER (WHERE account = 'pending') AS pending,
                SUM(delta) FILTER (WHERE account = 'available') AS available
           FROM ledger_entries WHERE member_id = ANY($1::uuid[]) AND purchase_id IS NOT NULL
          GROUP BY purchase_id
       )
       SELECT p.id, p.member_id, p.status, p.amount_minor, p.points, p.terms,
              COALESCE(e.pending, 0)::bigint AS e_pending, COALESCE(e.available, 0)::bigint AS e_available
         FROM purchases p LEFT JOIN e ON e.purchase_id = p.id
        WHERE p.member_id = ANY($1::uuid[])`,
      [members],
    );
    for (const r of rows) {
      const m = mismatchOf(r);
      if (m) mismatches.push(m);
    }
    purchases += rows.length;
    after = members[members.length - 1]!;
  }
}
