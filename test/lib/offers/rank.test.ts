import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Offer, Partner } from '../../../lib/contract/index.ts';
import { listPurchasesSince, saveCatalog, type Receipt } from '../../../lib/db/index.ts';
import { HALF_LIFE_DAYS, LOOKBACK_DAYS, lookbackStart, rankOffers, type RankedReceipt, type RankInput } from '../../../lib/offers/rank.ts';
import { freshDb } from '../support.ts';

const NOW = new Date('2025-06-01T12:00:00Z');
const DAY_MS = 86_400_000;

function partner(id: string, name: string, category: string): Partner {
  return { id, name, domains: [`${id}.example`], category, earn: { points: 1, per: 1 }, currency: 'EUR', holdDays: 30, autoConfirm: false };
}
const seitenweise = partner('seitenweise', 'Buchhandlung Seitenweise', 'Books');
const lesezeichen = partner('lesezeichen', 'Lesezeichen', 'Books');
const schuhhaus = partner('schuhhaus', 'Schuhhaus', 'Shoes');
const gartenglueck = partner('gartenglueck', 'Gartenglück', 'Garden');
const blumen = partner('blumen', 'Blumenwiese', 'Garden');
const partners = [seitenweise, lesezeichen, schuhhaus, gartenglueck, blumen];

function offer(id: string, partnerId: string | undefined, extra: Partial<Offer> = {}): Offer {
  return {
    id,
    title: id,
    ...(partnerId ? { partnerId } : {}),
    kind: 'bonus',
    bonusPoints: 100,
    startsAt: '2025-05-01T00:00:00Z',
    endsAt: '2025-07-01T00:00:00Z',
    ...extra,
  };
}
// In display order: the order of an unranked popup.
const running = [
  offer('shoes', 'schuhhaus'),
  offer('everywhere', undefined),
  offer('garden', 'gartenglueck'),
  offer('books', 'seitenweise'),
  offer('more-books', 'lesezeichen'),
];

function bought(partnerId: string, daysAgo: number, extra: Partial<RankedReceipt> = {}): RankedReceipt {
  return { partnerId, amountMinor: 5000, detectedAt: new Date(NOW.getTime() - daysAgo * DAY_MS).toISOString(), ...extra };
}

function rank(receipts: RankedReceipt[], extra: Partial<RankInput> = {}) {
  return rankOffers({ offers: running, partners, receipts, now: NOW, ...extra });
}
const ids = (ranking: ReturnType<typeof rank>) => ranking.offers.map((r) => r.offer.id);

afterEach(() => vi.restoreAllMocks());

describe('rankOffers: what it must do', () => {
  it('keeps the original order and suggests nothing for a member without receipts', () => {
    const ranking = rank([]);
    expect(ids(ranking)).toEqual(['shoes', 'everywhere', 'garden', 'books', 'more-books']);
    expect(ranking.offers.every((r) => r.reason === undefined)).toBe(true);
    expect(ranking.partners).toEqual([]);
  });

  it('puts the offers of the shops the member buys at first, with the shop as the reason', () => {
    const ranking = rank([bought('seitenweise', 3), bought('seitenweise', 20), bought('gartenglueck', 10)]);
    expect(ids(ranking).slice(0, 2)).toEqual(['books', 'garden']);
    expect(ranking.offers[0]?.reason).toEqual({ kind: 'partner', partnerId: 'seitenweise' });
    expect(ranking.offers[1]?.reason).toEqual({ kind: 'partner', partnerId: 'gartenglueck' });
  });

  it('ranks another shop of a category the member buys in next, with the category as the reason', () => {
    const ranking = rank([bought('seitenweise', 3)]);
    expect(ids(ranking)).toEqual(['books', 'more-books', 'shoes', 'everywhere', 'garden']);
    expect(ranking.offers[1]?.reason).toEqual({ kind: 'category', category: 'Books' });
    // Nothing speaks for the rest: no reason, and their original order.
    expect(ranking.offers.slice(2).map((r) => r.reason)).toEqual([undefined, undefined, undefined]);
  });

  it('counts frequency: three purchases at one shop beat one purchase at another on the same day', () => {
    const ranking = rank([bought('gartenglueck', 5), bought('schuhhaus', 5), bought('schuhhaus', 5), bought('schuhhaus', 5)]);
    expect(ids(ranking).slice(0, 2)).toEqual(['shoes', 'garden']);
  });

  it('lets a recent purchase beat an old habit', () => {
    const oldHabit = Array.from({ length: 8 }, (_, i) => bought('schuhhaus', 300 + i * 5));
    const ranking = rank([...oldHabit, bought('gartenglueck', 2)]);
    expect(ids(ranking).slice(0, 2)).toEqual(['garden', 'shoes']);
    // The old habit still counts for something.
    expect(ranking.offers[1]?.reason).toEqual({ kind: 'partner', partnerId: 'schuhhaus' });
  });

  it('halves the weight of a purchase every half-life', () => {
    // One purchase a half-life ago weighs what two purchases two half-lives ago weigh.
    const even = rank([bought('schuhhaus', HALF_LIFE_DAYS), bought('gartenglueck', 2 * HALF_LIFE_DAYS), bought('gartenglueck', 2 * HALF_LIFE_DAYS)]);
    // Equal scores: the original order decides.
    expect(ids(even).slice(0, 2)).toEqual(['shoes', 'garden']);
    const swapped = rank([bought('gartenglueck', HALF_LIFE_DAYS), bought('schuhhaus', 2 * HALF_LIFE_DAYS), bought('schuhhaus', 2 * HALF_LIFE_DAYS)]);
    expect(ids(swapped).slice(0, 2)).toEqual(['shoes', 'garden']);
  });

  it('raises an offer the member already takes part in', () => {
    const books = offer('books', 'seitenweise', { startsAt: '2025-05-25T00:00:00Z' });
    const moreBooks = offer('more-books', 'lesezeichen');
    // One purchase at each, the same day; only the one at Lesezeichen falls in its offer's window.
    const ranking = rankOffers({
      offers: [books, moreBooks],
      partners,
      receipts: [bought('seitenweise', 10), bought('lesezeichen', 10)],
      now: NOW,
    });
    expect(ranking.offers.map((r) => r.offer.id)).toEqual(['more-books', 'books']);
  });

  it('suggests at most three partners from the member\'s categories where the member has not shopped, those with an offer first', () => {
    const hedge = partner('hecke', 'Heckenschere', 'Garden');
    const bookworm = partner('buecherwurm', 'Bücherwurm', 'Books');
    const ranking = rank([bought('seitenweise', 3), bought('seitenweise', 4), bought('gartenglueck', 30)], {
      partners: [...partners, hedge, bookworm],
    });
    expect(ranking.partners.map((s) => s.partner.id)).toEqual(['lesezeichen', 'buecherwurm', 'blumen']);
    expect(ranking.partners[0]).toMatchObject({ offer: { id: 'more-books' }, reason: { kind: 'category', category: 'Books' } });
    expect(ranking.partners[1]?.offer).toBeUndefined();
    expect(ranking.partners.map((s) => s.partner.id)).not.toContain('schuhhaus');
  });

  it('gives the same order for the same history, however the receipts are ordered', () => {
    const receipts = [bought('schuhhaus', 10), bought('gartenglueck', 10), bought('seitenweise', 10), bought('lesezeichen', 40)];
    const first = rank(receipts);
    expect(rank([...receipts].reverse())).toEqual(first);
    expect(rank(receipts)).toEqual(first);
  });

  it('ranks 10,000 receipts quickly and without a request', () => {
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    const ids_ = partners.map((p) => p.id);
    const receipts = Array.from({ length: 10_000 }, (_, i) => bought(ids_[i % ids_.length]!, i % LOOKBACK_DAYS, i % 7 === 0 ? { server: { status: 'rejected' } } : {}));
    const started = performance.now();
    const ranking = rank(receipts);
    const elapsedMs = performance.now() - started;
    expect(ranking.offers).toHaveLength(running.length);
    // Generous for a shared machine; the popup's budget is checked by `npm run bench`.
    expect(elapsedMs).toBeLessThan(500);
    expect(fetchSpy).not.toHaveBeenCalled();
  });
});

describe('rankOffers: what it must refuse', () => {
  it('counts rejected and reversed receipts for nothing', () => {
    const ranking = rank([
      bought('schuhhaus', 1, { server: { status: 'rejected' } }),
      bought('schuhhaus', 1, { server: { status: 'reversed' } }),
    ]);
    expect(ids(ranking)).toEqual(['shoes', 'everywhere', 'garden', 'books', 'more-books']);
    expect(ranking.offers.every((r) => r.reason === undefined)).toBe(true);
    expect(ranking.partners).toEqual([]);
  });

  it('ignores receipts older than the look-back year', () => {
    expect(rank([bought('schuhhaus', LOOKBACK_DAYS + 1)]).offers[0]?.reason).toBeUndefined();
  });

  it('moves an offer the member has used up to the end, without a reason', () => {
    const once = offer('once', 'schuhhaus', { perMemberLimit: 1 });
    const ranking = rankOffers({ offers: [once, offer('garden', 'gartenglueck')], partners, receipts: [bought('schuhhaus', 2), bought('gartenglueck', 200)], now: NOW });
    expect(ranking.offers).toEqual([{ offer: offer('garden', 'gartenglueck'), reason: { kind: 'partner', partnerId: 'gartenglueck' } }, { offer: once }]);
  });

  it('never suggests a muted partner', () => {
    const ranking = rank([bought('seitenweise', 3)], { mutedPartnerIds: ['lesezeichen'] });
    expect(ranking.partners).toEqual([]);
  });

  it('does not let a receipt dated in the future outweigh a new one', () => {
    const ranking = rank([bought('schuhhaus', -400), bought('gartenglueck', 0), bought('gartenglueck', 0)]);
    expect(ids(ranking).slice(0, 2)).toEqual(['garden', 'shoes']);
  });

  it('copes with receipts of shops the catalogue no longer knows', () => {
    const ranking = rank([bought('gone', 1)]);
    expect(ranking.offers.every((r) => r.reason === undefined)).toBe(true);
  });
});

describe('listPurchasesSince', () => {
  it('reads only the receipts of the look-back year, through the detection-time index', async () => {
    const db = await freshDb();
    await saveCatalog(db, { partners, fetchedAt: NOW.toISOString() });
    const receipt = (id: string, daysAgo: number): Receipt => {
      const { partnerId, amountMinor, detectedAt } = bought('schuhhaus', daysAgo);
      return { id, orderId: id, partnerId, amountMinor, detectedAt, method: 'json-ld', currency: 'EUR', estimatedPoints: 1 };
    };
    const tx = db.transaction('purchases', 'readwrite');
    await Promise.all([tx.store.put(receipt('new', 1)), tx.store.put(receipt('old', LOOKBACK_DAYS + 2)), tx.store.put(receipt('mid', 100)), tx.done]);
    const read = await listPurchasesSince(db, lookbackStart(NOW));
    expect(read.map((r) => r.id)).toEqual(['mid', 'new']);
  });
});
