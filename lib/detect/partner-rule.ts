/**
 * A partner's own rules from the catalogue: a path pattern for its
 * confirmation page and selectors for the order number and the total. The
 * rules come from the operator, but a broken one must only fail to match,
 * never break detection for the page.
 */
import type { Partner } from '../contract/index.ts';
import { MAX_NODE_TEXT, makeCandidate, safeQuery, shortText } from './common.ts';
import type { DetectContext } from './context.ts';
import { findMoney } from './money.ts';
import type { Candidate } from './types.ts';

const MAX_CACHED_PATTERNS = 256;
const compiled = new Map<string, RegExp | null>();

/** Compiles a catalogue pattern once; an invalid one becomes null ("never matches"). */
export function compilePattern(source: string): RegExp | null {
  const cached = compiled.get(source);
  if (cached !== undefined) return cached;
  let pattern: RegExp | null;
  try {
    pattern = new RegExp(source);
  } catch {
    pattern = null;
  }
  if (compiled.size >= MAX_CACHED_PATTERNS) compiled.clear();
  compiled.set(source, pattern);
  return pattern;
}

/** The value of a form field or `<meta content>` when the element has no text of its own. */
function elementText(element: Element | null): string | null {
  const text = shortText(element);
  if (text) return text;
  const attribute = element?.getAttribute('content') ?? element?.getAttribute('value') ?? null;
  return attribute !== null && attribute.length <= MAX_NODE_TEXT ? attribute.trim() : null;
}

function extractOrderId(text: string, source: string | undefined): string | null {
  if (source === undefined || source === '') return text;
  const pattern = compilePattern(source);
  if (pattern === null) return null;
  const match = pattern.exec(text);
  if (match === null) return null;
  return match[1] ?? match[0];
}

export function detectPartnerRule(doc: Document, url: URL, partner?: Partner, _ctx?: DetectContext): Candidate | null {
  const rule = partner?.detection;
  if (rule === undefined || partner === undefined) return null;
  const pathPattern = compilePattern(rule.pathPattern);
  if (pathPattern === null || url.pathname.length > 2000 || !pathPattern.test(url.pathname)) return null;

  const orderText = elementText(safeQuery(doc, rule.orderIdSelector));
  const amountText = elementText(safeQuery(doc, rule.amountSelector));
  if (!orderText || !amountText) return null;
  const orderId = extractOrderId(orderText, rule.orderIdPattern);
  return makeCandidate(orderId, findMoney(amountText, partner.currency), 'partner-rule');
}
