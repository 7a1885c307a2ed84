/**
 * The purchase state machine of DESIGN.md ("Purchase lifecycle"):
 *
 *   pending ──confirm──▶ confirmed ──cancel / full return──▶ reversed
 *      └──cancel / full return──▶ rejected
 *
 * Partial returns lower the amount (never raise it) in `pending` or
 * `confirmed` and take back points(old amount) − points(new amount) from the
 * account the purchase's points are in. `rejected` and `reversed` are final.
 *
 * Every function here locks the member's balance row first and then re-reads
 * the purchase `FOR UPDATE`, so two reports racing for the same purchase
 * serialise and each change of state happens at most once: the second one
 * sees the new state and answers `unchanged`.
 */
import type { Earn, Purchase, PurchaseStatus } from '../../lib/contract/index.ts';
import { pointsForAmount } from '../../lib/points/index.ts';
import type { Db, Queryable } from '../db/index.ts';
import { lockMember, post, type Account, type Entry } from '../ledger/ledger.ts';
import { PURCHASE_COLUMNS, purchaseFromRow, type PurchaseRow } from './purchase-view.ts';
import { payReferralBonus } from '../programme/referrals.ts';
import { recomputeMemberTier } from '../programme/tiers.ts';

/** What a transition did: the contract's confirmation result statuses, minus `unknown`. */
export type TransitionStatus = 'applied' | 'unchanged' | 'invalid';

export interface TransitionResult {
  status: TransitionStatus;
  /** Why nothing changed, or a short note on what did. */
  reason?: string;
  purchase: Purchase;
}

/** A purchase row with what the lifecycle needs beyond the member's view. */
interface LifecycleRow extends PurchaseRow {
  member_id: string;
  multiplier_bp: number;
  bonus_points: number;
  review: string | null;
}

const LIFECYCLE_COLUMNS = `${PURCHASE_COLUMNS}, member_id, multiplier_bp, bonus_points, review`;

/** Reasons written on the purchase row (shown to the member) when a report changes it. */
export const PurchaseReason = {
  amountAdjusted: 'amount_adjusted',
  partiallyReturned: 'partially_returned',
  returned: 'returned',
  cancelled: 'cancelled',
  /** The partner's report names another buyer for this order (its email hash is not this member's). */
  notTheBuyer: 'not_the_buyer',
  /** The shop never reported the order, long after its hold period ended. */
  notConfirmedByShop: 'not_confirmed_by_shop',
} as const;

/** Why the operator should look at a purchase (the `flag` column). */
export const PurchaseFlag = {
  /** Past its hold period and never reported `placed` or `confirmed` by the partner. */
  unvouched: 'unvouched',
  /** The member's amount was far above the partner's; confirmed at the partner's. */
  amountAbovePartner: 'amount_above_partner',
} as const;

/**
 * A member's amount is "far above" the partner's when it is more than 10 %
 * and more than 5.00 (in the currency's major units) above it: small
 * differences are rounding, shipping or a voucher, large ones are worth a look.
 */
export function farAbovePartner(memberAmountMinor: number, partnerAmountMinor: number, currency: string): boolean {
  const excess = memberAmountMinor - partnerAmountMinor;
  return excess * 10 > partnerAmountMinor && excess > 5 * 10 ** minorDigits(currency);
}

function minorDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** Why a report was not applied (the `reason` of an `invalid` or `unchanged` result). */
export const RefusalReason = {
  amountAboveStanding: 'amount_above_standing',
  zeroAmountConfirmation: 'zero_amount_confirmation',
  alreadyConfirmed: 'already_confirmed',
  sameAmount: 'amount_unchanged',
  final: (status: PurchaseStatus) => `already_${status}`,
} as const;

function isFinal(status: PurchaseStatus): boolean {
  return status === 'rejected' || status === 'reversed';
}

/** The account a purchase's points sit in while it is live. */
function accountOf(status: PurchaseStatus): Account {
  return status === 'confirmed' ? 'available' : 'pending';
}

/**
 * Locks the purchase's member, then the purchase row, and returns the row as
 * it stands under those locks. The member id never changes, so reading it
 * before the lock is safe.
 */
async function lockPurchase(tx: Queryable, purchaseId: string): Promise<LifecycleRow> {
  const owner = await tx.query<{ member_id: string }>('SELECT member_id FROM purchases WHERE id = $1', [purchaseId]);
  if (!owner[0]) throw new Error(`no purchase ${purchaseId}`);
  await lockMember(tx, owner[0].member_id);
  const rows = await tx.query<LifecycleRow>(`SELECT ${LIFECYCLE_COLUMNS} FROM purchases WHERE id = $1 FOR UPDATE`, [purchaseId]);
  return rows[0]!;
}

async function partnerEarn(tx: Queryable, partnerId: string): Promise<Earn> {
  const rows = await tx.query<{ earn: Earn }>(`SELECT doc->'earn' AS earn FROM partners WHERE id = $1`, [partnerId]);
  if (!rows[0]) throw new Error(`no partner ${partnerId}`);
  return rows[0].earn;
}

/** The points an amount is worth for this purchase, valued like the original (same multiplier and bonus). */
async function valueOf(tx: Queryable, row: LifecycleRow, amountMinor: number): Promise<number> {
  return pointsForAmount(amountMinor, await partnerEarn(tx, row.partner_id), row.multiplier_bp, row.bonus_points);
}

interface RowChange {
  status?: PurchaseStatus;
  amountMinor?: number;
  points?: number;
  reason?: string;
  confirmedAt?: Date;
  flag?: string;
}

/**
 * Writes a change to the purchase row. It takes a new change number, so the
 * member's next sync picks it up.
 */
async function updateRow(tx: Queryable, row: LifecycleRow, change: RowChange, now: Date): Promise<LifecycleRow> {
  const rows = await tx.query<LifecycleRow>(
    `UPDATE purchases SET
       status = COALESCE($2, status),
       amount_minor = COALESCE($3, amount_minor),
       points = COALESCE($4, points),
       -- A change of status settles a review hold: its reason gives way to the new one (or none).
       reason = CASE WHEN $2::text IS NOT NULL AND review = 'held' THEN $5 ELSE COALESCE($5, reason) END,
       confirmed_at = COALESCE($6, confirmed_at),
       flag = COALESCE($8, flag),
       change_seq = nextval('purchase_changes'),
       updated_at = $7
     WHERE id = $1
     RETURNING ${LIFECYCLE_COLUMNS}`,
    [
      row.id,
      change.status ?? null,
      change.amountMinor ?? null,
      change.points ?? null,
      change.reason ?? null,
      change.confirmedAt?.toISOString() ?? null,
      now.toISOString(),
      change.flag ?? null,
    ],
  );
  return rows[0]!;
}

function result(status: TransitionStatus, row: LifecycleRow, reason?: string): TransitionResult {
  return { status, purchase: purchaseFromRow(row), ...(reason ? { reason } : {}) };
}

/**
 * pending → confirmed: the pending points become available. With
 * `amountMinor` (the amount that stands), the points are first recomputed
 * and the difference booked to pending as `purchase_adjusted`.
 *
 * A confirmation can only lower the amount: partners report what stands
 * after returns, so a higher amount is a mistake on their side and is
 * `invalid` rather than a silent increase of points. A zero amount is
 * `invalid` too: an order with nothing left is a return or a cancellation.
 * An already confirmed purchase is `unchanged` whatever the amount (the
 * contract's rule; a later reduction has to come as a return), and a final
 * one is `invalid`, since confirming it cannot happen any more.
 */
export async function confirm(tx: Queryable, purchaseId: string, now: Date, amountMinor?: number): Promise<TransitionResult> {
  const row = await lockPurchase(tx, purchaseId);
  if (row.status === 'confirmed') return result('unchanged', row, RefusalReason.alreadyConfirmed);
  if (isFinal(row.status)) return result('invalid', row, RefusalReason.final(row.status));
  if (amountMinor !== undefined && amountMinor > row.amount_minor) return result('invalid', row, RefusalReason.amountAboveStanding);
  if (amountMinor === 0) return result('invalid', row, RefusalReason.zeroAmountConfirmation);

  const entries: Entry[] = [];
  let points = row.points;
  const change: RowChange = { status: 'confirmed', confirmedAt: now };
  if (amountMinor !== undefined && amountMinor !== row.amount_minor) {
    points = await valueOf(tx, row, amountMinor);
    entries.push({ account: 'pending', delta: points - row.points, reason: 'purchase_adjusted', purchaseId: row.id });
    Object.assign(change, { amountMinor, points, reason: PurchaseReason.amountAdjusted });
    // The partner's amount stands; a member's far higher one is worth the operator's look, never silently adopted.
    if (farAbovePartner(row.amount_minor, amountMinor, row.currency)) change.flag = PurchaseFlag.amountAbovePartner;
  }
  entries.push(
    { account: 'pending', delta: -points, reason: 'confirmation', purchaseId: row.id },
    { account: 'available', delta: points, reason: 'confirmation', purchaseId: row.id },
  );
  await post(tx, row.member_id, entries);
  const updated = await updateRow(tx, row, change, now);
  await afterConfirmedPointsChanged(tx, row.member_id, now);
  await payReferralBonus(tx, row.member_id, now);
  return result('applied', updated);
}

/** Confirmed points moved: the member's tier follows them at once (one indexed sum). */
function afterConfirmedPointsChanged(tx: Queryable, memberId: string, now: Date): Promise<string> {
  return recomputeMemberTier(tx, memberId, now);
}

/**
 * A partner's return report. With an amount above zero it is a partial
 * return: the amount that stands afterwards must be below the standing one
 * (equal is `unchanged`, above is `invalid`), and points(old) − points(new)
 * come back out of whichever account holds the purchase's points. Without an
 * amount, or with zero, everything was returned: a pending purchase is
 * rejected, a confirmed one reversed.
 */
export async function applyReturn(tx: Queryable, purchaseId: string, now: Date, amountMinor?: number): Promise<TransitionResult> {
  if (amountMinor === undefined || amountMinor === 0) return endPurchase(tx, purchaseId, now, PurchaseReason.returned);
  const row = await lockPurchase(tx, purchaseId);
  if (isFinal(row.status)) return result('unchanged', row, RefusalReason.final(row.status));
  if (amountMinor > row.amount_minor) return result('invalid', row, RefusalReason.amountAboveStanding);
  if (amountMinor === row.amount_minor) return result('unchanged', row, RefusalReason.sameAmount);

  const points = await valueOf(tx, row, amountMinor);
  await post(tx, row.member_id, [
    { account: accountOf(row.status), delta: points - row.points, reason: 'return', purchaseId: row.id },
  ]);
  const updated = await updateRow(tx, row, { amountMinor, points, reason: PurchaseReason.partiallyReturned }, now);
  if (row.status === 'confirmed') await afterConfirmedPointsChanged(tx, row.member_id, now);
  return result('applied', updated);
}

/** The partner cancelled the order: pending → rejected, confirmed → reversed; final states stay as they are. */
export function cancel(tx: Queryable, purchaseId: string, now: Date): Promise<TransitionResult> {
  return endPurchase(tx, purchaseId, now, PurchaseReason.cancelled);
}

/** The shop never vouched for the order, long past its hold: the purchase ends with the reason the member reads. */
export function rejectNotConfirmedByShop(tx: Queryable, purchaseId: string, now: Date): Promise<TransitionResult> {
  return endPurchase(tx, purchaseId, now, PurchaseReason.notConfirmedByShop);
}

/** The partner's report names another buyer: the purchase ends like a cancellation, with the reason the member reads. */
export function rejectNotTheBuyer(tx: Queryable, purchaseId: string, now: Date): Promise<TransitionResult> {
  return endPurchase(tx, purchaseId, now, PurchaseReason.notTheBuyer);
}

/**
 * Ends a live purchase and takes all its points back: from pending
 * (`cancellation`) while pending, from available (`reversal`) once
 * confirmed. A reversal may take available below zero: the points were
 * possibly spent already, and the debt is settled by later earnings.
 */
async function endPurchase(tx: Queryable, purchaseId: string, now: Date, reason: string): Promise<TransitionResult> {
  const row = await lockPurchase(tx, purchaseId);
  if (isFinal(row.status)) return result('unchanged', row, RefusalReason.final(row.status));
  const confirmed = row.status === 'confirmed';
  await post(tx, row.member_id, [
    {
      account: accountOf(row.status),
      delta: -row.points,
      reason: confirmed ? 'reversal' : 'cancellation',
      purchaseId: row.id,
    },
  ]);
  const updated = await updateRow(tx, row, { status: confirmed ? 'reversed' : 'rejected', reason }, now);
  if (confirmed) await afterConfirmedPointsChanged(tx, row.member_id, now);
  return result('applied', updated);
}

/**
 * Confirms pending purchases whose hold period has ended, at partners that
 * allow auto-confirmation, and only those the partner vouched for: the
 * partner reported that very order `placed` (table `partner_orders`).
 * Nothing is confirmed on the member's word alone. Where the partner's
 * amount is lower, it stands (and a far lower one flags the purchase, see
 * `confirm`). A report naming a buyer's email hash vouches only for that
 * member's purchase. Held purchases (review holds, contests) wait for the
 * operator or the partner.
 *
 * Each purchase gets its own short transaction; `confirm` re-reads the row
 * under the member's lock, so a purchase the partner confirmed or cancelled
 * in the meantime (or another replica already confirmed) is left alone.
 * Returns how many purchases were confirmed.
 */
export async function autoConfirmDue(db: Db, now: Date, limit = 500, memberId?: string): Promise<number> {
  const due = await db.query<{ id: string; vouched_amount_minor: number }>(
    `SELECT p.id, po.amount_minor AS vouched_amount_minor
       FROM purchases p
       JOIN partners pa ON pa.id = p.partner_id
       JOIN partner_orders po ON po.partner_id = p.partner_id AND po.order_id = p.order_id
       JOIN members m ON m.id = p.member_id
      WHERE p.status = 'pending' AND p.hold_until <= $1
        AND COALESCE((pa.doc->>'autoConfirm')::boolean, false)
        AND p.review IS DISTINCT FROM 'held'
        AND po.amount_minor > 0
        AND (po.customer_email_sha256 IS NULL OR po.customer_email_sha256 = ${EMAIL_SHA256_SQL('m.email')})
        -- A contested order waits for the partner's word or the operator, even should its hold have been lost.
        AND NOT EXISTS (SELECT 1 FROM purchases r WHERE r.partner_id = p.partner_id AND r.order_id = p.order_id
                          AND r.member_id <> p.member_id AND r.status IN ('pending', 'confirmed'))
        AND ($3::uuid IS NULL OR p.member_id = $3::uuid)
      ORDER BY p.hold_until, p.id
      LIMIT $2`,
    [now.toISOString(), limit, memberId ?? null],
  );
  let confirmed = 0;
  for (const { id, vouched_amount_minor } of due) {
    const outcome = await db.transaction(async (tx) => {
      const row = await lockPurchase(tx, id);
      // Re-checked under the lock: the row may have changed since the scan.
      if (row.status !== 'pending' || row.hold_until.getTime() > now.getTime() || row.review === 'held') return 'unchanged';
      const partnerAmount = Number(vouched_amount_minor);
      return (await confirm(tx, id, now, partnerAmount < row.amount_minor ? partnerAmount : undefined)).status;
    });
    if (outcome === 'applied') confirmed++;
  }
  return confirmed;
}

/** SQL for the hex SHA-256 of an email column, trimmed and lower-cased (the enhanced-conversions convention). */
export const EMAIL_SHA256_SQL = (column: string) => `encode(sha256(convert_to(lower(btrim(${column})), 'UTF8')), 'hex')`;

/** Auto-confirms one member's due purchases, e.g. before showing the member a balance. */
export function autoConfirmDueForMember(db: Db, memberId: string, now: Date, limit = 500): Promise<number> {
  return autoConfirmDue(db, now, limit, memberId);
}
