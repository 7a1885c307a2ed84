/**
 * The signed-in member's own data: profile and balance, the sync round trip,
 * the ledger, and the GDPR rights of access (export) and erasure.
 */
import { type Context, Hono } from 'hono';
import { ErasureRequest, type Me, type SyncResponse, type Transaction } from '../../lib/contract/index.ts';
import { tierStanding } from '../../lib/points/tiers.ts';
import { memberReads, type AppEnv } from '../platform/app.ts';
import { requireMemberWithinLimit } from '../accounts/auth.ts';
import { prepared, type Db, type Queryable, type Sql } from '../db/index.ts';
import { ApiError, badRequest, readJson, unauthorized } from '../platform/http.ts';
import { enforce } from '../platform/ratelimit.ts';
import { PURCHASE_COLUMN_LIST, PURCHASE_COLUMNS, purchaseFromRow, type PurchaseRow } from '../purchases/purchase-view.ts';
import { POINTS_IN_WINDOW_SQL, pointsInWindowParams } from '../programme/tiers.ts';
import { confirmPassword, memberFromRow } from './auth.ts';
import { eraseMember } from '../accounts/erasure.ts';
import { referralStatusOf } from '../programme/referrals.ts';
import { upcomingExpiries } from '../ledger/expiry.ts';
import { ENDED_MISSION_SHOWN_DAYS, missionStandings } from '../programme/missions.ts';

export const me = new Hono<AppEnv>();

/** Purchases per sync page; a member with more changes calls again at once (`hasMore`). */
export const SYNC_PAGE = 500;
export const TRANSACTIONS_DEFAULT = 50;
export const TRANSACTIONS_MAX = 200;

me.use('*', requireMemberWithinLimit);

/** Member, balance and the points that count towards the tier (`$1` the member, `$2`–`$3` the tier window). */
const PROFILE_SQL = `SELECT m.id, m.email, m.unclaimed_email, m.member_number, m.referral_code, m.created_at, m.email_verified_at, m.tier, b.available, b.pending, b.lifetime,
          (${POINTS_IN_WINDOW_SQL}) AS window_points
     FROM members m JOIN balances b ON b.member_id = m.id WHERE m.id = $1 AND m.erased_at IS NULL`;
const PROFILE = prepared('me_profile', PROFILE_SQL);

interface ProfileRow {
  [key: string]: unknown;
  id: string;
  email: string | null;
  unclaimed_email: string | null;
  email_verified_at: Date | null;
  member_number: string;
  referral_code: string | null;
  created_at: Date;
  tier: string;
  available: number;
  pending: number;
  lifetime: number;
  window_points: number;
}

function profileFromRow(r: ProfileRow | undefined): Me {
  // Erased between the token check and here: the token is as good as revoked.
  if (!r) throw unauthorized();
  return {
    member: memberFromRow(r),
    tier: r.tier,
    balance: { available: r.available, pending: r.pending, lifetime: r.lifetime },
    tierProgress: tierStanding(r.tier, r.window_points),
  };
}

async function loadProfile(db: Queryable, memberId: string, now: Date): Promise<Me> {
  const rows = await db.query<ProfileRow>(PROFILE, [memberId, ...pointsInWindowParams(now)]);
  return profileFromRow(rows[0]);
}

/** A cursor is a change or entry number we handed out: at most this many digits, '0' for the start. */
export const MAX_CURSOR_DIGITS = 15;
const CURSOR_SHAPE = new RegExp(`^\\d{1,${MAX_CURSOR_DIGITS}}$`);

/**
 * A member's read on the handle `memberReads` chose, and on the primary if
 * that found no member: a member registered a moment ago has written
 * nothing yet that would keep its reads off a replica that lacks it.
 */
async function readOwn<T extends Record<string, unknown>>(c: Context<AppEnv>, sql: Sql, params: readonly unknown[]): Promise<T[]> {
  const reads = memberReads(c);
  const rows = await reads.query<T>(sql, params);
  const { db } = c.get('deps');
  return rows.length === 0 && reads !== db ? db.query<T>(sql, params) : rows;
}

/** A cursor is a change or entry number we handed out: digits only, '0' for the start. */
function parseCursor(raw: string | undefined, name: string): number {
  if (raw === undefined || raw === '') return 0;
  if (!CURSOR_SHAPE.test(raw)) throw badRequest(`\`${name}\` must be a cursor this API returned (a whole number)`);
  return Number(raw);
}

me.get('/', async (c) => {
  const { db, now } = c.get('deps');
  const memberId = c.get('memberId');
  const rows = await readOwn<ProfileRow>(c, PROFILE, [memberId, ...pointsInWindowParams(now())]);
  const profile = profileFromRow(rows[0]);
  const referral = await referralStatusOf(db, memberId, profile.member.emailVerified === true);
  return c.json(referral ? { ...profile, referral } : profile, 200);
});

/**
 * The sync round trip's one read: the profile, and beside it each purchase
 * changed after the cursor `$4` (at most `$5`), its columns prefixed `p_`;
 * one row with empty purchase columns when nothing changed. It also says
 * whether any mission is shown now (running, or ended within
 * `ENDED_MISSION_SHOWN_DAYS`), so that a sync reads missions only then.
 */
const SYNC_READ = prepared(
  'me_sync_read',
  `SELECT profile.*, ${PURCHASE_COLUMN_LIST.map((column) => `changed.${column} AS p_${column}`).join(', ')},
          EXISTS (SELECT 1 FROM missions WHERE active AND starts_at <= $3::timestamptz
                     AND ends_at > $3::timestamptz - interval '${ENDED_MISSION_SHOWN_DAYS} days') AS missions_shown
     FROM (${PROFILE_SQL}) profile
     LEFT JOIN LATERAL (
       SELECT ${PURCHASE_COLUMNS} FROM purchases WHERE member_id = $1 AND change_seq > $4 ORDER BY change_seq LIMIT $5
     ) changed ON true
    ORDER BY changed.change_seq`,
);

function changedPurchase(row: Record<string, unknown>): PurchaseRow | null {
  if (row.p_id === null) return null;
  const purchase: Record<string, unknown> = {};
  for (const column of PURCHASE_COLUMN_LIST) purchase[column] = row[`p_${column}`];
  return purchase as PurchaseRow;
}

me.get('/sync', async (c) => {
  const { now, env } = c.get('deps');
  const memberId = c.get('memberId');
  const after = parseCursor(c.req.query('cursor'), 'cursor');
  const read = await readOwn<ProfileRow>(c, SYNC_READ, [memberId, ...pointsInWindowParams(now()), after, SYNC_PAGE + 1]);
  const rows = read.flatMap((r) => changedPurchase(r) ?? []);
  // Read with the token, in the same statement as the rate-limit check.
  const { partners: catalog, offers } = c.get('catalogVersions');
  const page = rows.slice(0, SYNC_PAGE);
  const profile = profileFromRow(read[0]);
  const months = env.POINTS_EXPIRY_MONTHS;
  // Only a member with points to lose has anything to read about.
  const [upcoming, missions] = await Promise.all([
    months > 0 && profile.balance.available > 0 ? upcomingExpiries(memberReads(c), memberId, now(), months) : [],
    (read[0] as { missions_shown?: boolean } | undefined)?.missions_shown === true ? missionStandings(memberReads(c), memberId, now()) : [],
  ]);
  const body: SyncResponse = {
    ...profile,
    purchases: page.map(purchaseFromRow),
    cursor: String(page.at(-1)?.change_seq ?? after),
    hasMore: rows.length > SYNC_PAGE,
    catalogVersion: String(catalog),
    offersVersion: String(offers),
    expiry: { months, upcoming },
    missions,
  };
  return c.json(body, 200);
});

interface EntryRow {
  [key: string]: unknown;
  id: number;
  account: 'pending' | 'available';
  delta: number;
  reason: string;
  purchase_id: string | null;
  redemption_id: string | null;
  charity_name: string | null;
  created_at: Date;
}

/** Entries with the name of the charity a donation went to (`e` is ledger_entries). */
const ENTRY_COLUMNS = `e.id, e.account, e.delta, e.reason, e.purchase_id, e.redemption_id, e.created_at,
  (SELECT ca.name FROM charity_entries ce JOIN charity_accounts ca ON ca.id = ce.charity_id
    WHERE e.redemption_id IS NOT NULL AND ce.redemption_id = e.redemption_id) AS charity_name`;

function transactionFromRow(r: EntryRow): Transaction {
  return {
    id: String(r.id),
    account: r.account,
    delta: r.delta,
    reason: r.reason,
    ...(r.purchase_id ? { purchaseId: r.purchase_id } : {}),
    ...(r.redemption_id ? { redemptionId: r.redemption_id } : {}),
    ...(r.charity_name ? { charityName: r.charity_name } : {}),
    createdAt: r.created_at.toISOString(),
  };
}

me.get('/transactions', async (c) => {
  const before = parseCursor(c.req.query('cursor'), 'cursor');
  const rawLimit = c.req.query('limit');
  const limit = rawLimit === undefined ? TRANSACTIONS_DEFAULT : /^\d{1,4}$/.test(rawLimit) ? Number(rawLimit) : NaN;
  if (!(limit >= 1 && limit <= TRANSACTIONS_MAX)) {
    throw badRequest(`\`limit\` must be a whole number from 1 to ${TRANSACTIONS_MAX}`);
  }
  // Newest first, paged by entry id: the cursor is the last id of the previous page.
  // A member without entries yet reads them from the primary too: it cannot be told from a replica behind.
  const rows = await readOwn<EntryRow>(
    c,
    `SELECT ${ENTRY_COLUMNS} FROM ledger_entries e WHERE e.member_id = $1 AND ($2::bigint = 0 OR e.id < $2::bigint) ORDER BY e.id DESC LIMIT $3`,
    [c.get('memberId'), before, limit + 1],
  );
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return c.json({ transactions: page.map(transactionFromRow), ...(rows.length > limit && last ? { nextCursor: String(last.id) } : {}) }, 200);
});

/**
 * Rows per query of the export: each query is short, so other members'
 * requests run in between. PGlite runs each query on the event loop itself,
 * so its pages are smaller: a page is as long as anybody else waits.
 */
export const EXPORT_PAGE = 200;
const EXPORT_PAGE_PGLITE = 100;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** One section of the export: rows read page by page after a keyset cursor, each turned into its JSON form. */
interface Section<R> {
  name: string;
  page(db: Queryable, memberId: string, after: R | undefined, limit: number): Promise<R[]>;
  json(row: R): unknown;
  /** Where rows can come round again while the export runs: what makes two readings the same row. */
  key?(row: R): string;
}

const section = <R,>(s: Section<R>): Section<unknown> => s as Section<unknown>;

type RedemptionRow = { id: string; reward_id: string; points: number; status: string; code: string | null; created_at: Date };
type ClaimExportRow = { id: string; purchase_id: string; receipt: unknown; status: string; created_at: Date; decided_at: Date | null };
type DeviceRow = { token_hash: string; device: string | null; created_at: Date; revoked_at: Date | null };

/** `(created_at, id) > (after)`: the keyset of rows ordered by creation time. */
const afterCreated = (after: { created_at: Date; id: string } | undefined, first = ''): [string, string] =>
  after ? [after.created_at.toISOString(), after.id] : ['-infinity', first];
const NIL_UUID = '00000000-0000-0000-0000-000000000000';

const EXPORT_SECTIONS: readonly Section<unknown>[] = [
  // Paged along the member's change index (the one sync reads): no sort of all their purchases per page.
  // A purchase that changes during the export comes round again; `key` keeps its first reading.
  section<PurchaseRow>({
    name: 'purchases',
    page: (db, memberId, after, limit) =>
      db.query<PurchaseRow>(`SELECT ${PURCHASE_COLUMNS} FROM purchases WHERE member_id = $1 AND change_seq > $2 ORDER BY change_seq LIMIT $3`, [
        memberId,
        after?.change_seq ?? 0,
        limit,
      ]),
    json: purchaseFromRow,
    key: (row) => row.id,
  }),
  section<EntryRow>({
    name: 'transactions',
    page: (db, memberId, after, limit) =>
      db.query<EntryRow>(`SELECT ${ENTRY_COLUMNS} FROM ledger_entries e WHERE e.member_id = $1 AND e.id > $2 ORDER BY e.id LIMIT $3`, [
        memberId,
        after?.id ?? 0,
        limit,
      ]),
    json: transactionFromRow,
  }),
  section<RedemptionRow>({
    name: 'redemptions',
    page: (db, memberId, after, limit) =>
      db.query<RedemptionRow>(
        `SELECT id, reward_id, points, status, code, created_at FROM redemptions
          WHERE member_id = $1 AND (created_at, id::text) > ($2::timestamptz, $3) ORDER BY created_at, id::text LIMIT $4`,
        [memberId, ...afterCreated(after), limit],
      ),
    json: (r) => ({ id: r.id, rewardId: r.reward_id, points: r.points, status: r.status, ...(r.code ? { code: r.code } : {}), createdAt: r.created_at.toISOString() }),
  }),
  section<ClaimExportRow>({
    name: 'claims',
    page: (db, memberId, after, limit) =>
      db.query<ClaimExportRow>(
        `SELECT id, purchase_id, receipt, status, created_at, decided_at FROM claims
          WHERE member_id = $1 AND (created_at, id::text) > ($2::timestamptz, $3) ORDER BY created_at, id::text LIMIT $4`,
        [memberId, ...afterCreated(after), limit],
      ),
    json: (r) => ({ id: r.id, purchaseId: r.purchase_id, status: r.status, receipt: r.receipt, createdAt: r.created_at.toISOString(), decidedAt: iso(r.decided_at) }),
  }),
  // Token hashes are read only as the cursor: they are credentials, not data about the member.
  section<DeviceRow>({
    name: 'devices',
    page: (db, memberId, after, limit) =>
      db.query<DeviceRow>(
        `SELECT token_hash, device, created_at, revoked_at FROM tokens
          WHERE member_id = $1 AND (created_at, token_hash) > ($2::timestamptz, $3) ORDER BY created_at, token_hash LIMIT $4`,
        [memberId, after ? after.created_at.toISOString() : '-infinity', after?.token_hash ?? '', limit],
      ),
    json: (t) => ({ device: t.device, createdAt: t.created_at.toISOString(), revokedAt: iso(t.revoked_at) }),
  }),
];

/** The rows not read before (by `key`), remembering them in `seen`. */
function firstReadings<R>(rows: readonly R[], key: (row: R) => string, seen: Set<string>): R[] {
  const fresh: R[] = [];
  for (const row of rows) {
    const k = key(row);
    if (seen.has(k)) continue;
    seen.add(k);
    fresh.push(row);
  }
  return fresh;
}

/**
 * The export document as text chunks: the profile, then each section a page
 * at a time. After each page the export rests as long as the page took, so
 * exports get at most about half of the process's time however many run,
 * and the rest goes to everybody else.
 */
async function* exportChunks(db: Db, memberId: string, head: Record<string, unknown>): AsyncGenerator<string> {
  const limit = db.kind === 'pglite' ? EXPORT_PAGE_PGLITE : EXPORT_PAGE;
  const opening = JSON.stringify(head);
  yield opening.slice(0, -1);
  for (const s of EXPORT_SECTIONS) {
    yield `,${JSON.stringify(s.name)}:[`;
    let after: unknown;
    let first = true;
    const seen = new Set<string>();
    for (;;) {
      const started = performance.now();
      const rows = await s.page(db, memberId, after, limit);
      const fresh = s.key ? firstReadings(rows, s.key, seen) : rows;
      const text = fresh.map((r) => JSON.stringify(s.json(r))).join(',');
      // A macrotask wait, not only a promise: PGlite answers without going through the event
      // loop, and without it an export's pages would hold every other request until the end.
      await new Promise((resolve) => setTimeout(resolve, performance.now() - started));
      if (fresh.length > 0) {
        yield (first ? '' : ',') + text;
        first = false;
      }
      if (rows.length < limit) break;
      after = rows.at(-1);
    }
    yield ']';
  }
  yield '}';
}

/**
 * GDPR access: everything stored about the member, as one JSON document
 * streamed page by page, so a member with 20,000 purchases neither holds
 * the server's memory nor one long query, and other members' requests run
 * between its pages. Limited per member per day (RATE_LIMIT_EXPORT_PER_DAY).
 */
/**
 * Exports running in this process, per app: one at a time per member, and
 * at most `EXPORTS_AT_ONCE` in all, so that exports take a bounded share of
 * the process whatever one member sends. (Per process: each replica has its
 * own allowance.)
 */
export const EXPORTS_AT_ONCE = 2;
const EXPORT_SLOT_MAX_MS = 2 * 60 * 1000;
const running = new WeakMap<object, Set<string>>();

function exportBusy(retryAfterSeconds: number, message: string): ApiError {
  return new ApiError(429, 'rate_limited', message, { 'Retry-After': String(retryAfterSeconds) });
}

me.get('/export', async (c) => {
  const deps = c.get('deps');
  const { db, env, now } = deps;
  const memberId = c.get('memberId');
  const mine = running.get(deps) ?? new Set<string>();
  running.set(deps, mine);
  if (mine.has(memberId)) throw exportBusy(10, 'Your export is still running; one at a time');
  if (mine.size >= EXPORTS_AT_ONCE) throw exportBusy(10, 'Other exports are running; try again in a few seconds');
  // Taken before the first await, so parallel requests see it.
  mine.add(memberId);
  let finished = false;
  const finish = () => {
    if (!finished) mine.delete(memberId);
    finished = true;
  };
  // A client that stops reading without closing must not hold the slot for ever.
  setTimeout(finish, EXPORT_SLOT_MAX_MS).unref();
  let profile: Me;
  try {
    await enforce(db, `export:${memberId}`, env.RATE_LIMIT_EXPORT_PER_DAY, 24 * 60 * 60, now(), 'export');
    profile = await loadProfile(db, memberId, now());
  } catch (error) {
    finish();
    throw error;
  }
  const chunks = exportChunks(db, memberId, { exportedAt: now().toISOString(), ...profile });
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await chunks.next();
        if (next.done) {
          finish();
          controller.close();
        } else controller.enqueue(encoder.encode(next.value));
      } catch (error) {
        finish();
        controller.error(error);
      }
    },
    async cancel() {
      finish();
      await chunks.return(undefined);
    },
  });
  c.header('Content-Type', 'application/json; charset=utf-8');
  c.header('Content-Disposition', `attachment; filename="sammelpunkt-${profile.member.memberNumber}.json"`);
  c.header('Cache-Control', 'no-store');
  return c.body(body, 200);
});

/** Erasure (GDPR art. 17) with the password asked again, so that a stolen token alone cannot erase an account; see accounts/erasure.ts. */
me.delete('/', async (c) => {
  const { db, now } = c.get('deps');
  const memberId = c.get('memberId');
  const { password } = await readJson(c, ErasureRequest);
  await confirmPassword(db, memberId, password);
  await eraseMember(db, memberId, now());
  return c.body(null, 204);
});
