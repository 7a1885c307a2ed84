/**
 * Small helpers every detector shares: reading short texts from the page,
 * cleaning an order number, and assembling a candidate that is safe to store.
 */
import { MAX_AMOUNT_MINOR } from '../contract/index.ts';
import type { Money } from './money.ts';
import type { Candidate } from './types.ts';

/** Texts of nodes we read are labels and price tags; a longer text means we picked the wrong node. */
export const MAX_NODE_TEXT = 400;

/** An order number as it may be stored and sent: printable, no markup, no spaces. */
const ORDER_ID = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$/;

/**
 * The order number as the customer sees it, without a leading `#` or `Nr.`;
 * null for anything that is not a plain token (markup, control characters,
 * spaces inside, more than 64 characters).
 */
export function cleanOrderId(raw: unknown): string | null {
  if (typeof raw === 'number' && Number.isSafeInteger(raw) && raw > 0) return String(raw);
  if (typeof raw !== 'string' || raw.length > 200) return null;
  const text = raw.replace(/[\u00a0\u202f\u2009]/g, ' ').trim().replace(/^(?:#|no\.|nr\.|№)\s*/i, '');
  return ORDER_ID.test(text) ? text : null;
}

/** The trimmed text of a small node; null when the node is absent or suspiciously long. */
export function shortText(node: Element | null | undefined): string | null {
  if (!node) return null;
  const text = node.textContent;
  if (text === null || text.length > MAX_NODE_TEXT) return null;
  return text.replace(/\s+/g, ' ').trim();
}

/** `querySelector` that treats an invalid selector (from a catalogue rule) as "nothing found". */
export function safeQuery(root: ParentNode, selector: string): Element | null {
  try {
    return root.querySelector(selector);
  } catch {
    return null;
  }
}

/** True when the body carries every one of the given classes. */
export function bodyHasClasses(doc: Document, ...classNames: string[]): boolean {
  const list = doc.body?.classList;
  return list !== undefined && classNames.every((name) => list.contains(name));
}

/** Builds the candidate a detector returns, or null if any part fails the contract's limits. */
export function makeCandidate(rawOrderId: unknown, money: Money | null, method: string): Candidate | null {
  if (money === null) return null;
  const orderId = cleanOrderId(rawOrderId);
  if (orderId === null) return null;
  const { amountMinor, currency } = money;
  if (!Number.isSafeInteger(amountMinor) || amountMinor <= 0 || amountMinor > MAX_AMOUNT_MINOR) return null;
  if (!/^[A-Z]{3}$/.test(currency)) return null;
  return { orderId, amountMinor, currency, method };
}

/** Inline (not external) scripts of the page, skipping JSON-LD and other data blocks. */
export function inlineScriptTexts(doc: Document, maxLength: number): string[] {
  const texts: string[] = [];
  for (const script of Array.from(doc.getElementsByTagName('script'))) {
    if (script.hasAttribute('src')) continue;
    const type = (script.getAttribute('type') ?? '').trim().toLowerCase();
    if (type !== '' && type !== 'text/javascript' && type !== 'module' && type !== 'application/javascript') continue;
    const text = script.textContent ?? '';
    if (text.length > 0 && text.length <= maxLength) texts.push(text);
  }
  return texts;
}
