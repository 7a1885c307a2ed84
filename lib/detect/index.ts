/**
 * Order detection: the partner's own rules first, then the generic
 * detectors. Every detector is a pure function of the document, the URL and
 * the partner, so the content script, the `detect` CLI and the tests run the
 * very same code.
 */
import type { Partner } from '../contract/index.ts';
import type { DetectContext } from './context.ts';
import { detectGa4 } from './ga4.ts';
import { nonConfirmationReason } from './guards.ts';
import { detectJsonLd } from './json-ld.ts';
import { detectMagento } from './magento.ts';
import { detectPartnerRule } from './partner-rule.ts';
import { detectPrestaShop } from './prestashop.ts';
import { detectShopify } from './shopify.ts';
import { detectShopware } from './shopware.ts';
import type { Candidate } from './types.ts';
import { detectWooCommerce } from './woocommerce.ts';

export type { DetectContext } from './context.ts';
export type { Candidate } from './types.ts';
export { looksLikeNonConfirmation, nonConfirmationReason } from './guards.ts';
export { parseMoney, findMoney } from './money.ts';

export type Detector = (doc: Document, url: URL, partner?: Partner, ctx?: DetectContext) => Candidate | null;

/**
 * The generic detectors in the order they are tried. The platform detectors
 * read the total the page shows the customer, so they come before GA4: a
 * GA4 `value` is, by Google's own recommendation, often the item revenue
 * without shipping and tax, which is not the grand total paid.
 */
export const GENERIC_DETECTORS: ReadonlyArray<readonly [string, Detector]> = [
  ['json-ld', detectJsonLd],
  ['shopify', detectShopify],
  ['woocommerce', detectWooCommerce],
  ['shopware', detectShopware],
  ['magento', detectMagento],
  ['prestashop', detectPrestaShop],
  ['ga4', detectGa4],
];

export type DetectResult = { candidate: Candidate } | { reason: string };

/** Runs a detector, treating anything it throws as "nothing found": a hostile page must not break the content script. */
function attempt(detector: Detector, doc: Document, url: URL, partner?: Partner, ctx?: DetectContext): Candidate | null {
  try {
    return detector(doc, url, partner, ctx);
  } catch {
    return null;
  }
}

/** Like `detect`, but says why nothing was found (for the CLI and for partner onboarding). */
export function detectWithReason(doc: Document, url: URL, partner?: Partner, ctx?: DetectContext): DetectResult {
  const byRule = attempt(detectPartnerRule, doc, url, partner, ctx);
  if (byRule !== null) return { candidate: byRule };
  const notConfirmation = nonConfirmationReason(url, doc);
  if (notConfirmation !== null) return { reason: `not an order confirmation: ${notConfirmation}` };
  for (const [, detector] of GENERIC_DETECTORS) {
    const candidate = attempt(detector, doc, url, partner, ctx);
    if (candidate !== null) return { candidate };
  }
  const ruleNote = partner?.detection ? "the partner's detection rules did not match, and " : '';
  return {
    reason:
      `no order found: ${ruleNote}no schema.org Order, no recognisable Shopify, WooCommerce, Shopware, ` +
      'Magento or PrestaShop confirmation with an order number and a total, and no GA4 purchase event',
  };
}

/** The purchase on this order confirmation page, or null when the page is not one. */
export function detect(doc: Document, url: URL, partner?: Partner, ctx?: DetectContext): Candidate | null {
  const result = detectWithReason(doc, url, partner, ctx);
  return 'candidate' in result ? result.candidate : null;
}

/** The reason `detect` found nothing, or null when it found a purchase. */
export function explainNoDetection(doc: Document, url: URL, partner?: Partner, ctx?: DetectContext): string | null {
  const result = detectWithReason(doc, url, partner, ctx);
  return 'reason' in result ? result.reason : null;
}
