/**
 * A partner's own rules from the catalogue: a path pattern for its
 * confirmation page and selectors for the order number and the total. The
 * rules come from the operator, but a broken one must only fail to match,
 * never break detection for the page.
 */
import { ReadingBuilder } from './common.ts';
import { findMoney } from './money.ts';
import { MAX_NODE_TEXT, safeQuery, shortText, type Page } from './page.ts';
import { RANK, type Reading } from './types.ts';

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

/**
 * The partner's rule from the catalogue: on its confirmation path, the
 * operator's selectors name the order number and the total. When they
 * match, that settles the values (the rule is the operator's word for this
 * shop); when they do not, the other readers still have their say.
 */
export function readPartnerRule(page: Page): Reading | null {
  const { partner, url, doc } = page;
  const rule = partner?.detection;
  if (rule === undefined || partner === undefined) return null;
  const pathPattern = compilePattern(rule.pathPattern);
  if (pathPattern === null || url.pathname.length > 2000 || !pathPattern.test(url.pathname)) return null;

  const reading = new ReadingBuilder('partner-rule');
  const orderText = elementText(safeQuery(doc, rule.orderIdSelector));
  const amountText = elementText(safeQuery(doc, rule.amountSelector));
  const orderId = orderText ? extractOrderId(orderText, rule.orderIdPattern) : null;
  reading.orderId(orderId, RANK.partnerRule, `partner rule ${rule.orderIdSelector}`);
  reading.total(amountText ? findMoney(amountText, page.hint) : null, RANK.partnerRule, `partner rule ${rule.amountSelector}`);
  if (reading.orderIds.length > 0) reading.for('partner-rule', 20, `the partner's rule for ${rule.pathPattern}`);
  return reading.build();
}
