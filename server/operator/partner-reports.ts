/**
 * A partner's report on one order (DESIGN.md, "Partner reports"), applied
 * the same way whether it came through the signed confirmations API or the
 * operator's CSV import:
 *
 * - `placed` keeps the partner's record of the order (`partner_orders`),
 *   which vouches for a member's purchase of it, now or when it arrives;
 *   auto-confirmation at the end of the hold needs it (lifecycle.ts).
 * - `confirmed`, `returned`, `cancelled` move the purchase through the
 *   lifecycle.
 * - A report with `customerEmailSha256` names the buyer: every live purchase
 *   of the order by a member whose email does not hash to it is rejected
 *   `not_the_buyer`, and the buyer's own purchase is no longer contested.
 * - Without it, two members' purchases of one order (a contest) are left to
 *   the operator: `placed` and `confirmed` change nothing (`contested`),
 *   while a cancellation or a return applies to all of them.
 */
import type { ConfirmationOrder, Purchase } from '../../lib/contract/index.ts';
import { normaliseOrderId } from '../../lib/contract/order-id.ts';
import type { Queryable } from '../db/index.ts';
import { lockMember } from '../ledger/ledger.ts';
import {
  applyReturn,
  cancel,
  confirm,
  EMAIL_SHA256_SQL,
  rejectNotTheBuyer,
  type TransitionResult,
  type TransitionStatus,
} from '../purchases/lifecycle.ts';
import { PURCHASE_COLUMNS, purchaseFromRow, type PurchaseRow } from '../purchases/purchase-view.ts';

export interface PartnerReportResult {
  status: TransitionStatus | 'unknown';
  reason?: string;
  purchase?: Purchase;
}

/** Reasons a report answers with beyond the lifecycle's own. */
export const ReportReason = {
  /** A `placed` report for an order no member has sent yet: kept, it vouches for the purchase when it arrives. */
  keptForPurchase: 'kept_for_purchase',
  vouched: 'vouched',
  amountRequired: 'amount_required',
  /** Two members sent this order and the report names no buyer: the operator decides. */
  contested: 'contested',
} as const;

interface OrderRow extends PurchaseRow {
  member_id: string;
  email_sha256: string | null;
  review: string | null;
}

/** Every purchase of the order, live ones first, oldest first among them. */
async function purchasesOfOrder(tx: Queryable, partnerId: string, orderId: string): Promise<OrderRow[]> {
  return tx.query<OrderRow>(
    `SELECT ${PURCHASE_COLUMNS.split(', ').map((c) => `p.${c}`).join(', ')}, p.member_id, p.review,
            ${EMAIL_SHA256_SQL('m.email')} AS email_sha256
       FROM purchases p JOIN members m ON m.id = p.member_id
      WHERE p.partner_id = $1 AND p.order_id = $2
      ORDER BY (p.status IN ('pending', 'confirmed')) DESC, p.duplicate_of IS NOT NULL, p.created_at, p.id`,
    [partnerId, orderId],
  );
}

const isLive = (r: OrderRow) => r.status === 'pending' || r.status === 'confirmed';

export async function applyPartnerReport(tx: Queryable, partnerId: string, reported: ConfirmationOrder, now: Date): Promise<PartnerReportResult> {
  if (reported.status === 'placed' && reported.amountMinor === undefined) return { status: 'invalid', reason: ReportReason.amountRequired };
  // The partner's order number is compared as the members' are: normalised the same way.
  const normalised = normaliseOrderId(reported.orderId, await caseSensitive(tx, partnerId));
  if (!normalised.ok) return { status: 'invalid', reason: `order_id_invalid: ${normalised.reason}` };
  const order = { ...reported, orderId: normalised.orderId };
  const buyerHash = order.customerEmailSha256?.toLowerCase();
  if (order.status === 'placed') await keepPlacedReport(tx, partnerId, order.orderId, order.amountMinor!, buyerHash, now);

  let rows = await purchasesOfOrder(tx, partnerId, order.orderId);
  if (rows.length === 0) {
    if (order.status === 'placed') return { status: 'applied', reason: ReportReason.keptForPurchase };
    // Kept for the operator as the partner wrote it, like any report of an order nobody sent.
    await tx.query(
      'INSERT INTO unknown_confirmations (partner_id, order_id, status, amount_minor, received_at) VALUES ($1, $2, $3, $4, $5)',
      [partnerId, reported.orderId, order.status, order.amountMinor ?? null, now.toISOString()],
    );
    return { status: 'unknown' };
  }

  let lastRejected: TransitionResult | undefined;
  if (buyerHash) {
    for (const r of rows.filter((r) => isLive(r) && r.email_sha256 !== buyerHash)) lastRejected = await rejectNotTheBuyer(tx, r.id, now);
    let buyer = rows.find((r) => isLive(r) && r.email_sha256 === buyerHash);
    if (!buyer) return lastRejected ? withStatus(lastRejected) : decideOne(tx, rows[0]!, order, now);
    if (buyer.review === 'held' && buyer.reason === ReportReason.contested) buyer = await settleContest(tx, buyer, now);
    rows = [buyer];
  }

  const live = rows.filter(isLive);
  if (live.length > 1) {
    if (order.status === 'placed' || order.status === 'confirmed') {
      return { status: 'unchanged', reason: ReportReason.contested, purchase: purchaseFromRow(live[0]!) };
    }
    let outcome: PartnerReportResult | undefined;
    for (const r of live) outcome = await decideOne(tx, r, order, now);
    return outcome!;
  }
  return decideOne(tx, live[0] ?? rows[0]!, order, now);
}

async function caseSensitive(tx: Queryable, partnerId: string): Promise<boolean> {
  const rows = await tx.query<{ case_sensitive: boolean | null }>(`SELECT (doc->>'orderIdCaseSensitive')::boolean AS case_sensitive FROM partners WHERE id = $1`, [partnerId]);
  return rows[0]?.case_sensitive === true;
}

function withStatus(t: TransitionResult): PartnerReportResult {
  return { status: t.status, ...(t.reason ? { reason: t.reason } : {}), purchase: t.purchase };
}

async function decideOne(tx: Queryable, row: OrderRow, order: ConfirmationOrder, now: Date): Promise<PartnerReportResult> {
  switch (order.status) {
    case 'placed':
      // The purchase is vouched for by the row kept above; the hold's end confirms it (at the lower amount).
      if (row.status === 'pending') return { status: 'applied', reason: ReportReason.vouched, purchase: purchaseFromRow(row) };
      return { status: 'unchanged', reason: `already_${row.status}`, purchase: purchaseFromRow(row) };
    case 'confirmed':
      return withStatus(await confirm(tx, row.id, now, order.amountMinor, order.orderedAt !== undefined ? new Date(order.orderedAt) : undefined));
    case 'returned':
      return withStatus(await applyReturn(tx, row.id, now, order.amountMinor));
    case 'cancelled':
      return withStatus(await cancel(tx, row.id, now));
  }
}

async function keepPlacedReport(tx: Queryable, partnerId: string, orderId: string, amountMinor: number, buyerHash: string | undefined, now: Date) {
  await tx.query(
    `INSERT INTO partner_orders (partner_id, order_id, amount_minor, customer_email_sha256, reported_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (partner_id, order_id) DO UPDATE SET amount_minor = EXCLUDED.amount_minor,
       customer_email_sha256 = COALESCE(EXCLUDED.customer_email_sha256, partner_orders.customer_email_sha256),
       reported_at = EXCLUDED.reported_at`,
    [partnerId, orderId, amountMinor, buyerHash ?? null, now.toISOString()],
  );
}

/** The buyer's purchase is no longer contested: its hold is lifted and the member's next sync shows it. */
async function settleContest(tx: Queryable, buyer: OrderRow, now: Date): Promise<OrderRow> {
  await lockMember(tx, buyer.member_id);
  const rows = await tx.query<PurchaseRow>(
    `UPDATE purchases SET review = 'released', reason = NULL, change_seq = nextval('purchase_changes'), updated_at = $2 WHERE id = $1
     RETURNING ${PURCHASE_COLUMNS}`,
    [buyer.id, now.toISOString()],
  );
  return { ...buyer, ...rows[0]!, review: 'released' };
}
