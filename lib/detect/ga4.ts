/**
 * GA4 `purchase` events. At run time a small MAIN-world script hands over
 * what the page pushed to `dataLayer` / `gtag` (`ctx.ga4Events`); those are
 * untrusted page data and validated here. On a saved page, and as a fallback,
 * the inline scripts are read as text (never executed) for
 * `dataLayer.push({event: 'purchase', …})` and `gtag('event', 'purchase', {…})`.
 */
import * as z from 'zod/mini';
import type { Partner } from '../contract/index.ts';
import { inlineScriptTexts, makeCandidate } from './common.ts';
import { closingIndex, parseJsLiteral } from './js-literal.ts';
import { decimalToMinor, normalizeCurrency } from './money.ts';
import type { DetectContext } from './context.ts';
import type { Candidate } from './types.ts';

const Purchase = z.object({
  transaction_id: z.union([z.string().check(z.maxLength(200)), z.number()]),
  value: z.union([z.number(), z.string().check(z.maxLength(40))]),
  currency: z.optional(z.string().check(z.maxLength(10))),
});
type Purchase = z.infer<typeof Purchase>;

/** `dataLayer.push({event: 'purchase', ecommerce: {…}})`. */
const DataLayerPurchase = z.object({ event: z.literal('purchase'), ecommerce: Purchase });
/** `gtag('event', 'purchase', {…})` as the `arguments` it pushes, either an array or cloned into an indexed object. */
const GtagPurchase = z.union([
  z.tuple([z.literal('event'), z.literal('purchase'), Purchase], z.unknown()),
  z.object({ 0: z.literal('event'), 1: z.literal('purchase'), 2: Purchase }),
]);

/** Tracking snippets are small; a script larger than this is a bundle, not a snippet. */
const MAX_SCRIPT_LENGTH = 512 * 1024;
const MAX_CALL_LENGTH = 64 * 1024;
const CALL_START = /\b(?:dataLayer\s*\.\s*push|gtag)\s*\(|\bdataLayer\s*=\s*\[/g;

export function purchaseFromEvent(event: unknown): Purchase | null {
  const pushed = DataLayerPurchase.safeParse(event);
  if (pushed.success) return pushed.data.ecommerce;
  const gtag = GtagPurchase.safeParse(event);
  if (!gtag.success) return null;
  return gtag.data[2];
}

function lastPurchase(events: readonly unknown[]): Purchase | null {
  for (let index = events.length - 1; index >= 0; index -= 1) {
    const found = purchaseFromEvent(events[index]);
    if (found !== null) return found;
  }
  return null;
}

/** Every argument list of a tracking call in one script, oldest first, parsed as data. */
function trackingCalls(script: string): unknown[] {
  const events: unknown[] = [];
  for (const match of script.matchAll(CALL_START)) {
    const open = match.index + match[0].length - 1;
    const end = closingIndex(script, open, MAX_CALL_LENGTH);
    if (end === -1) continue;
    const isAssignment = script.charAt(open) === '[';
    const argumentsText = isAssignment ? script.slice(open, end) : `[${script.slice(open + 1, end - 1)}]`;
    const args = parseJsLiteral(argumentsText);
    if (!Array.isArray(args)) continue;
    if (!isAssignment && args[0] === 'event') events.push(args);
    else events.push(...args);
  }
  return events;
}

function purchaseFromInlineScripts(doc: Document): Purchase | null {
  const events: unknown[] = [];
  for (const script of inlineScriptTexts(doc, MAX_SCRIPT_LENGTH)) {
    if (!script.includes('purchase')) continue;
    events.push(...trackingCalls(script));
  }
  return lastPurchase(events);
}

export function detectGa4(doc: Document, _url: URL, partner?: Partner, ctx?: DetectContext): Candidate | null {
  const runtimeEvents = [
    ...(Array.isArray(ctx?.ga4Events) ? ctx.ga4Events : []),
    ...(Array.isArray(ctx?.pageData?.dataLayer) ? ctx.pageData.dataLayer : []),
  ];
  const purchase = lastPurchase(runtimeEvents) ?? purchaseFromInlineScripts(doc);
  if (purchase === null) return null;
  const amountMinor = decimalToMinor(purchase.value);
  const currency = normalizeCurrency(purchase.currency) ?? partner?.currency ?? null;
  if (amountMinor === null || currency === null) return null;
  return makeCandidate(purchase.transaction_id, { amountMinor, currency }, 'ga4');
}
