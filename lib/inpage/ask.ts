/**
 * The member in the loop: when a partner page is clearly an order
 * confirmation but its order number or total is not (several totals, none
 * found), the in-page moment asks "Did you just order?" with the values it
 * found, editable, instead of staying silent. What the member confirms is
 * recorded with method `member-confirmed`; the server books it pending like
 * any other purchase, and the operator can tell it apart.
 */
import { MEMBER_CONFIRMED_METHOD } from '../contract/index.ts';
import type { Candidate, Verdict } from '../detect/types.ts';
import { parseMoney } from '../detect/money.ts';
import { currencyExponent } from '../detect/currency.ts';

export const MEMBER_CONFIRMED = MEMBER_CONFIRMED_METHOD;

/** What the moment shows: the values the page offered, first the likeliest. */
export interface AskMoment {
  partnerName: string;
  /** The partner's currency, or the one the page's totals are in. */
  currency: string;
  orderIds: string[];
  /** Amounts in minor units of `currency`. */
  totals: number[];
}

/** The moment for an unclear confirmation, or null when there is nothing to ask (the page never said it was an order). */
export function askMomentFor(verdict: Verdict, partner: { name: string; currency: string }): AskMoment | null {
  if (verdict.kind !== 'ambiguous') return null;
  const currency = verdict.choices.totals[0]?.currency ?? partner.currency;
  const totals = [...new Set(verdict.choices.totals.filter((total) => total.currency === currency).map((total) => total.amountMinor))];
  return {
    partnerName: partner.name,
    currency,
    orderIds: [...new Set(verdict.choices.orderIds)].slice(0, 5),
    totals: totals.slice(0, 5),
  };
}

export type AskAnswer = { ok: true; candidate: Candidate } | { ok: false; problem: 'order_id' | 'total' };

/** Printable, no spaces inside, as shops write order numbers; the same bound as the contract's. */
const ORDER_ID = /^[\p{L}\p{N}][\p{L}\p{N}\-_./#]{0,63}$/u;

/**
 * The purchase the member confirmed: the order number as typed (trimmed, a
 * leading "#" dropped) and the total read in the moment's currency, e.g.
 * "114,00", "114.00 €" or "1.234,56".
 */
export function answerFrom(moment: AskMoment, orderIdText: string, totalText: string): AskAnswer {
  const orderId = orderIdText.trim().replace(/^#\s*/, '');
  if (!ORDER_ID.test(orderId)) return { ok: false, problem: 'order_id' };
  const amountMinor = readTotal(totalText, moment.currency);
  if (amountMinor === null) return { ok: false, problem: 'total' };
  return { ok: true, candidate: { orderId, amountMinor, currency: moment.currency, method: MEMBER_CONFIRMED } };
}

/** A total the member typed, in minor units of `currency`; null when it is no positive amount. */
export function readTotal(text: string, currency: string): number | null {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed.length > 40) return null;
  const money = parseMoney(trimmed, currency);
  if (money !== null) return money.currency === currency && money.amountMinor > 0 ? money.amountMinor : null;
  // A bare whole number ("114") is the amount in major units.
  if (/^\d{1,9}$/.test(trimmed)) {
    const minor = Number(trimmed) * 10 ** (currencyExponent(currency) ?? 2);
    return minor > 0 ? minor : null;
  }
  return null;
}
