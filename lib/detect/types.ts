import type { Money } from './money.ts';

/** What detection hands to the recorder: a purchase seen on an order confirmation page. */
export interface Candidate {
  /** The order number as the shop shows it, without a leading `#`. */
  orderId: string;
  /** The grand total paid, in minor units of `currency`. */
  amountMinor: number;
  /** ISO 4217 code. */
  currency: string;
  /** Which reader found it (`partner-rule`, `json-ld`, `ga4`, `shopware6`, `labels`, …), or `member-confirmed`. */
  method: string;
}

/**
 * One fact for or against "this page confirms a new order", with its weight:
 * positive for (a purchase event, a thank-you headline), negative against (the
 * place-order button, a failed payment). A weight of `VETO` or below settles
 * it: the final review step is never a confirmation, however it looks.
 */
export interface Evidence {
  /** A short code, stable for tests and for detection-health reports (`purchase-event`, `place-order-button`). */
  signal: string;
  weight: number;
  /** What was seen, for `--explain` (never sent anywhere). */
  detail: string;
}

export const VETO = -100;

/**
 * How much an order number or total is to be believed, by where it came
 * from. The number the page shows the customer beats an analytics id (which
 * may be an internal one); the grand total the page shows beats an analytics
 * value (which may be net of tax and shipping); an affiliate network's amount
 * is the commissionable (net) amount and comes last.
 */
export const RANK = {
  partnerRule: 9,
  platform: 7,
  shownWithLabel: 5,
  structured: 5,
  widget: 5,
  analyticsTotal: 3,
  analytics: 3,
  analyticsValue: 2,
  affiliate: 1,
  url: 1,
} as const;

export interface OrderIdFind {
  value: string;
  rank: number;
  /** The method a purchase found by this id is recorded with; the reader's name when absent. */
  method?: string;
  /** The reader and where it looked, for `--explain`. */
  source: string;
}

export interface TotalFind {
  money: Money;
  rank: number;
  source: string;
}

/** What one reader made of the page. */
export interface Reading {
  reader: string;
  evidence: Evidence[];
  orderIds: OrderIdFind[];
  totals: TotalFind[];
}

/** The choices offered to the member when the page is a confirmation but its values are not clear. */
export interface Choices {
  orderIds: string[];
  totals: Money[];
}

/**
 * The verdict on a page: an order to record, an order to ask the member
 * about (several or missing values), or no order confirmation at all.
 */
export type Verdict =
  | { kind: 'order'; candidate: Candidate; score: number; readings: Reading[] }
  | { kind: 'ambiguous'; reason: AmbiguityReason; choices: Choices; method: string; score: number; readings: Reading[] }
  | { kind: 'none'; reason: string; score: number; readings: Reading[] };

/** Why the member is asked: the codes also go into detection-health reports. */
export type AmbiguityReason = 'ambiguous_order_id' | 'ambiguous_total' | 'no_order_id' | 'no_total';
