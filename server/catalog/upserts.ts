/**
 * Creating or replacing catalogue items (partners, offers, rewards): used by
 * the operator routes, the catalogue import, the audited actions and the
 * demo seed alike.
 */
import { type Offer, type Partner, PartnerInput, Reward } from '../../lib/contract/index.ts';
import { KNOWN_CURRENCIES } from '../../lib/contract/currency.ts';
import type { Queryable } from '../db/index.ts';
import { ApiError, badRequest } from '../platform/http.ts';
import { bumpCatalogVersion } from './catalog.ts';

/** What an upsert did: `created` a new row, `updated` an existing one, or left it `unchanged`. */
export type UpsertOutcome = 'created' | 'updated' | 'unchanged';

const unprocessable = (message: string) => new ApiError(422, 'unprocessable', message);


const toUtc = (iso: string) => new Date(iso).toISOString();

async function partnerExists(db: Queryable, id: string): Promise<boolean> {
  return (await db.query('SELECT 1 FROM partners WHERE id = $1', [id])).length > 0;
}

/** Interprets `RETURNING (xmax = 0) AS created` of an upsert whose update only fires on a change. */
function outcomeOf(rows: { created: boolean }[]): UpsertOutcome {
  const row = rows[0];
  if (!row) return 'unchanged';
  return row.created ? 'created' : 'updated';
}

/** Creates or replaces a partner; bumps the catalogue version only when something changed. */
export async function upsertPartner(tx: Queryable, input: PartnerInput, now: Date = new Date()): Promise<{ partner: Partner; outcome: UpsertOutcome }> {
  const parsed = PartnerInput.parse(input);
  if (!KNOWN_CURRENCIES.has(parsed.currency)) throw badRequest(`Invalid request body: currency: ${parsed.currency} is not an ISO 4217 code`);
  const partner: Partner = {
    id: parsed.id,
    name: parsed.name,
    domains: parsed.domains,
    category: parsed.category,
    earn: parsed.earn,
    currency: parsed.currency,
    holdDays: parsed.holdDays,
    autoConfirm: parsed.autoConfirm,
    ...(parsed.detection ? { detection: parsed.detection } : {}),
    ...(parsed.orderIdCaseSensitive ? { orderIdCaseSensitive: true } : {}),
  };
  const rows = await tx.query<{ created: boolean }>(
    `INSERT INTO partners (id, doc, secret, fraud) VALUES ($1, $2::jsonb, $3, $4::jsonb)
     ON CONFLICT (id) DO UPDATE SET doc = EXCLUDED.doc, secret = EXCLUDED.secret, fraud = EXCLUDED.fraud, updated_at = now()
       WHERE (partners.doc, partners.secret, partners.fraud) IS DISTINCT FROM (EXCLUDED.doc, EXCLUDED.secret, EXCLUDED.fraud)
     RETURNING (xmax = 0) AS created`,
    [partner.id, JSON.stringify(partner), parsed.secret, parsed.fraud ? JSON.stringify(parsed.fraud) : null],
  );
  const outcome = outcomeOf(rows);
  if (outcome !== 'unchanged') {
    await bumpCatalogVersion(tx, 'partners');
    await recordRate(tx, partner, outcome, now);
  }
  return { partner, outcome };
}

/**
 * Keeps the partner's rate history (partner_rates) for reports that name the
 * moment an order was placed: a new partner's rate holds from the beginning,
 * a changed rate from now on. Booked purchases never read it; their rate is
 * frozen with them.
 */
async function recordRate(tx: Queryable, partner: Partner, outcome: UpsertOutcome, now: Date): Promise<void> {
  const current = await tx.query<{ earn: Partner['earn'] }>(
    'SELECT earn FROM partner_rates WHERE partner_id = $1 AND valid_from <= $2 ORDER BY valid_from DESC LIMIT 1',
    [partner.id, now.toISOString()],
  );
  const earn = current[0]?.earn;
  if (earn && earn.points === partner.earn.points && earn.per === partner.earn.per) return;
  const from = outcome === 'created' || !earn ? '0001-01-01T00:00:00Z' : now.toISOString();
  await tx.query(
    `INSERT INTO partner_rates (partner_id, valid_from, earn) VALUES ($1, $2, $3::jsonb)
     ON CONFLICT (partner_id, valid_from) DO UPDATE SET earn = EXCLUDED.earn`,
    [partner.id, from, JSON.stringify(partner.earn)],
  );
}

/** Creates or replaces an offer; its partner, if named, must exist (else 422). */
export async function upsertOffer(tx: Queryable, input: Offer): Promise<{ offer: Offer; outcome: UpsertOutcome }> {
  const offer: Offer = { ...input, startsAt: toUtc(input.startsAt), endsAt: toUtc(input.endsAt) };
  if (offer.partnerId !== undefined && !(await partnerExists(tx, offer.partnerId))) {
    throw unprocessable(`The offer names partner "${offer.partnerId}", which is not in the catalogue`);
  }
  const rows = await tx.query<{ created: boolean }>(
    `INSERT INTO offers (id, partner_id, doc, starts_at, ends_at) VALUES ($1, $2, $3::jsonb, $4, $5)
     ON CONFLICT (id) DO UPDATE SET partner_id = EXCLUDED.partner_id, doc = EXCLUDED.doc,
       starts_at = EXCLUDED.starts_at, ends_at = EXCLUDED.ends_at, updated_at = now()
       WHERE offers.doc IS DISTINCT FROM EXCLUDED.doc
     RETURNING (xmax = 0) AS created`,
    [offer.id, offer.partnerId ?? null, JSON.stringify(offer), offer.startsAt, offer.endsAt],
  );
  const outcome = outcomeOf(rows);
  if (outcome !== 'unchanged') await bumpCatalogVersion(tx, 'offers');
  return { offer, outcome };
}

/** Creates or replaces a reward; its partner, if named, must exist (else 422). */
export async function upsertReward(tx: Queryable, input: Reward): Promise<{ reward: Reward; outcome: UpsertOutcome }> {
  const reward = Reward.parse(input);
  if (reward.partnerId !== undefined && !(await partnerExists(tx, reward.partnerId))) {
    throw unprocessable(`The reward names partner "${reward.partnerId}", which is not in the catalogue`);
  }
  const rows = await tx.query<{ created: boolean }>(
    `INSERT INTO rewards (id, doc, active) VALUES ($1, $2::jsonb, $3)
     ON CONFLICT (id) DO UPDATE SET doc = EXCLUDED.doc, active = EXCLUDED.active, updated_at = now()
       WHERE rewards.doc IS DISTINCT FROM EXCLUDED.doc
     RETURNING (xmax = 0) AS created`,
    [reward.id, JSON.stringify(reward), reward.active],
  );
  const outcome = outcomeOf(rows);
  if (outcome !== 'unchanged') await bumpCatalogVersion(tx, 'rewards');
  return { reward, outcome };
}

