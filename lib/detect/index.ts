/**
 * Order detection. Readers, each a pure function of the page, report
 * evidence for and against "this page confirms a new order" and the order
 * numbers and totals they find; the verdict weighs them (verdict.ts). The
 * content script, the `detect` CLI and the tests run the very same code.
 */
import type { Partner } from '../contract/index.ts';
import { readAnalytics } from './analytics.ts';
import type { DetectContext } from './context.ts';
import { placeOrderButton, readHints } from './hints.ts';
import { readJsonLd } from './json-ld.ts';
import { mentionsAnOrder, readLabels } from './labels-reader.ts';
import { makePage, type Page } from './page.ts';
import { readPartnerRule } from './partner-rule.ts';
import { afterFinalStep, readOrderHeading } from './session.ts';
import { hasConfirmationMarker, readPlatforms, readWidgets } from './platforms.ts';
import type { Candidate, Reading, Verdict } from './types.ts';
import { STRONG_EVIDENCE, weigh } from './verdict.ts';

export type { DetectContext } from './context.ts';
export type { Candidate, Choices, Evidence, Reading, Verdict, AmbiguityReason } from './types.ts';
export { parseMoney, findMoney } from './money.ts';

export { DETECTOR_VERSION } from './version.ts';

type Reader = (page: Page) => Reading | Reading[] | null;

const NOTHING_SUGGESTS_AN_ORDER = 'not an order confirmation: nothing on the page suggests an order (no purchase event, no schema.org Order, no thank-you for an order)';

/** Readers of what a page's scripts, structured data and the catalogue say: cheap, always run. */
const FIRST_READERS: ReadonlyArray<Reader> = [readPartnerRule, readJsonLd, readAnalytics];
/** Readers of the page's markup and text, run only once something says an order may be here. */
const CONTENT_READERS: ReadonlyArray<Reader> = [readPlatforms, readWidgets, readLabels, readHints, readOrderHeading];

/** Runs a reader; a hostile page that makes one throw only silences that reader. */
function attempt(reader: Reader, page: Page): Reading[] {
  try {
    const result = reader(page);
    if (result === null) return [];
    return Array.isArray(result) ? result : [result];
  } catch {
    return [];
  }
}

/**
 * Whether anything on the page could be strong evidence of an order: a
 * tracking call or structured data with an order (already read), a
 * platform's confirmation markup, or the text thanking for an order. Most
 * partner pages are product pages and carts, which have none of these; they
 * are judged without reading their whole text and markup.
 */
function worthReading(page: Page, first: Reading[]): boolean {
  if (first.some((reading) => reading.evidence.some((item) => item.weight >= STRONG_EVIDENCE))) return true;
  // The page the final checkout step led to is read whatever it says.
  if (page.ctx?.afterFinalStep === true) return true;
  try {
    if (hasConfirmationMarker(page.doc)) return true;
  } catch {
    // An environment without some selector feature: the text still decides.
  }
  return mentionsAnOrder(page);
}

/**
 * The verdict on this page: an order, an order to ask the member about, or
 * none (with the reason). `thorough` runs every reader even where nothing
 * suggests an order (for `detect --explain`); the verdict is the same.
 */
export function judge(doc: Document, url: URL, partner?: Partner, ctx?: DetectContext, { thorough = false } = {}): Verdict {
  const page = makePage(doc, url, partner, ctx);
  const first = FIRST_READERS.flatMap((reader) => attempt(reader, page));
  if (!thorough && !worthReading(page, first)) {
    return { kind: 'none', reason: NOTHING_SUGGESTS_AN_ORDER, score: 0, readings: first };
  }
  const readings = [...first, ...CONTENT_READERS.flatMap((reader) => attempt(reader, page))];
  const session = afterFinalStep(page, readings);
  const verdict = weigh(session === null ? readings : [...readings, session]);
  if (thorough && verdict.kind !== 'none' && !worthReading(page, first)) {
    return { kind: 'none', reason: NOTHING_SUGGESTS_AN_ORDER, score: verdict.score, readings: verdict.readings };
  }
  return verdict;
}

/**
 * Whether this page is the shop's final checkout step: it has the button
 * that places the order (§312j BGB wording and its translations). The
 * browser remembers it for the tab, so that the page it leads to is known
 * as that (session.ts).
 */
export function isFinalCheckoutStep(doc: Document, url: URL, partner?: Partner): boolean {
  try {
    return placeOrderButton(makePage(doc, url, partner)) !== null;
  } catch {
    return false;
  }
}

export type DetectResult = { candidate: Candidate } | { reason: string };

/** Like `detect`, but says why nothing was recorded (for the CLI and for partner onboarding). */
export function detectWithReason(doc: Document, url: URL, partner?: Partner, ctx?: DetectContext): DetectResult {
  const verdict = judge(doc, url, partner, ctx);
  if (verdict.kind === 'order') return { candidate: verdict.candidate };
  if (verdict.kind === 'ambiguous') return { reason: `an order confirmation, but ${describeAmbiguity(verdict)}` };
  return { reason: verdict.reason };
}

/** The purchase on this order confirmation page, or null when the page is not one (or its values are not clear). */
export function detect(doc: Document, url: URL, partner?: Partner, ctx?: DetectContext): Candidate | null {
  const verdict = judge(doc, url, partner, ctx);
  return verdict.kind === 'order' ? verdict.candidate : null;
}

/** The reason `detect` found nothing, or null when it found a purchase. */
export function explainNoDetection(doc: Document, url: URL, partner?: Partner, ctx?: DetectContext): string | null {
  const result = detectWithReason(doc, url, partner, ctx);
  return 'reason' in result ? result.reason : null;
}

export function describeAmbiguity(verdict: Extract<Verdict, { kind: 'ambiguous' }>): string {
  const { orderIds, totals } = verdict.choices;
  const money = totals.map((total) => `${total.amountMinor} ${total.currency}`);
  switch (verdict.reason) {
    case 'ambiguous_order_id':
      return `several order numbers (${orderIds.join(', ')})`;
    case 'ambiguous_total':
      return `several totals (${money.join(', ')})`;
    case 'no_order_id':
      return 'no order number was found';
    case 'no_total':
      return 'no total was found';
  }
}

/** The evidence behind a verdict, one line each, for `detect --explain`. */
export function explainVerdict(verdict: Verdict): string[] {
  const lines: string[] = [];
  for (const reading of verdict.readings) {
    lines.push(`${reading.reader}:`);
    for (const item of reading.evidence) lines.push(`  ${item.weight > 0 ? '+' : ''}${item.weight} ${item.signal}: ${item.detail}`);
    for (const find of reading.orderIds) lines.push(`  order number ${find.value} (rank ${find.rank}, ${find.source})`);
    for (const find of reading.totals) lines.push(`  total ${find.money.amountMinor} ${find.money.currency} (rank ${find.rank}, ${find.source})`);
  }
  lines.push(`score ${verdict.score}`);
  if (verdict.kind === 'order') {
    const { orderId, amountMinor, currency, method } = verdict.candidate;
    lines.push(`verdict: an order confirmation, order ${orderId}, ${amountMinor} ${currency}, by ${method}`);
  } else if (verdict.kind === 'ambiguous') {
    lines.push(`verdict: an order confirmation, but ${describeAmbiguity(verdict)}: the member is asked`);
  } else {
    lines.push(`verdict: ${verdict.reason}`);
  }
  return lines;
}
