/**
 * The verdict: the readers' evidence weighed together, and the order number
 * and total chosen from their finds.
 *
 * - Any veto (the place-order button of a review step) ends it: no order.
 * - Otherwise the page is a confirmation when its evidence adds up to
 *   `CONFIRMATION_SCORE` with at least one strong piece from the content
 *   (a purchase event, a schema.org Order, a thank-you for the order);
 *   URL and body class alone never suffice.
 * - Values: the find of the highest rank wins (the number and total the
 *   page shows beat analytics ids and values, which beat affiliate
 *   amounts). Several different values at that rank are settled by a
 *   lower-ranked source that agrees with exactly one of them; if none does,
 *   or a value is missing, the member is asked.
 */
import type { Money } from './money.ts';
import { VETO, type AmbiguityReason, type Candidate, type Evidence, type OrderIdFind, type Reading, type TotalFind, type Verdict } from './types.ts';

export const CONFIRMATION_SCORE = 10;
/** A piece of content evidence strong enough to stand for a confirmation with others. */
export const STRONG_EVIDENCE = 5;
const STRONG = STRONG_EVIDENCE;
const MAX_CHOICES = 5;

function idKey(value: string): string {
  return value.toUpperCase();
}

function moneyKey(money: Money): string {
  return `${money.amountMinor} ${money.currency}`;
}

interface Pick<T> {
  chosen: T | null;
  choices: T[];
}

function pick<F extends { rank: number }, T>(finds: F[], valueOf: (find: F) => T, keyOf: (value: T) => string): Pick<F> {
  if (finds.length === 0) return { chosen: null, choices: [] };
  const best = Math.max(...finds.map((find) => find.rank));
  const top = new Map<string, F>();
  for (const find of finds) {
    const key = keyOf(valueOf(find));
    if (find.rank === best && !top.has(key)) top.set(key, find);
  }
  if (top.size === 1) return { chosen: [...top.values()][0] ?? null, choices: [] };
  const lower = new Set(finds.filter((find) => find.rank < best).map((find) => keyOf(valueOf(find))));
  const corroborated = [...top.entries()].filter(([key]) => lower.has(key));
  if (corroborated.length === 1) return { chosen: corroborated[0]?.[1] ?? null, choices: [] };
  return { chosen: null, choices: [...top.values()].slice(0, MAX_CHOICES) };
}

/**
 * A page that thanks for the order in so many words, with nothing against it,
 * is a confirmation even when it shows neither number nor total (Sunrise,
 * HikaShop, Phoenix without their tags): not enough to record, enough to ask
 * the member. Anything against it (a review step's address, an account page,
 * a failed payment, a cart) keeps it silent.
 */
function thanksAlone(evidence: readonly Evidence[]): boolean {
  // A heading that says the order went through ("Order Placed Successfully", AvoRed) stands for a thank-you here.
  const thanks = evidence.some((item) => (item.signal === 'order-thanks' || item.signal === 'order-status') && item.weight >= THANKS_TO_ASK);
  // Only the address may speak against it, as a hint: HikaShop's last step is /checkout/show/5 whatever it shows.
  return thanks && evidence.every((item) => item.weight > -3);
}

/** The weight of a thank-you for the order standing alone or as a heading (labels-reader.ts). */
const THANKS_TO_ASK = 6;

export function weigh(readings: Reading[]): Verdict {
  const evidence = readings.flatMap((reading) => reading.evidence);
  const score = evidence.reduce((sum, item) => sum + item.weight, 0);
  const veto = evidence.find((item) => item.weight <= VETO);
  if (veto !== undefined) return { kind: 'none', reason: `not an order confirmation: ${veto.detail}`, score, readings };

  const strongest = Math.max(0, ...readings.filter((reading) => reading.reader !== 'page').flatMap((reading) => reading.evidence.map((item) => item.weight)));
  if ((score < CONFIRMATION_SCORE || strongest < STRONG) && !thanksAlone(evidence)) {
    const against = evidence.filter((item) => item.weight < 0).map((item) => item.detail);
    const reason =
      evidence.some((item) => item.weight > 0)
        ? `not enough evidence of an order confirmation (score ${score} of ${CONFIRMATION_SCORE}${against.length > 0 ? `; against: ${against.join('; ')}` : ''})`
        : 'no evidence of an order confirmation: no purchase event, no schema.org Order, no thank-you for an order';
    return { kind: 'none', reason, score, readings };
  }

  const idFinds: Array<OrderIdFind & { reader: string }> = readings.flatMap((reading) => reading.orderIds.map((find) => ({ ...find, reader: reading.reader })));
  const totalFinds: Array<TotalFind & { reader: string }> = readings.flatMap((reading) => reading.totals.map((find) => ({ ...find, reader: reading.reader })));
  const ids = pick(idFinds, (find) => find.value, idKey);
  const totals = pick(totalFinds, (find) => find.money, moneyKey);
  const method = ids.chosen?.method ?? ids.chosen?.reader ?? idFinds[0]?.method ?? idFinds[0]?.reader ?? readings[0]?.reader ?? 'labels';

  if (ids.chosen !== null && totals.chosen !== null) {
    const candidate: Candidate = {
      orderId: ids.chosen.value,
      amountMinor: totals.chosen.money.amountMinor,
      currency: totals.chosen.money.currency,
      method,
    };
    return { kind: 'order', candidate, score, readings };
  }
  const reason: AmbiguityReason =
    ids.chosen === null ? (ids.choices.length > 1 ? 'ambiguous_order_id' : 'no_order_id') : totals.choices.length > 1 ? 'ambiguous_total' : 'no_total';
  const orderIds = ids.chosen !== null ? [ids.chosen.value] : ids.choices.map((find) => find.value);
  const amounts = totals.chosen !== null ? [totals.chosen.money] : totals.choices.map((find) => find.money);
  return { kind: 'ambiguous', reason, choices: { orderIds, totals: amounts }, method, score, readings };
}
