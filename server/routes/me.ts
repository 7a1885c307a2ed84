/**
 * The signed-in member's own data: profile and balance, the sync round trip,
 * the ledger, and the GDPR rights of access (export) and erasure.
 */
import { Hono } from 'hono';
import { randomUUID } from 'node:crypto';
import { ErasureRequest, type Me, type SyncResponse, type Transaction } from '../../lib/contract/index.ts';
import { tierStanding } from '../../lib/points/tiers.ts';
import type { AppEnv } from '../platform/app.ts';
import { requireMemberWithinLimit } from '../accounts/auth.ts';
import { prepared, type Queryable } from '../db/index.ts';
import { badRequest, readJson, unauthorized } from '../platform/http.ts';
import { PURCHASE_COLUMN_LIST, PURCHASE_COLUMNS, purchaseFromRow, type PurchaseRow } from '../purchases/purchase-view.ts';
import { POINTS_IN_WINDOW_SQL, pointsInWindowParams } from '../programme/tiers.ts';
import { confirmPassword, emailSha256, memberFromRow } from './auth.ts';
import { forgetMailsTo } from '../accounts/mail.ts';
import { lockMember } from '../ledger/ledger.ts';

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

/** A cursor is a change or entry number we handed out: digits only, '0' for the start. */
function parseCursor(raw: string | undefined, name: string): number {
  if (raw === undefined || raw === '') return 0;
  if (!/^\d{1,15}$/.test(raw)) throw badRequest(`\`${name}\` must be a cursor this API returned (a whole number)`);
  return Number(raw);
}

me.get('/', async (c) => {
  const { db, now } = c.get('deps');
  return c.json(await loadProfile(db, c.get('memberId'), now()), 200);
});

/**
 * The sync round trip's one read: the profile, and beside it each purchase
 * changed after the cursor `$4` (at most `$5`), its columns prefixed `p_`;
 * one row with empty purchase columns when nothing changed.
 */
const SYNC_READ = prepared(
  'me_sync_read',
  `SELECT profile.*, ${PURCHASE_COLUMN_LIST.map((column) => `changed.${column} AS p_${column}`).join(', ')}
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
  const { db, now } = c.get('deps');
  const memberId = c.get('memberId');
  const after = parseCursor(c.req.query('cursor'), 'cursor');
  const read = await db.query<ProfileRow>(SYNC_READ, [memberId, ...pointsInWindowParams(now()), after, SYNC_PAGE + 1]);
  const rows = read.flatMap((r) => changedPurchase(r) ?? []);
  // Read with the token, in the same statement as the rate-limit check.
  const { partners: catalog, offers } = c.get('catalogVersions');
  const page = rows.slice(0, SYNC_PAGE);
  const body: SyncResponse = {
    ...profileFromRow(read[0]),
    purchases: page.map(purchaseFromRow),
    cursor: String(page.at(-1)?.change_seq ?? after),
    hasMore: rows.length > SYNC_PAGE,
    catalogVersion: String(catalog),
    offersVersion: String(offers),
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
  const { db } = c.get('deps');
  const before = parseCursor(c.req.query('cursor'), 'cursor');
  const rawLimit = c.req.query('limit');
  const limit = rawLimit === undefined ? TRANSACTIONS_DEFAULT : /^\d{1,4}$/.test(rawLimit) ? Number(rawLimit) : NaN;
  if (!(limit >= 1 && limit <= TRANSACTIONS_MAX)) {
    throw badRequest(`\`limit\` must be a whole number from 1 to ${TRANSACTIONS_MAX}`);
  }
  // Newest first, paged by entry id: the cursor is the last id of the previous page.
  const rows = await db.query<EntryRow>(
    `SELECT ${ENTRY_COLUMNS} FROM ledger_entries e WHERE e.member_id = $1 AND ($2::bigint = 0 OR e.id < $2::bigint) ORDER BY e.id DESC LIMIT $3`,
    [c.get('memberId'), before, limit + 1],
  );
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return c.json({ transactions: page.map(transactionFromRow), ...(rows.length > limit && last ? { nextCursor: String(last.id) } : {}) }, 200);
});

me.get('/export', async (c) => {
  const { db, now } = c.get('deps');
  const memberId = c.get('memberId');
  const [profile, purchases, entries, redemptions, claims, tokens] = await Promise.all([
    loadProfile(db, memberId, now()),
    db.query<PurchaseRow>(`SELECT ${PURCHASE_COLUMNS} FROM purchases WHERE member_id = $1 ORDER BY created_at, id`, [memberId]),
    db.query<EntryRow>(`SELECT ${ENTRY_COLUMNS} FROM ledger_entries e WHERE e.member_id = $1 ORDER BY e.id`, [memberId]),
    db.query<{ id: string; reward_id: string; points: number; status: string; code: string | null; created_at: Date }>(
      'SELECT id, reward_id, points, status, code, created_at FROM redemptions WHERE member_id = $1 ORDER BY created_at, id',
      [memberId],
    ),
    db.query<{ id: string; purchase_id: string; receipt: unknown; status: string; created_at: Date; decided_at: Date | null }>(
      'SELECT id, purchase_id, receipt, status, created_at, decided_at FROM claims WHERE member_id = $1 ORDER BY created_at, id',
      [memberId],
    ),
    // Token hashes stay behind: they are credentials, not data about the member.
    db.query<{ device: string | null; created_at: Date; revoked_at: Date | null }>(
      'SELECT device, created_at, revoked_at FROM tokens WHERE member_id = $1 ORDER BY created_at',
      [memberId],
    ),
  ]);
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  const body = {
    exportedAt: now().toISOString(),
    ...profile,
    purchases: purchases.map(purchaseFromRow),
    transactions: entries.map(transactionFromRow),
    redemptions: redemptions.map((r) => ({
      id: r.id,
      rewardId: r.reward_id,
      points: r.points,
      status: r.status,
      ...(r.code ? { code: r.code } : {}),
      createdAt: r.created_at.toISOString(),
    })),
    claims: claims.map((r) => ({
      id: r.id,
      purchaseId: r.purchase_id,
      status: r.status,
      receipt: r.receipt,
      createdAt: r.created_at.toISOString(),
      decidedAt: iso(r.decided_at),
    })),
    devices: tokens.map((t) => ({ device: t.device, createdAt: t.created_at.toISOString(), revokedAt: iso(t.revoked_at) })),
  };
  c.header('Content-Disposition', `attachment; filename="sammelpunkt-${profile.member.memberNumber}.json"`);
  c.header('Cache-Control', 'no-store');
  return c.json(body, 200);
});

/**
 * Erasure (GDPR art. 17), with the password asked again so that a stolen
 * token alone cannot erase an account. Personal data goes: the email, the
 * password hash, device labels, the receipts of claims, known addresses,
 * mails. Purchases and ledger entries stay, because bookkeeping law
 * requires keeping them; without the email they only name a random member
 * id and card number, so they are pseudonymous. An unpaid debt (available
 * points below zero, say after a return of an order whose points were
 * already spent) is kept under the SHA-256 of the email alone, and a new
 * account with that email inherits it. The email is free to register again.
 */
me.delete('/', async (c) => {
  const { db, now } = c.get('deps');
  const memberId = c.get('memberId');
  const { password } = await readJson(c, ErasureRequest);
  await confirmPassword(db, memberId, password);
  const at = now().toISOString();
  await db.transaction(async (tx) => {
    const balance = await lockMember(tx, memberId);
    const rows = await tx.query<{ email: string | null }>('SELECT email FROM members WHERE id = $1', [memberId]);
    const email = rows[0]?.email;
    if (email && balance.available < 0) {
      await tx.query('INSERT INTO erased_debts (id, email_sha256, member_id, points, created_at) VALUES ($1, $2, $3, $4, $5)', [
        randomUUID(),
        emailSha256(email),
        memberId,
        -balance.available,
        at,
      ]);
    }
    if (email) await forgetMailsTo(tx, email);
    await tx.query('UPDATE members SET email = NULL, unclaimed_email = NULL, password_hash = NULL, erased_at = $2 WHERE id = $1', [memberId, at]);
    await tx.query('UPDATE tokens SET revoked_at = COALESCE(revoked_at, $2), device = NULL WHERE member_id = $1', [memberId, at]);
    await tx.query(`UPDATE claims SET receipt = '{}'::jsonb WHERE member_id = $1`, [memberId]);
    await tx.query('DELETE FROM login_addresses WHERE member_id = $1', [memberId]);
    await tx.query('DELETE FROM email_codes WHERE member_id = $1', [memberId]);
  });
  return c.body(null, 204);
});
