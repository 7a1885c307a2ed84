/**
 * The catalogue as the operator reads it: every partner with its limits and
 * its reliability whatever the sample (the public catalogue shows the
 * figures only from MIN_RELIABILITY_SAMPLE on), never the secret. Paged by
 * id; `q` finds a partner by id, name or domain.
 */
import type { AdminPartner, AdminPartnerPage } from '../../lib/contract/console.ts';
import type { Partner } from '../../lib/contract/index.ts';
import type { Queryable } from '../db/index.ts';

export async function listPartnersForOperator(db: Queryable, opts: { q?: string; after?: string; limit: number }): Promise<AdminPartnerPage> {
  // The search is a plain substring, matched as typed: LIKE's own wildcards are escaped.
  const like = opts.q ? `%${opts.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  const rows = await db.query<{ doc: Partner; fraud: AdminPartner['fraud']; share: number | null; median: number | null; sample: number | null }>(
    `SELECT p.doc, p.fraud, r.confirmed_share_bp AS share, r.median_days_to_confirm AS median, r.sample
       FROM partners p LEFT JOIN partner_reliability r ON r.partner_id = p.id
      WHERE ($1::text IS NULL OR p.id > $1)
        AND ($2::text IS NULL OR p.id LIKE $2 OR lower(p.doc->>'name') LIKE $2 OR lower(p.doc->>'domains') LIKE $2)
      ORDER BY p.id LIMIT $3`,
    [opts.after ?? null, like, opts.limit + 1],
  );
  const page = rows.slice(0, opts.limit).map((r) => ({
    partner: r.doc,
    fraud: r.fraud,
    reliability: r.sample === null ? null : { confirmedShare: Number(r.share) / 10000, medianDaysToConfirm: r.median === null ? null : Number(r.median), sample: Number(r.sample) },
  }));
  return { partners: page, nextAfter: rows.length > opts.limit ? page.at(-1)!.partner.id : null };
}
