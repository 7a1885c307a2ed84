/**
 * Order ids are compared after normalisation, so that `A-1001 `, `Ａ-1001`
 * (fullwidth) and, at a partner whose order numbers ignore case, `a-1001` are
 * all the order `A-1001`, and nobody can claim a real order a second time by
 * dressing its number up (DESIGN.md, "A purchase sent by the extension").
 *
 * Unicode NFKC folds compatibility forms (fullwidth letters, ligatures,
 * non-breaking spaces), the result is trimmed, and an id that still holds a
 * control, format (zero-width, bidi), surrogate or line/paragraph separator
 * character is refused: no shop prints those in an order number.
 */

/** The longest order id, after normalisation as before. */
export const MAX_ORDER_ID_LENGTH = 64;

const FORBIDDEN = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\u2028\u2029]/u;

export type OrderIdCheck = { ok: true; orderId: string } | { ok: false; reason: string };

/**
 * The order id as it is stored and compared. `caseSensitive` is the
 * partner's setting: by default order numbers are compared ignoring case
 * (stored upper-cased), since shops print them in one case and members
 * retype them in another.
 */
export function normaliseOrderId(raw: string, caseSensitive = false): OrderIdCheck {
  if (FORBIDDEN.test(raw)) return { ok: false, reason: 'control or format characters' };
  const folded = raw.normalize('NFKC').trim();
  if (folded === '') return { ok: false, reason: 'empty' };
  if (folded.length > MAX_ORDER_ID_LENGTH) return { ok: false, reason: `longer than ${MAX_ORDER_ID_LENGTH} characters` };
  if (FORBIDDEN.test(folded)) return { ok: false, reason: 'control or format characters' };
  return { ok: true, orderId: caseSensitive ? folded : folded.toUpperCase() };
}
