/**
 * The catalogue as ingest reads it (partners with their fraud limits, and
 * offers), kept in memory per database and catalogue version.
 *
 * Every change to partners or offers bumps its version in
 * `catalog_versions` (routes/admin.ts), and every member request reads both
 * versions together with its token (auth.ts). A request that sees a newer
 * version than the copy here drops the copy, so a replica never books with
 * a catalogue older than the one its request started under, and the
 * catalogue costs no query on the booking path while it is unchanged.
 *
 * Partners are fetched on first use, by id: with 50,000 partners a replica
 * holds only the shops its members buy at, and a version change refetches
 * only those. Offers are few and fetched whole.
 */
import type { Offer, Partner } from '../../lib/contract/index.ts';
import type { Queryable } from '../db/index.ts';

export interface CatalogVersions {
  partners: number;
  offers: number;
}

/** A partner's overrides of the default limits (server/purchases/limits.ts); 0 turns one off. */
export interface FraudLimits {
  maxPurchasesPerMemberPerDay?: number;
  maxPurchasesPerMemberPerWeek?: number;
  maxAmountMinorPerMemberPerDay?: number;
  maxSameAmountPerMemberPerWeek?: number;
  holdAboveBasketFactor?: number;
  maxRejectedSharePercent?: number;
  holdOrderIdsOffPattern?: boolean;
}

export interface PartnerInfo {
  partner: Partner;
  fraud: FraudLimits | null;
}

interface OfferRow {
  offer: Offer;
  startsAtMs: number;
  endsAtMs: number;
}

/**
 * How far back an offers copy reaches: offers that ended before then are
 * left out. A booking judged at an earlier instant (a test's clock, a long
 * offline purchase judged at its detection time) fetches a copy that
 * reaches back far enough.
 */
const OFFERS_REACH_MS = 30 * 24 * 60 * 60 * 1000;

class CatalogCache {
  private partners = { version: -1, byId: new Map<string, Promise<PartnerInfo | null>>() };
  private offers: { version: number; sinceMs: number; rows: Promise<OfferRow[]> } | null = null;

  constructor(private readonly db: Queryable) {}

  /** The partners of these ids as of `version` or later; unknown ids are left out. */
  async partnersById(ids: readonly string[], version: number): Promise<Map<string, PartnerInfo>> {
    if (version > this.partners.version) this.partners = { version, byId: new Map() };
    const byId = this.partners.byId;
    const missing = [...new Set(ids)].filter((id) => !byId.has(id));
    if (missing.length > 0) {
      const fetched = this.fetchPartners(missing);
      // A failed fetch is forgotten, so the next request tries again.
      fetched.catch(() => missing.forEach((id) => byId.delete(id)));
      for (const id of missing) byId.set(id, fetched.then((found) => found.get(id) ?? null));
    }
    const found = new Map<string, PartnerInfo>();
    for (const id of new Set(ids)) {
      const info = await byId.get(id)!;
      if (info) found.set(id, info);
    }
    return found;
  }

  private async fetchPartners(ids: readonly string[]): Promise<Map<string, PartnerInfo>> {
    const rows = await this.db.query<{ id: string; doc: Partner; fraud: FraudLimits | null }>(
      'SELECT id, doc, fraud FROM partners WHERE id = ANY($1::text[])',
      [ids],
    );
    return new Map(rows.map((r) => [r.id, { partner: r.doc, fraud: r.fraud }]));
  }

  /** Offers running at some instant from `fromMs` to `toMs` (inclusive), as of `version` or later. */
  async offersBetween(fromMs: number, toMs: number, version: number): Promise<Offer[]> {
    if (!this.offers || version > this.offers.version || fromMs < this.offers.sinceMs) {
      const sinceMs = fromMs - OFFERS_REACH_MS;
      const rows = this.fetchOffers(sinceMs);
      const entry = { version: Math.max(version, this.offers?.version ?? -1), sinceMs, rows };
      rows.catch(() => {
        if (this.offers === entry) this.offers = null;
      });
      this.offers = entry;
    }
    const rows = await this.offers.rows;
    return rows.filter((r) => r.startsAtMs <= toMs && r.endsAtMs > fromMs).map((r) => r.offer);
  }

  private async fetchOffers(sinceMs: number): Promise<OfferRow[]> {
    const rows = await this.db.query<{ doc: Offer; starts_at: Date; ends_at: Date }>(
      'SELECT doc, starts_at, ends_at FROM offers WHERE ends_at > $1 ORDER BY starts_at, id',
      [new Date(sinceMs).toISOString()],
    );
    return rows.map((r) => ({ offer: r.doc, startsAtMs: r.starts_at.getTime(), endsAtMs: r.ends_at.getTime() }));
  }
}

const caches = new WeakMap<Queryable, CatalogCache>();

/** The cache of this database (each test's database has its own). */
export function catalogCache(db: Queryable): CatalogCache {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new CatalogCache(db)));
  return cache;
}

/** Both versions in one read, for callers that did not get them with the token. */
export async function readCatalogVersions(db: Queryable): Promise<CatalogVersions> {
  const rows = await db.query<{ name: string; version: number }>(`SELECT name, version FROM catalog_versions WHERE name IN ('partners', 'offers')`);
  const of = (name: string) => rows.find((r) => r.name === name)?.version ?? 0;
  return { partners: of('partners'), offers: of('offers') };
}
