/**
 * What the in-page moments show, as plain data the background hands to the
 * content script. Shop names and order ids travel as data and are rendered
 * as text, never as markup.
 */
import type { Offer, Partner } from '../contract/index.ts';
import type { Receipt } from '../db/schema.ts';
import type { SuggestionMoment } from './suggestion.ts';

/** The order confirmation moment: "✓ 57 points pending — Sammelpunkt recorded order 10023 (€114.00)". */
export interface PurchaseMoment {
  /** False when the order was already recorded earlier (a reload of the thank-you page). */
  fresh: boolean;
  partnerName: string;
  orderId: string;
  amountMinor: number;
  currency: string;
  /** The server's figure once synced, otherwise the extension's estimate. */
  points: number;
  /** ISO 8601 UTC: when the order was first recorded. */
  recordedAt: string;
  /** At most once a day after a new purchase: one more partner that fits (lib/inpage/suggestion.ts). */
  suggestion?: SuggestionMoment;
}

/** The first-visit reminder: the rate comes with the partner, the best current offer from the background. */
export interface ReminderMoment {
  offer?: Offer;
}

export function purchaseMoment(receipt: Receipt, partner: Partner, fresh: boolean): PurchaseMoment {
  return {
    fresh,
    partnerName: partner.name,
    orderId: receipt.orderId,
    amountMinor: receipt.amountMinor,
    currency: receipt.currency,
    points: receipt.server?.points ?? receipt.estimatedPoints,
    recordedAt: receipt.detectedAt,
  };
}
