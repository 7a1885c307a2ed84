/** What every detector returns: a purchase seen on an order confirmation page. */
export interface Candidate {
  /** The order number as the shop shows it, without a leading `#`. */
  orderId: string;
  /** The grand total paid, in minor units. */
  amountMinor: number;
  /** ISO 4217 code. */
  currency: string;
  /** Which detector found it (`partner-rule`, `json-ld`, `ga4`, `shopify`, …). */
  method: string;
}
