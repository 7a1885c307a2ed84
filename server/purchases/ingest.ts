/**
 * Batch ingest of purchases the extension detected. Each item gets its own
 * result (accepted, duplicate, conflict or rejected with a reason); a batch is
 * never all-or-nothing.
 *
 * For speed, purchases the server has never seen (nearly all of them) are
 * booked in one statement and one commit, with no look-up first
 * (`bookFresh`); the catalogue and the member's tier come with the token
 * check and from memory (catalog-cache.ts). Items the unique indexes refuse
 * there, and batches whose plan needs member data (per-day fraud limits,
 * offers limited per member), are booked in one transaction with a fixed
 * number of statements (look-ups for all ids and orders at once, one
 * multi-row insert with its ledger posting), whatever the batch size
 * (`bookSeen`). Should that transaction fail unexpectedly, each item is
 * retried in its own transaction, so one poisoned item cannot take the
 * others down with it.
 */
import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import {
  type Earn,
  type IngestResult,
  MAX_AMOUNT_MINOR,
  type Offer,
  PurchaseIn,
} from '../../lib/contract/index.ts';
import { normaliseOrderId } from '../../lib/contract/order-id.ts';
import { type EarnTerms, exponentOf, limitedOfferIds, termsAt, valuate } from '../../lib/points/index.ts';
import { tierMultiplierPercent } from '../../lib/points/tiers.ts';
import { catalogCache, type CatalogVersions, type PartnerInfo, readCatalogVersions } from '../catalog/catalog-cache.ts';
import { type Db, prepared, type Queryable } from '../db/index.ts';
import { lockMember, postBookedPurchasesCtes } from '../ledger/ledger.ts';
import { EMAIL_SHA256_SQL } from './lifecycle.ts';
import {
  countPurchase,
  emptyRecent,
  LimitReason,
  needsMemberHistory,
  ORDER_ID_SHAPE_SQL,
  orderIdShape,
  type Recent,
  resolveLimits,
  type ResolvedLimits,
  trippedLimit,
} from './limits.ts';
import { PURCHASE_COLUMN_LIST, PURCHASE_COLUMNS, purchaseFromRow, type PurchaseRow } from './purchase-view.ts';
import { KNOWN_CURRENCIES } from '../../lib/contract/currency.ts';
import { isUnstorableText, unstorableTextPath } from '../../lib/contract/storable.ts';
import { unstorableTextMessage } from '../platform/http.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Clocks drift and time zones confuse: a detection up to a day ahead of the server is still believed. */
const MAX_FUTURE_MS = DAY_MS;
/**
 * Offers are judged at the moment of the purchase, but a purchase that took
 * more than this long to reach us (an extension offline for weeks, or a
 * forged back-dated `detectedAt`) is judged at the moment we receive it
 * instead, so an old, long-ended offer cannot be claimed after the fact.
 */
const OFFER_LOOKBACK_MS = 7 * DAY_MS;

/** An item that passed every check that needs no member data. */
interface Candidate {
  index: number;
  input: PurchaseIn;
  bodyHash: string;
  partner: PartnerInfo;
  limits: ResolvedLimits;
}

interface StoredRow extends PurchaseRow {
  member_id: string;
  body_hash: string;
  duplicate_of: string | null;
}

export interface IngestOptions {
  db: Db;
  memberId: string;
  now: Date;
  log: (line: Record<string, unknown>) => void;
  /** The member's tier and the catalogue versions, when the caller read them with the token; else read here. */
  tier?: string;
  catalogVersions?: CatalogVersions;
}

/** Books a batch of raw items for one member and answers one result per item, in order. */
export async function ingestBatch(items: readonly unknown[], opts: IngestOptions): Promise<IngestResult[]> {
  const results: (IngestResult | undefined)[] = new Array(items.length);
  const valid: { index: number; input: PurchaseIn }[] = [];
  items.forEach((item, index) => {
    const checked = validateItem(item);
    if ('status' in checked) results[index] = checked;
    else valid.push({ index, input: checked.input });
  });

  if (valid.length > 0) {
    // Catalogue and tier reads need no lock: done before the transaction starts, mostly from memory.
    const versions = opts.catalogVersions ?? (await readCatalogVersions(opts.db));
    const [partners, catalog] = await Promise.all([
      catalogCache(opts.db).partnersById(valid.map((v) => v.input.partnerId), versions.partners),
      loadCatalogContext(opts.db, valid.map((v) => v.input), versions, opts),
    ]);
    const judged = [...partners.values()].filter((p) => resolveLimits(p.fraud, p.partner.currency).holdAboveBasketFactor > 0).map((p) => p.partner.id);
    if (judged.length > 0) catalog.usualBasketMinor = await loadUsualBaskets(opts.db, judged);
    const patterned = [...partners.values()].filter((p) => resolveLimits(p.fraud, p.partner.currency).holdOrderIdsOffPattern).map((p) => p.partner.id);
    if (patterned.length > 0) catalog.orderIdShapes = await loadOrderIdShapes(opts.db, patterned);
    const candidates: Candidate[] = [];
    for (const { index, input } of valid) {
      const partner = partners.get(input.partnerId);
      if (!partner) results[index] = rejected(input.id, 'unknown_partner');
      else if (partner.partner.currency !== input.currency) results[index] = rejected(input.id, 'currency_mismatch');
      else if (Date.parse(input.detectedAt) > opts.now.getTime() + MAX_FUTURE_MS) results[index] = rejected(input.id, 'detected_in_future');
      else {
        // Compared and stored normalised; the body hash stays that of the body as sent, for duplicate and conflict.
        const normalised = normaliseOrderId(input.orderId, partner.partner.orderIdCaseSensitive === true);
        if (!normalised.ok) results[index] = rejected(input.id, `invalid: orderId: ${normalised.reason}`);
        else {
          const limits = resolveLimits(partner.fraud, partner.partner.currency);
          candidates.push({ index, input: { ...input, orderId: normalised.orderId }, bodyHash: bodyHash(input), partner, limits });
        }
      }
    }
    catalog.notTheBuyer = await loadNotTheBuyer(opts.db, candidates, opts.memberId);
    const booked = await bookCandidates(candidates, catalog, opts);
    for (const [index, result] of booked) results[index] = result;
    await holdRivalsOfContests([...booked.values()], opts);
  }
  return results.map((r, i) => r ?? rejected(idOf(items[i]), 'internal_error'));
}

// --- Checks that need nothing but the item itself ---------------------------

function rejected(id: string | null, reason: string): IngestResult {
  return { id, status: 'rejected', reason };
}

function idOf(item: unknown): string | null {
  const id = typeof item === 'object' && item !== null ? (item as { id?: unknown }).id : undefined;
  // The id is echoed in the answer and never stored when the item is refused, but it must still be valid JSON text.
  return typeof id === 'string' && !isUnstorableText(id) ? id : null;
}

function validateItem(item: unknown): IngestResult | { input: PurchaseIn } {
  // Text PostgreSQL cannot store is refused with the item, naming the field, before it could fail the batch's statement.
  const unstorable = unstorableTextPath(item);
  if (unstorable !== undefined) return rejected(idOf(item), `invalid: ${unstorableTextMessage(unstorable)}`);
  const parsed = PurchaseIn.safeParse(item);
  if (!parsed.success) return rejected(idOf(item), `invalid: ${describeFirstIssue(parsed.error)}`);
  const input = parsed.data;
  if (input.amountMinor <= 0) return rejected(input.id, 'amount_not_positive');
  if (input.amountMinor > MAX_AMOUNT_MINOR) return rejected(input.id, 'amount_too_large');
  if (!KNOWN_CURRENCIES.has(input.currency)) return rejected(input.id, 'unknown_currency');
  return { input };
}

function describeFirstIssue(error: z.core.$ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'item: invalid';
  return `${issue.path.length ? issue.path.join('.') : 'item'}: ${issue.message}`;
}

/** JSON with object keys sorted, so the same purchase always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function bodyHash(input: PurchaseIn): string {
  return createHash('sha256').update(canonicalJson(input)).digest('hex');
}

// --- Booking ---------------------------------------------------------------

/** Thrown when another member's transaction took an order (or id) between our look-up and our insert. */
class LostRace extends Error {}

/** How often a batch that lost a race is booked again, now seeing the winner's row, before giving up. */
const MAX_RACE_RETRIES = 3;

async function bookOnce(candidates: readonly Candidate[], catalog: CatalogContext, opts: IngestOptions): Promise<Map<number, IngestResult>> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await opts.db.transaction((tx) => bookInTransaction(tx, candidates, catalog, opts));
    } catch (err) {
      if (!(err instanceof LostRace) || attempt >= MAX_RACE_RETRIES) throw err;
    }
  }
}

async function bookCandidates(all: readonly Candidate[], catalog: CatalogContext, opts: IngestOptions): Promise<Map<number, IngestResult>> {
  const fresh = await bookFresh(all, catalog, opts);
  const candidates = fresh.rest;
  if (candidates.length === 0) return fresh.results;
  const results = await bookSeen(candidates, catalog, opts);
  for (const [index, result] of fresh.results) results.set(index, result);
  return results;
}

/**
 * The common case, purchases the server has never seen, booked in one
 * statement and one commit, with no look-up first: the member's balance row
 * is locked, the rows inserted and their points posted (see
 * `INSERT_PURCHASES`). Whatever the unique indexes refuse (an id or an order
 * already stored) is left for `bookSeen`, which looks up what is there and
 * answers duplicate, conflict or rejected as usual.
 *
 * It applies only where the plan needs nothing from the database: no fraud
 * limits per member and day on these partners, no offer limited per member,
 * and no id or order twice in the batch.
 */
async function bookFresh(
  candidates: readonly Candidate[],
  catalog: CatalogContext,
  opts: IngestOptions,
): Promise<{ results: Map<number, IngestResult>; rest: readonly Candidate[] }> {
  const none = { results: new Map<number, IngestResult>(), rest: candidates };
  if (candidates.length === 0 || !planNeedsNoLookUp(candidates, catalog)) return none;
  const ctx: MemberContext = { tier: catalog.tier, offers: catalog.offers, offerUses: new Map(), recent: new Map(), rejectedShare: { rejected: 0, finished: 0 } };
  const decisions = decide(candidates, NOTHING_STORED, ctx, catalog, opts);
  const inserts = decisions.flatMap((d) => (d.kind === 'insert' ? [d.insert] : []));
  let inserted: Map<string, PurchaseRow>;
  try {
    inserted = await insertPurchases(opts.db, inserts, opts);
  } catch (err) {
    // Nothing was written (one statement); the careful path will say what is wrong.
    opts.log({ time: opts.now.toISOString(), level: 'error', msg: 'one-statement ingest failed, booking with look-ups', error: String(err) });
    return none;
  }
  const isBooked = candidates.map((c) => inserted.has(c.input.id.toLowerCase()));
  const results = answer(candidates.filter((_, i) => isBooked[i]), decisions.filter((_, i) => isBooked[i]), inserted);
  return { results, rest: candidates.filter((_, i) => !isBooked[i]) };
}

function planNeedsNoLookUp(candidates: readonly Candidate[], catalog: CatalogContext): boolean {
  if (catalog.offers.some((o) => o.perMemberLimit !== undefined)) return false;
  if (candidates.some((c) => needsMemberHistory(c.limits))) return false;
  const ids = new Set(candidates.map((c) => c.input.id.toLowerCase()));
  const orders = new Set(candidates.map((c) => orderKey(c.input.partnerId, c.input.orderId)));
  return ids.size === candidates.length && orders.size === candidates.length;
}

/** Purchases that may collide with stored ones: looked up and booked under the member's lock. */
async function bookSeen(candidates: readonly Candidate[], catalog: CatalogContext, opts: IngestOptions): Promise<Map<number, IngestResult>> {
  try {
    return await bookOnce(candidates, catalog, opts);
  } catch (batchError) {
    if (candidates.length === 1) throw batchError;
    opts.log({ time: opts.now.toISOString(), level: 'error', msg: 'batch ingest failed, retrying item by item', error: String(batchError) });
    const results = new Map<number, IngestResult>();
    let failures = 0;
    let lastError: unknown;
    for (const candidate of candidates) {
      try {
        for (const [index, result] of await bookOnce([candidate], catalog, opts)) results.set(index, result);
      } catch (err) {
        failures++;
        lastError = err;
        opts.log({ time: opts.now.toISOString(), level: 'error', msg: 'ingest of one purchase failed', purchaseId: candidate.input.id, error: String(err) });
        results.set(candidate.index, rejected(candidate.input.id, 'internal_error'));
      }
    }
    // Every item failing points at the database, not at the items: let the
    // client retry the whole batch later rather than give up on each item.
    if (failures === candidates.length) throw lastError;
    return results;
  }
}

/** What the plan decided for one candidate before anything is written. */
type Decision =
  | { kind: 'stored'; status: 'duplicate' | 'conflict'; row: StoredRow }
  | { kind: 'refused'; reason: string }
  | { kind: 'insert'; insert: PlannedInsert; status: 'accepted' | 'rejected'; reason?: string }
  /** The same purchase earlier in this batch: answered with that item's row. */
  | { kind: 'sameAsPlanned'; planned: PlannedInsert; status: 'duplicate' | 'conflict' };

interface PlannedInsert {
  candidate: Candidate;
  status: 'pending' | 'rejected';
  reason: string | null;
  points: number;
  basePoints: number;
  multiplierBp: number;
  bonusPoints: number;
  /** The offers that applied; `limitedOfferIds` are those of them that take a per-member use. */
  offerIds: string[];
  limitedOfferIds: string[];
  /** The terms frozen with the purchase; null for a refused row, which earns nothing. */
  terms: EarnTerms | null;
  duplicateOf: string | null;
  holdUntil: Date;
  /** 'held' when a limit tripped (far above the usual basket, velocity, …) or the order is contested. */
  review: 'held' | null;
}

interface MemberContext {
  tier: string;
  offers: Offer[];
  offerUses: Map<string, number>;
  /** The member's recent purchases per partner, for the velocity limits. */
  recent: Map<string, Recent>;
  /** The member's refused and finished purchases of the last 90 days. */
  rejectedShare: { rejected: number; finished: number };
}

async function bookInTransaction(
  tx: Queryable,
  candidates: readonly Candidate[],
  catalog: CatalogContext,
  opts: IngestOptions,
): Promise<Map<number, IngestResult>> {
  // The member's balance row lock comes first: it serialises this member's
  // devices, so the look-ups below stay true until we commit.
  await lockMember(tx, opts.memberId);
  const ctx = await loadMemberContext(tx, candidates, catalog, opts);
  const decisions = decide(candidates, await lookUpStored(tx, candidates, opts.memberId), ctx, catalog, opts);
  const inserts = decisions.flatMap((d) => (d.kind === 'insert' ? [d.insert] : []));
  const inserted = await insertPurchases(tx, inserts, opts);
  // A missing row: another member won one of these orders after our look-up.
  // Rare, so the whole transaction (ledger entries included) is rolled back and booked again.
  if (inserted.size !== inserts.length) throw new LostRace('another member claimed one of these orders concurrently');
  await recordOfferUses(tx, opts.memberId, inserts);
  return answer(candidates, decisions, inserted);
}

/** What the batch needs from the catalogue and the member's profile; read outside the transaction. */
interface CatalogContext {
  tier: string;
  offers: Offer[];
  /** Median amount of each partner's last purchases, where there is enough history to judge. */
  usualBasketMinor: Map<string, number>;
  /** Orders (`orderKey`) the partner reported with another buyer's email hash than this member's. */
  notTheBuyer: Set<string>;
  /** The order-id shapes of each partner's recent confirmed orders, where there are enough to judge. */
  orderIdShapes: Map<string, Set<string>>;
}

async function loadCatalogContext(db: Queryable, inputs: readonly PurchaseIn[], versions: CatalogVersions, opts: IngestOptions): Promise<CatalogContext> {
  const times = inputs.map((input) => offerInstant(input, opts.now).getTime());
  const [tier, offers] = await Promise.all([
    opts.tier ?? loadTier(db, opts.memberId),
    catalogCache(db).offersBetween(Math.min(...times), Math.max(...times), versions.offers),
  ]);
  // Filled in once the partners are known, for those that hold large orders for review.
  return { tier, offers, usualBasketMinor: new Map(), notTheBuyer: new Set(), orderIdShapes: new Map() };
}

async function loadTier(db: Queryable, memberId: string): Promise<string> {
  const rows = await db.query<{ tier: string }>('SELECT tier FROM members WHERE id = $1', [memberId]);
  return rows[0]?.tier ?? 'basis';
}

/** How many recent purchases make a partner's usual basket, and how many it takes at least to judge. */
export const BASKET_WINDOW = 100;
export const BASKET_MIN_HISTORY = 20;

/**
 * The median amount of each partner's last BASKET_WINDOW confirmed purchases,
 * for partners with at least BASKET_MIN_HISTORY of them. Confirmed ones only
 * (at the amount the partner confirmed): a statistic that judges members must
 * not be movable by members, and pending or held purchases are nothing but a
 * member's word (invented large orders would switch the hold off for
 * everybody, a flood of tiny ones would hold honest members' orders). Read
 * outside the booking transaction: a basket a few purchases stale judges as well.
 */
async function loadUsualBaskets(db: Queryable, partnerIds: readonly string[]): Promise<Map<string, number>> {
  const rows = await db.query<{ partner_id: string; median: number | null; n: number }>(
    `SELECT p.id AS partner_id, s.median, s.n
       FROM unnest($1::text[]) AS p(id)
       CROSS JOIN LATERAL (
         SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY r.amount_minor) AS median, count(*)::int AS n
           FROM (SELECT amount_minor FROM purchases
                  WHERE partner_id = p.id AND status = 'confirmed'
                  ORDER BY created_at DESC LIMIT $2) r
       ) s`,
    [[...new Set(partnerIds)], BASKET_WINDOW],
  );
  const baskets = new Map<string, number>();
  for (const r of rows) if (r.median !== null && Number(r.n) >= BASKET_MIN_HISTORY) baskets.set(r.partner_id, Number(r.median));
  return baskets;
}

/** The shapes of each partner's last BASKET_WINDOW confirmed order ids, for partners with at least BASKET_MIN_HISTORY. */
async function loadOrderIdShapes(db: Queryable, partnerIds: readonly string[]): Promise<Map<string, Set<string>>> {
  const rows = await db.query<{ partner_id: string; shapes: string[] | null; n: number }>(
    `SELECT p.id AS partner_id, s.shapes, s.n
       FROM unnest($1::text[]) AS p(id)
       CROSS JOIN LATERAL (
         SELECT array_agg(DISTINCT ${ORDER_ID_SHAPE_SQL('r.order_id')}) AS shapes, count(*)::int AS n
           FROM (SELECT order_id FROM purchases
                  WHERE partner_id = p.id AND status = 'confirmed'
                  ORDER BY created_at DESC LIMIT $2) r
       ) s`,
    [[...new Set(partnerIds)], BASKET_WINDOW],
  );
  const shapes = new Map<string, Set<string>>();
  for (const r of rows) if (r.shapes && Number(r.n) >= BASKET_MIN_HISTORY) shapes.set(r.partner_id, new Set(r.shapes));
  return shapes;
}

function offPattern(candidate: Candidate, catalog: CatalogContext): boolean {
  const known = catalog.orderIdShapes.get(candidate.input.partnerId);
  return candidate.limits.holdOrderIdsOffPattern && known !== undefined && !known.has(orderIdShape(candidate.input.orderId));
}

function farAboveUsualBasket(candidate: Candidate, catalog: CatalogContext): boolean {
  const factor = candidate.limits.holdAboveBasketFactor;
  const median = catalog.usualBasketMinor.get(candidate.input.partnerId);
  return factor > 0 && median !== undefined && candidate.input.amountMinor > factor * median;
}

async function loadMemberContext(
  tx: Queryable,
  candidates: readonly Candidate[],
  { tier, offers }: CatalogContext,
  opts: IngestOptions,
): Promise<MemberContext> {
  const offerUses = new Map<string, number>();
  if (offers.some((o) => o.perMemberLimit !== undefined)) {
    const rows = await tx.query<{ offer_id: string; uses: number }>('SELECT offer_id, uses FROM offer_uses WHERE member_id = $1', [opts.memberId]);
    for (const r of rows) offerUses.set(r.offer_id, r.uses);
  }
  const recent = new Map<string, Recent>();
  const rejectedShare = { rejected: 0, finished: 0 };
  const limited = [...new Set(candidates.filter((c) => needsMemberHistory(c.limits)).map((c) => c.input.partnerId))];
  if (limited.length > 0) {
    const dayAgo = new Date(opts.now.getTime() - DAY_MS).toISOString();
    const weekAgo = new Date(opts.now.getTime() - 7 * DAY_MS).toISOString();
    const [rows, share] = await Promise.all([
      // Held purchases count too: a tripped limit must not reset the count.
      tx.query<{ partner_id: string; amount: number; day_count: number; day_amount: number; n: number }>(
        `SELECT partner_id, original_amount_minor AS amount,
                count(*) FILTER (WHERE created_at > $3)::int AS day_count,
                COALESCE(sum(amount_minor) FILTER (WHERE created_at > $3), 0)::bigint AS day_amount,
                count(*)::int AS n
           FROM purchases
          WHERE member_id = $1 AND partner_id = ANY($2::text[]) AND created_at > $4 AND status <> 'rejected'
          GROUP BY partner_id, original_amount_minor`,
        [opts.memberId, limited, dayAgo, weekAgo],
      ),
      tx.query<{ rejected: number; finished: number }>(
        `SELECT count(*) FILTER (WHERE status = 'rejected')::int AS rejected, count(*) FILTER (WHERE status <> 'pending')::int AS finished
           FROM purchases WHERE member_id = $1 AND created_at > $2`,
        [opts.memberId, new Date(opts.now.getTime() - 90 * DAY_MS).toISOString()],
      ),
    ]);
    for (const r of rows) {
      const so = recent.get(r.partner_id) ?? emptyRecent();
      so.dayCount += r.day_count;
      so.dayAmountMinor += Number(r.day_amount);
      so.weekCount += r.n;
      so.sameAmount.set(Number(r.amount), r.n);
      recent.set(r.partner_id, so);
    }
    Object.assign(rejectedShare, { rejected: share[0]?.rejected ?? 0, finished: share[0]?.finished ?? 0 });
  }
  return { tier, offers, offerUses, recent, rejectedShare };
}

/**
 * The instant offers are judged at: the detection time, but never in the
 * future (a fast client clock must not reach tomorrow's offers) and never
 * more than OFFER_LOOKBACK_MS in the past (then the time we received it).
 */
function offerInstant(input: PurchaseIn, now: Date): Date {
  const detected = Date.parse(input.detectedAt);
  if (detected > now.getTime() || detected < now.getTime() - OFFER_LOOKBACK_MS) return now;
  return new Date(detected);
}

const orderKey = (partnerId: string, orderId: string) => `${partnerId}\u0000${orderId}`;

interface Stored {
  byId: Map<string, StoredRow>;
  ownOrders: Map<string, StoredRow>;
  ownerOrders: Map<string, StoredRow>;
  /** Other members' live (pending or confirmed) purchases of each order: a new claim contests them. */
  rivals: Map<string, StoredRow[]>;
}

const NOTHING_STORED: Stored = { byId: new Map(), ownOrders: new Map(), ownerOrders: new Map(), rivals: new Map() };

function decide(candidates: readonly Candidate[], stored: Stored, ctx: MemberContext, catalog: CatalogContext, opts: IngestOptions): Decision[] {
  const { byId, ownOrders, ownerOrders, rivals } = stored;
  const offerUses = new Map(ctx.offerUses);
  const recent = new Map([...ctx.recent].map(([k, v]) => [k, { ...v, sameAmount: new Map(v.sameAmount) }]));
  const plannedById = new Map<string, PlannedInsert>();
  const plannedByOrder = new Map<string, PlannedInsert>();
  const decisions: Decision[] = [];

  for (const candidate of candidates) {
    const { input } = candidate;
    const id = input.id.toLowerCase();
    const key = orderKey(input.partnerId, input.orderId);
    const stored = byId.get(id);
    const earlier = plannedById.get(id);
    if (stored) {
      decisions.push(
        stored.member_id !== opts.memberId
          ? // A purchase id is a random UUID; another member's id here is a forgery or a bug, never ours to show.
            { kind: 'refused', reason: 'id_in_use' }
          : { kind: 'stored', status: stored.body_hash === candidate.bodyHash ? 'duplicate' : 'conflict', row: stored },
      );
      continue;
    }
    if (earlier) {
      decisions.push({ kind: 'sameAsPlanned', planned: earlier, status: earlier.candidate.bodyHash === candidate.bodyHash ? 'duplicate' : 'conflict' });
      continue;
    }
    const own = ownOrders.get(key);
    if (own) {
      // The same order from another of the member's devices, under a new id.
      decisions.push({ kind: 'stored', status: 'duplicate', row: own });
      continue;
    }
    const earlierOrder = plannedByOrder.get(key);
    if (earlierOrder) {
      decisions.push({ kind: 'sameAsPlanned', planned: earlierOrder, status: 'duplicate' });
      continue;
    }
    // The order's first row keeps the order's place in the unique index; every later one points at it.
    const owner = ownerOrders.get(key);
    const contested = (rivals.get(key) ?? []).length > 0;
    const insert = catalog.notTheBuyer.has(key)
      ? refusedRow(candidate, 'not_the_buyer', owner?.id ?? null, opts.now)
      : acceptedRow(candidate, ctx, offerUses, opts.now);
    if (insert.status === 'pending' && owner) insert.duplicateOf = owner.id;
    const partnerRecent = recent.get(input.partnerId) ?? emptyRecent();
    const tripped = insert.status === 'pending' ? trippedLimit(candidate.limits, partnerRecent, input.amountMinor, ctx.rejectedShare) : null;
    // Booked like any other but held: never dropped, never auto-confirmed until the operator or the partner decides.
    if (tripped) {
      insert.reason = tripped;
      insert.review = 'held';
    }
    // Two members claiming one order is a contest, not first come first served: both wait for the partner's word.
    if (insert.status === 'pending' && contested) {
      insert.reason = CONTESTED;
      insert.review = 'held';
    }
    // Statistics of the partner's confirmed orders: accepted and pending like any other, but held for the operator.
    if (insert.status === 'pending' && insert.review === null && farAboveUsualBasket(candidate, catalog)) {
      insert.reason = LimitReason.basket;
      insert.review = 'held';
    }
    if (insert.status === 'pending' && insert.review === null && offPattern(candidate, catalog)) {
      insert.reason = LimitReason.orderIdPattern;
      insert.review = 'held';
    }
    if (insert.status === 'pending') {
      countPurchase(partnerRecent, input.amountMinor);
      recent.set(input.partnerId, partnerRecent);
    }
    plannedById.set(id, insert);
    plannedByOrder.set(key, insert);
    decisions.push({
      kind: 'insert',
      insert,
      status: insert.status === 'pending' ? 'accepted' : 'rejected',
      ...(insert.reason ? { reason: insert.reason } : {}),
    });
  }
  return decisions;
}

const STORED_COLUMNS = [...PURCHASE_COLUMN_LIST, 'member_id', 'body_hash', 'duplicate_of'];
/**
 * Stored rows for the batch's ids and orders: the holder of each order, and
 * the member's own refused claims of it. The two order branches stay apart
 * (rather than one `duplicate_of IS NULL OR member_id = …`, which made
 * PostgreSQL read every purchase of the partner) and each is driven from the
 * batch's orders into the partial order indexes, so its cost follows the
 * batch, not the table: the plan is prepared once and reused, so it must not
 * depend on knowing how many purchases or refused claims there are.
 */
const LOOK_UP_STORED = prepared(
  'ingest_look_up_stored',
  `WITH orders AS (SELECT DISTINCT * FROM unnest($2::text[], $3::text[]) AS o(partner_id, order_id))
   SELECT ${STORED_COLUMNS.join(', ')}, true AS by_id FROM purchases WHERE id = ANY($1::uuid[])
   UNION ALL
   SELECT ${STORED_COLUMNS.map((c) => `p.${c}`).join(', ')}, false AS by_id
     FROM orders o JOIN purchases p ON p.partner_id = o.partner_id AND p.order_id = o.order_id
    WHERE p.duplicate_of IS NULL
   UNION ALL
   SELECT ${STORED_COLUMNS.map((c) => `p.${c}`).join(', ')}, false AS by_id
     FROM orders o JOIN purchases p ON p.partner_id = o.partner_id AND p.order_id = o.order_id
    WHERE p.duplicate_of IS NOT NULL AND (p.member_id = $4 OR p.status IN ('pending', 'confirmed'))
   ORDER BY change_seq`,
);

async function lookUpStored(tx: Queryable, candidates: readonly Candidate[], memberId: string): Promise<Stored> {
  const rows = await tx.query<StoredRow & { by_id: boolean }>(LOOK_UP_STORED, [
    candidates.map((c) => c.input.id),
    candidates.map((c) => c.input.partnerId),
    candidates.map((c) => c.input.orderId),
    memberId,
  ]);
  const idRows = rows.filter((r) => r.by_id);
  const orderRows = rows.filter((r) => !r.by_id);
  const byId = new Map(idRows.map((r) => [r.id, r]));
  const ownOrders = new Map<string, StoredRow>();
  const ownerOrders = new Map<string, StoredRow>();
  const rivals = new Map<string, StoredRow[]>();
  for (const r of orderRows) {
    const key = orderKey(r.partner_id, r.order_id);
    if (r.duplicate_of === null) ownerOrders.set(key, r);
    if (r.member_id !== memberId && (r.status === 'pending' || r.status === 'confirmed')) rivals.set(key, [...(rivals.get(key) ?? []), r]);
    // The member's own row for the order: the one that holds it, else their first refused claim.
    if (r.member_id === memberId && (r.duplicate_of === null || !ownOrders.has(key))) ownOrders.set(key, r);
  }
  return { byId, ownOrders, ownerOrders, rivals };
}

function holdUntil(candidate: Candidate, now: Date): Date {
  return new Date(now.getTime() + candidate.partner.partner.holdDays * DAY_MS);
}

function refusedRow(candidate: Candidate, reason: string, duplicateOf: string | null, now: Date): PlannedInsert {
  return {
    candidate,
    status: 'rejected',
    reason,
    points: 0,
    basePoints: 0,
    multiplierBp: 10000,
    bonusPoints: 0,
    offerIds: [],
    limitedOfferIds: [],
    terms: null,
    duplicateOf,
    holdUntil: holdUntil(candidate, now),
    review: null,
  };
}

function acceptedRow(candidate: Candidate, ctx: MemberContext, offerUses: Map<string, number>, now: Date): PlannedInsert {
  const { input, partner } = candidate;
  // The terms of the moment the order was placed, frozen with it: every later change of its amount is valued from these.
  const terms = termsAt(
    {
      amountMinor: input.amountMinor,
      partnerId: input.partnerId,
      earn: partner.partner.earn satisfies Earn,
      exponent: exponentOf(input.currency),
      at: offerInstant(input, now),
      tier: ctx.tier,
      // The tier the member holds when the purchase is booked, as the last recompute set it.
      tierMultiplierPercent: tierMultiplierPercent(ctx.tier),
      offerUses,
    },
    ctx.offers,
  );
  const earned = valuate(input.amountMinor, terms);
  const limited = limitedOfferIds(earned, terms);
  for (const offerId of limited) offerUses.set(offerId, (offerUses.get(offerId) ?? 0) + 1);
  return {
    candidate,
    status: 'pending',
    reason: null,
    points: earned.total,
    basePoints: earned.base,
    multiplierBp: earned.multiplierBp,
    bonusPoints: earned.bonus,
    offerIds: earned.appliedOfferIds,
    limitedOfferIds: limited,
    terms,
    duplicateOf: null,
    holdUntil: holdUntil(candidate, now),
    review: null,
  };
}

const CONTESTED = 'contested';

/**
 * Orders of the batch that the partner reported `placed` with a buyer's
 * email hash that is not this member's: claims of them are refused
 * `not_the_buyer` (one look-up by primary key for the whole batch).
 */
async function loadNotTheBuyer(db: Queryable, candidates: readonly Candidate[], memberId: string): Promise<Set<string>> {
  if (candidates.length === 0) return new Set();
  const rows = await db.query<{ partner_id: string; order_id: string }>(
    `SELECT po.partner_id, po.order_id
       FROM unnest($1::text[], $2::text[]) AS o(partner_id, order_id)
       JOIN partner_orders po ON po.partner_id = o.partner_id AND po.order_id = o.order_id
      WHERE po.customer_email_sha256 IS NOT NULL
        AND po.customer_email_sha256 IS DISTINCT FROM (SELECT ${EMAIL_SHA256_SQL('email')} FROM members WHERE id = $3)`,
    [candidates.map((c) => c.input.partnerId), candidates.map((c) => c.input.orderId), memberId],
  );
  return new Set(rows.map((r) => orderKey(r.partner_id, r.order_id)));
}

/**
 * A new claim contested an order other members hold: their pending purchases
 * of it are held too, with reason `contested`, until the partner's report
 * (or the operator) decides. Each under its own member's lock, after the
 * claim's own transaction, so no two members' locks are ever held together.
 * Should this be lost (a crash in between), auto-confirmation still refuses
 * an order another member holds a live purchase of (lifecycle.ts).
 */
async function holdRivalsOfContests(results: readonly IngestResult[], opts: IngestOptions): Promise<void> {
  const contested = results.filter((r) => r.status === 'accepted' && r.reason === CONTESTED && r.purchase).map((r) => r.purchase!);
  if (contested.length === 0) return;
  const rivals = await opts.db.query<{ id: string; member_id: string }>(
    `SELECT p.id, p.member_id FROM unnest($1::text[], $2::text[]) AS o(partner_id, order_id)
       JOIN purchases p ON p.partner_id = o.partner_id AND p.order_id = o.order_id
      WHERE p.member_id <> $3 AND p.status = 'pending' AND p.review IS DISTINCT FROM 'held'`,
    [contested.map((p) => p.partnerId), contested.map((p) => p.orderId), opts.memberId],
  );
  for (const rival of rivals) {
    await opts.db.transaction(async (tx) => {
      await lockMember(tx, rival.member_id);
      await tx.query(
        `UPDATE purchases SET review = 'held', reason = $2, change_seq = nextval('purchase_changes'), updated_at = $3
          WHERE id = $1 AND status = 'pending' AND review IS DISTINCT FROM 'held'`,
        [rival.id, CONTESTED, opts.now.toISOString()],
      );
    });
  }
}

/**
 * One statement: the member's balance row locked, the multi-row insert, and
 * for the rows it inserted their pending points in the ledger and the
 * balance (ledger.ts). The lock comes first, before any row draws its
 * change number, so one member's changes commit in the order of their
 * numbers (a sync cursor never skips one); inside `bookInTransaction` the
 * lock is already held. `ON CONFLICT DO NOTHING` (no target: every unique
 * index, the order index included) turns a collision into a missing row
 * instead of an aborted statement: `bookFresh` then leaves the item to
 * `bookSeen`, and `bookInTransaction` rolls back and books again.
 */
const INSERT_PURCHASES = prepared(
  'ingest_insert_purchases',
  `WITH locked AS (
     SELECT member_id FROM balances WHERE member_id = $1 FOR UPDATE
   ), booked AS (
     INSERT INTO purchases (id, member_id, partner_id, order_id, amount_minor, original_amount_minor, currency, detected_at,
                            method, body_hash, status, reason, points, multiplier_bp, bonus_points, offer_ids, duplicate_of,
                            hold_until, review, terms, base_points, created_at, updated_at)
     SELECT u.id, $1, u.partner_id, u.order_id, u.amount_minor, u.amount_minor, u.currency, u.detected_at,
            u.method, u.body_hash, u.status, u.reason, u.points, u.multiplier_bp, u.bonus_points, u.offer_ids::jsonb, u.duplicate_of,
            u.hold_until, u.review, u.terms::jsonb, u.base_points, $2, $2
       FROM locked, unnest($3::uuid[], $4::text[], $5::text[], $6::bigint[], $7::text[], $8::timestamptz[], $9::text[], $10::text[],
                   $11::text[], $12::text[], $13::bigint[], $14::int[], $15::int[], $16::text[], $17::uuid[], $18::timestamptz[], $19::text[],
                   $20::text[], $21::bigint[])
         AS u(id, partner_id, order_id, amount_minor, currency, detected_at, method, body_hash,
              status, reason, points, multiplier_bp, bonus_points, offer_ids, duplicate_of, hold_until, review, terms, base_points)
     ON CONFLICT DO NOTHING
     RETURNING ${PURCHASE_COLUMNS}
   ), ${postBookedPurchasesCtes('$1::uuid')}
   SELECT * FROM booked`,
);

async function insertPurchases(tx: Queryable, inserts: readonly PlannedInsert[], opts: IngestOptions): Promise<Map<string, PurchaseRow>> {
  if (inserts.length === 0) return new Map();
  const col = <T>(f: (p: PlannedInsert) => T) => inserts.map(f);
  const at = opts.now.toISOString();
  const rows = await tx.query<PurchaseRow>(INSERT_PURCHASES, [
    opts.memberId,
    at,
    col((p) => p.candidate.input.id),
    col((p) => p.candidate.input.partnerId),
    col((p) => p.candidate.input.orderId),
    col((p) => p.candidate.input.amountMinor),
    col((p) => p.candidate.input.currency),
    col((p) => p.candidate.input.detectedAt),
    col((p) => p.candidate.input.method),
    col((p) => p.candidate.bodyHash),
    col((p) => p.status),
    col((p) => p.reason),
    col((p) => p.points),
    col((p) => p.multiplierBp),
    col((p) => p.bonusPoints),
    col((p) => JSON.stringify(p.offerIds)),
    col((p) => p.duplicateOf),
    col((p) => p.holdUntil.toISOString()),
    col((p) => p.review),
    col((p) => (p.terms ? JSON.stringify(p.terms) : null)),
    col((p) => p.basePoints),
  ]);
  return new Map(rows.map((r) => [r.id, r]));
}

async function recordOfferUses(tx: Queryable, memberId: string, inserts: readonly PlannedInsert[]): Promise<void> {
  const uses = new Map<string, number>();
  for (const p of inserts) for (const id of p.limitedOfferIds) uses.set(id, (uses.get(id) ?? 0) + 1);
  if (uses.size === 0) return;
  await tx.query(
    `INSERT INTO offer_uses (member_id, offer_id, uses)
     SELECT $1, u.offer_id, u.uses FROM unnest($2::text[], $3::int[]) AS u(offer_id, uses)
     ON CONFLICT (member_id, offer_id) DO UPDATE SET uses = offer_uses.uses + EXCLUDED.uses`,
    [memberId, [...uses.keys()], [...uses.values()]],
  );
}

function answer(candidates: readonly Candidate[], decisions: readonly Decision[], inserted: Map<string, PurchaseRow>): Map<number, IngestResult> {
  const results = new Map<number, IngestResult>();
  const rowOf = (p: PlannedInsert) => inserted.get(p.candidate.input.id.toLowerCase())!;
  decisions.forEach((d, i) => {
    const candidate = candidates[i]!;
    const id = candidate.input.id;
    switch (d.kind) {
      case 'stored':
        results.set(candidate.index, { id, status: d.status, purchase: purchaseFromRow(d.row) });
        break;
      case 'refused':
        results.set(candidate.index, rejected(id, d.reason));
        break;
      case 'insert':
        results.set(candidate.index, { id, status: d.status, ...(d.reason ? { reason: d.reason } : {}), purchase: purchaseFromRow(rowOf(d.insert)) });
        break;
      case 'sameAsPlanned':
        results.set(candidate.index, { id, status: d.status, purchase: purchaseFromRow(rowOf(d.planned)) });
        break;
    }
  });
  return results;
}
