/** A purchase row as the contract shows it to the member. */
import type { Purchase, PurchaseStatus } from '../../lib/contract/index.ts';

/** The columns `purchaseFromRow` reads; select them as `PURCHASE_COLUMNS`. */
export const PURCHASE_COLUMN_LIST = [
  'id',
  'partner_id',
  'order_id',
  'amount_minor',
  'currency',
  'detected_at',
  'method',
  'status',
  'reason',
  'points',
  'created_at',
  'updated_at',
  'hold_until',
  'confirmed_at',
  'change_seq',
] as const;
export const PURCHASE_COLUMNS = PURCHASE_COLUMN_LIST.join(', ');

export interface PurchaseRow {
  [key: string]: unknown;
  id: string;
  partner_id: string;
  order_id: string;
  amount_minor: number;
  currency: string;
  detected_at: Date;
  method: string;
  status: PurchaseStatus;
  reason: string | null;
  points: number;
  created_at: Date;
  updated_at: Date;
  hold_until: Date;
  confirmed_at: Date | null;
  change_seq: number;
}

export function purchaseFromRow(r: PurchaseRow): Purchase {
  return {
    id: r.id,
    partnerId: r.partner_id,
    orderId: r.order_id,
    amountMinor: r.amount_minor,
    currency: r.currency,
    detectedAt: r.detected_at.toISOString(),
    method: r.method,
    status: r.status,
    points: r.points,
    ...(r.reason ? { reason: r.reason } : {}),
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    ...(r.status === 'pending' ? { expectedConfirmationAt: r.hold_until.toISOString() } : {}),
    ...(r.confirmed_at ? { confirmedAt: r.confirmed_at.toISOString() } : {}),
  };
}
