/**
 * Personal offers, ranked on the device: which running offers and which
 * partners fit this member, judged from the member's own receipts and the
 * catalogue. A pure function of its arguments; it reads nothing, stores
 * nothing and sends nothing, so the ranking never leaves the device.
 *
 * A receipt counts for its partner and for the partner's category with a
 * weight that halves every `HALF_LIFE_DAYS`, so frequent and recent shopping
 * outweighs an old habit. Receipts older than `LOOKBACK_DAYS` and receipts the
 * server rejected or reversed count for nothing.
 */
import type { Offer, Partner } from '../contract/index.ts';
import type { Receipt } from '../db/schema.ts';
import { LOOKBACK_DAYS } from './lookback.ts';

export { LOOKBACK_DAYS, lookbackStart } from './lookback.ts';

export const HALF_LIFE_DAYS = 60;
/** At most this many "partners you might like". */
export const MAX_PARTNER_SUGGESTIONS = 3;

/** How much a purchase in the same category counts towards a partner's offer, against a purchase at that partner. */
const CATEGORY_SHARE = 0.5;
/** What each earlier use of the same running offer adds: the member takes part in it. */
const OFFER_USE_WEIGHT = 0.5;
/** A partner with a running offer is twice as worth suggesting as one without. */
const RUNNING_OFFER_FACTOR = 2;
/** Scores are compared after rounding, so float noise never decides between two equal histories. */
const SCORE_STEPS = 1e6;

const DAY_MS = 86_400_000;

/** Why an item is suggested, as data; the UI words it. */
export type SuggestionReason = { kind: 'partner'; partnerId: string } | { kind: 'category'; category: string };

export interface RankedOffer {
  offer: Offer;
  /** Absent when nothing in the member's receipts speaks for it. */
  reason?: SuggestionReason;
}

export interface PartnerSuggestion {
  partner: Partner;
  /** The partner's running offer that ends soonest, if any. */
  offer?: Offer;
  reason: SuggestionReason;
}

export interface Ranking {
  offers: RankedOffer[];
  partners: PartnerSuggestion[];
}

/** What the ranking reads of a receipt. */
export type RankedReceipt = Pick<Receipt, 'partnerId' | 'amountMinor' | 'detectedAt'> & {
  server?: Pick<NonNullable<Receipt['server']>, 'status' | 'amountMinor'>;
};

export interface RankInput {
  /** The running offers in the order shown without personal ranking; items without a reason keep it. */
  offers: readonly Offer[];
  partners: readonly Partner[];
  receipts: readonly RankedReceipt[];
  now: Date;
  /** Partners the member muted: never suggested. */
  mutedPartnerIds?: readonly string[];
}

/** The same offers in the order an unranked popup shows them: nothing suggested. */
export function unranked(offers: readonly Offer[]): Ranking {
  return { offers: offers.map((offer) => ({ offer })), partners: [] };
}

export function rankOffers(input: RankInput): Ranking {
  const partnersById = new Map(input.partners.map((p) => [p.id, p]));
  const history = affinity(input.receipts, partnersById, input.now);
  if (history.byPartner.size === 0) return unranked(input.offers);
  return {
    offers: rankRunningOffers(input.offers, partnersById, history),
    partners: suggestPartners(input, history),
  };
}

interface Affinity {
  byPartner: Map<string, number>;
  byCategory: Map<string, number>;
  /** Counting receipts per partner: when (epoch ms) and the amount that stands. */
  purchases: Map<string, Array<{ atMs: number; amountMinor: number }>>;
}

function affinity(receipts: readonly RankedReceipt[], partnersById: ReadonlyMap<string, Partner>, now: Date): Affinity {
  const nowMs = now.getTime();
  const result: Affinity = { byPartner: new Map(), byCategory: new Map(), purchases: new Map() };
  for (const receipt of receipts) {
    const status = receipt.server?.status;
    if (status === 'rejected' || status === 'reversed') continue;
    const atMs = Date.parse(receipt.detectedAt);
    // A receipt from the future (a clock set wrong) counts as new, never as more than new.
    const ageDays = Math.max(0, nowMs - atMs) / DAY_MS;
    if (!(ageDays <= LOOKBACK_DAYS)) continue;
    const weight = 0.5 ** (ageDays / HALF_LIFE_DAYS);
    add(result.byPartner, receipt.partnerId, weight);
    const category = partnersById.get(receipt.partnerId)?.category;
    if (category !== undefined) add(result.byCategory, category, weight);
    let list = result.purchases.get(receipt.partnerId);
    if (list === undefined) result.purchases.set(receipt.partnerId, (list = []));
    list.push({ atMs, amountMinor: receipt.server?.amountMinor ?? receipt.amountMinor });
  }
  return result;
}

function add(map: Map<string, number>, key: string, value: number): void {
  map.set(key, (map.get(key) ?? 0) + value);
}

/**
 * Receipts that took part in this offer: at its partner, inside its window,
 * at or above its minimum. Receipts carry no offer ids, so this is the
 * device's own reading of the offer's terms.
 */
function usesOf(offer: Offer, history: Affinity): number {
  if (offer.partnerId === undefined) return 0;
  const startMs = Date.parse(offer.startsAt);
  const endMs = Date.parse(offer.endsAt);
  const minimum = offer.minAmountMinor ?? 0;
  let uses = 0;
  for (const p of history.purchases.get(offer.partnerId) ?? []) {
    if (p.atMs >= startMs && p.atMs < endMs && p.amountMinor >= minimum) uses++;
  }
  return uses;
}

function rankRunningOffers(offers: readonly Offer[], partnersById: ReadonlyMap<string, Partner>, history: Affinity): RankedOffer[] {
  const scored: Array<{ offer: Offer; reason: SuggestionReason; score: number; position: number }> = [];
  const plain: RankedOffer[] = [];
  const usedUp: RankedOffer[] = [];
  offers.forEach((offer, position) => {
    const partner = offer.partnerId === undefined ? undefined : partnersById.get(offer.partnerId);
    if (partner === undefined) return void plain.push({ offer });
    const uses = usesOf(offer, history);
    // An offer the member has used as often as it allows is of no more use to them.
    if (offer.perMemberLimit !== undefined && uses >= offer.perMemberLimit) return void usedUp.push({ offer });
    const atPartner = history.byPartner.get(partner.id) ?? 0;
    const inCategory = history.byCategory.get(partner.category) ?? 0;
    const score = quantise(atPartner + CATEGORY_SHARE * inCategory + OFFER_USE_WEIGHT * uses);
    if (score <= 0) return void plain.push({ offer });
    const reason: SuggestionReason = atPartner > 0 ? { kind: 'partner', partnerId: partner.id } : { kind: 'category', category: partner.category };
    scored.push({ offer, reason, score, position });
  });
  scored.sort((a, b) => b.score - a.score || a.position - b.position);
  return [...scored.map(({ offer, reason }) => ({ offer, reason })), ...plain, ...usedUp];
}

/** Partners in categories the member buys from, where the member has not shopped in the look-back year. */
function suggestPartners(input: RankInput, history: Affinity): PartnerSuggestion[] {
  const muted = new Set(input.mutedPartnerIds ?? []);
  const candidates: Array<PartnerSuggestion & { score: number }> = [];
  for (const partner of input.partners) {
    if (muted.has(partner.id) || history.byPartner.has(partner.id)) continue;
    const inCategory = history.byCategory.get(partner.category) ?? 0;
    if (inCategory <= 0) continue;
    const offer = input.offers.find((o) => o.partnerId === partner.id);
    const score = quantise(inCategory * (offer === undefined ? 1 : RUNNING_OFFER_FACTOR));
    candidates.push({ partner, ...(offer ? { offer } : {}), reason: { kind: 'category', category: partner.category }, score });
  }
  candidates.sort((a, b) => b.score - a.score || compareIds(a.partner.id, b.partner.id));
  return candidates.slice(0, MAX_PARTNER_SUGGESTIONS).map(({ score: _score, ...suggestion }) => suggestion);
}

function quantise(score: number): number {
  return Math.round(score * SCORE_STEPS) / SCORE_STEPS;
}

/** Code-unit order: the same in every locale, so the order never depends on the browser's language. */
function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
