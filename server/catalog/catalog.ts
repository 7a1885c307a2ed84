/** Reading the catalogue (partners, offers, rewards) from the database. */
import type { Offer, Partner, Reward } from '../../lib/contract/index.ts';
import type { Queryable } from '../db/index.ts';

export interface PartnerRecord {
  partner: Partner;
  /** The key the partner signs confirmations with; never leaves the server. */
  secret: string;
  fraud: { maxPurchasesPerMemberPerDay?: number; maxAmountMinorPerMemberPerDay?: number } | null;
}

export async function getPartner(db: Queryable, id: string): Promise<PartnerRecord | undefined> {
  const rows = await db.query<{ doc: Partner; secret: string; fraud: PartnerRecord['fraud'] }>(
    'SELECT doc, secret, fraud FROM partners WHERE id = $1',
    [id],
  );
  const row = rows[0];
  return row && { partner: row.doc, secret: row.secret, fraud: row.fraud };
}

export async function listPartners(db: Queryable): Promise<Partner[]> {
  return (await db.query<{ doc: Partner }>('SELECT doc FROM partners ORDER BY id')).map((r) => r.doc);
}

/** Offers running at `at` (or ending later, with `includeUpcoming`). */
export async function listOffers(db: Queryable, at: Date, opts: { includeUpcoming?: boolean } = {}): Promise<Offer[]> {
  const sql = opts.includeUpcoming
    ? 'SELECT doc FROM offers WHERE ends_at > $1 ORDER BY starts_at, id'
    : 'SELECT doc FROM offers WHERE starts_at <= $1 AND ends_at > $1 ORDER BY starts_at, id';
  return (await db.query<{ doc: Offer }>(sql, [at.toISOString()])).map((r) => r.doc);
}

export async function listRewards(db: Queryable, opts: { activeOnly?: boolean } = {}): Promise<Reward[]> {
  const sql = opts.activeOnly ? 'SELECT doc FROM rewards WHERE active ORDER BY id' : 'SELECT doc FROM rewards ORDER BY id';
  return (await db.query<{ doc: Reward }>(sql)).map((r) => r.doc);
}

export async function catalogVersion(db: Queryable, name: 'partners' | 'offers' | 'rewards'): Promise<number> {
  const rows = await db.query<{ version: number }>('SELECT version FROM catalog_versions WHERE name = $1', [name]);
  return rows[0]?.version ?? 0;
}

export async function bumpCatalogVersion(tx: Queryable, name: 'partners' | 'offers' | 'rewards'): Promise<void> {
  await tx.query('UPDATE catalog_versions SET version = version + 1 WHERE name = $1', [name]);
}
