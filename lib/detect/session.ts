/**
 * What the member just did, as the browser saw it: the previous page in this
 * tab at the same shop was its final checkout step (the button that places
 * the order). Several shop systems show no thank-you at all and send the
 * buyer straight to the order's own page (ERPNext's /orders/<name>, Kirby
 * Merx's order page, headed "Rechnung 00318"); the same page opened later
 * from the account is not a new order, and nothing in its content tells the
 * two apart. Coming from the final step does.
 *
 * The fact is kept on the device (the background remembers the tab, never
 * the page) and counts only where the page itself names one order and its
 * total: the page after "Place order" that shows an error, a cart or a
 * product is judged on its content as before.
 */
import { cleanOrderId, ReadingBuilder } from './common.ts';
import { shortText, type Page } from './page.ts';
import { RANK, type Reading } from './types.ts';

/** The weight of arriving from the final step: with a named order and its total, enough for a confirmation. */
export const AFTER_FINAL_STEP = 8;

/** The order a page's main heading consists of ("SAL-ORD-2026-00012"): the page is that order's own. */
export function readOrderHeading(page: Page): Reading | null {
  if (page.ctx?.afterFinalStep !== true) return null;
  const text = mainHeading(page.doc);
  if (text === null || !/^#?\s?[A-Za-z0-9][A-Za-z0-9._/-]{2,63}$/.test(text) || !/\d/.test(text)) return null;
  const id = cleanOrderId(text.replace(/^#\s?/, ''));
  if (id === null) return null;
  return new ReadingBuilder('session').orderId(id, RANK.shownWithLabel - 1, `heading "${text}"`).build();
}

/**
 * Evidence from arriving after the final step: given only when the other
 * readers found an order number shown on the page and a total, and nothing
 * on the page spoke strongly against it.
 */
export function afterFinalStep(page: Page, readings: readonly Reading[]): Reading | null {
  if (page.ctx?.afterFinalStep !== true) return null;
  // One order, shown: a page naming several (a list of orders) is not the one the final step led to.
  const shownIds = new Set(readings.flatMap((reading) => reading.orderIds.filter((find) => find.rank > RANK.affiliate).map((find) => find.value.toUpperCase())));
  const shownId = shownIds.size === 1;
  const total = readings.some((reading) => reading.totals.some((find) => find.rank >= RANK.analyticsValue));
  const against = readings.some((reading) => reading.evidence.some((item) => item.weight <= -6));
  if (!shownId || !total || against) return null;
  return new ReadingBuilder('session').for('after-final-step', AFTER_FINAL_STEP, 'the previous page in this tab was the shop\'s final checkout step').build();
}

/** The page's first `<h1>`; without one, the first heading that repeats the page's title (Frappe's order page). */
function mainHeading(doc: Document): string | null {
  const h1 = doc.querySelector('h1');
  if (h1 !== null) return shortText(h1, 64);
  const title = doc.title.split(/\s[|–-]\s/)[0]?.trim() ?? '';
  if (title === '') return null;
  for (const heading of Array.from(doc.querySelectorAll('h2, h3')).slice(0, 10)) {
    if (shortText(heading, 64) === title) return title;
  }
  return null;
}
