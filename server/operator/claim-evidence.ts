/**
 * What the partner's side says about the orders of missing-points claims, to
 * show beside the member's receipt: whether the partner reported the order
 * `placed` (its own record, with its amount and when), and whether the order
 * is already booked, for this member or for another (then approving it
 * would be refused). Order ids are compared as sent and upper-cased, as
 * ingest normalises them unless the partner is case-sensitive.
 */
import type { Queryable } from '../db/index.ts';
import type { ClaimView } from './claims.ts';

export interface ClaimEvidence {
  placed: { amountMinor: number; reportedAt: string } | null;
  bookedFor: 'this_member' | 'another_member' | null;
}

export async function claimEvidence(db: Queryable, claims: readonly ClaimView[]): Promise<Map<string, ClaimEvidence>> {
  const known = claims.filter((c) => c.receipt.partnerId && c.receipt.orderId);
  if (known.length === 0) return new Map();
  const rows = await db.query<{ id: string; amount_minor: string | null; reported_at: Date | null; booked_for: 'this_member' | 'another_member' | null }>(
    `SELECT c.id, po.amount_minor, po.reported_at,
            (SELECT CASE WHEN p.member_id = c.member_id THEN 'this_member' ELSE 'another_member' END
               FROM purchases p
              WHERE p.partner_id = c.partner_id AND p.order_id IN (c.order_id, upper(c.order_id)) AND p.duplicate_of IS NULL
              LIMIT 1) AS booked_for
       FROM unnest($1::text[], $2::uuid[], $3::text[], $4::text[]) AS c(id, member_id, partner_id, order_id)
       LEFT JOIN LATERAL (
         SELECT amount_minor, reported_at FROM partner_orders o
          WHERE o.partner_id = c.partner_id AND o.order_id IN (c.order_id, upper(c.order_id)) LIMIT 1
       ) po ON true`,
    [known.map((c) => c.id), known.map((c) => c.memberId), known.map((c) => c.receipt.partnerId), known.map((c) => c.receipt.orderId)],
  );
  return new Map(
    rows.map((r) => [
      r.id,
      {
        placed: r.amount_minor === null || r.reported_at === null ? null : { amountMinor: Number(r.amount_minor), reportedAt: new Date(r.reported_at).toISOString() },
        bookedFor: r.booked_for,
      },
    ]),
  );
}
