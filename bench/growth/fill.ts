/**
 * Bulk-loads a migrated database with what the app would have written for
 * `members` members and `purchases` purchases spread over two years, in
 * server-side SQL (`INSERT … SELECT FROM generate_series`, one statement
 * per chunk; `pg-copy-streams` is not among the dependencies, and a
 * generator inside the server moves no rows over the wire at all).
 *
 * Every row is a function of its number, so a fill is reproducible and the
 * rows agree with each other the way the app keeps them agreeing:
 *
 * - purchase i belongs to member (i − 1) mod members (each member's
 *   purchases are spread over the whole period, as real ones arrive), at one
 *   of the partners, earn 1 point per 2 EUR, no offers, basis tier: points =
 *   floor(amount / 200), its frozen `terms` as ingest writes them;
 * - its state follows its age: older than the 30-day hold, 92 % confirmed,
 *   5 % cancelled while pending, 3 % reversed after confirmation; 1 % of the
 *   old ones were confirmed at a lower partner amount (reason
 *   `amount_adjusted`, flagged `amount_above_partner`, the flag reviewed)
 *   and 1 % were held for review and released; within the hold, 97 %
 *   pending, 2 % pending and held for review, 1 % cancelled;
 * - its ledger entries are exactly those the lifecycle posts for that path
 *   (server/purchases/lifecycle.ts, ledger.ts): `purchase` on booking,
 *   `purchase_adjusted` and `confirmation` on confirming, `cancellation`,
 *   `reversal`;
 * - each balance row is computed from the purchases (available = points of
 *   confirmed ones, pending = points of pending ones, lifetime = available,
 *   nothing redeemed), not from the entries, so `ledger:verify` checks the
 *   generator rather than repeating it;
 * - 0.1 % of purchases have a missing-points claim (open while younger than
 *   14 days, decided before), amount flags have their `amount_flags` row,
 *   every member has a verified email, a member number with its Luhn digit,
 *   a referral code and an email key.
 *
 * The secondary indexes of the big tables are dropped for the load and
 * built again afterwards (`CREATE INDEX` sorts once instead of inserting
 * ten million times), and foreign-key triggers are off for the session
 * (`session_replication_role = replica`): the generator's rows reference
 * only rows it wrote first. Then `VACUUM ANALYZE`, as autovacuum would
 * have left a database of that age.
 */
import type { Queryable } from '../../server/db/index.ts';

export interface FillPlan {
  purchases: number;
  members: number;
  /** Partner ids, the first being the one the load phases use. */
  partnerIds: readonly string[];
  /** A real password hash (from a registration), given to every member. */
  passwordHash: string;
  /** The fill's "now": the newest purchase is a minute before it. */
  now: Date;
  spanDays?: number;
  /** Rows per INSERT statement (progress is reported per chunk). */
  chunk?: number;
  progress?: (what: string) => void;
}

export interface FillReport {
  seconds: number;
  /** Of which building the secondary indexes again. */
  indexSeconds: number;
  vacuumSeconds: number;
  ledgerEntries: number;
  claims: number;
  /** A database a kept run had filled, measured again (BENCH_GROWTH_REUSE=1). */
  reused?: boolean;
}

/** The tables whose secondary indexes are dropped during the load. */
const BULK_TABLES = ['members', 'purchases', 'ledger_entries', 'claims', 'amount_flags', 'referral_email_keys', 'balances'];

export const HOLD_DAYS = 30;
const CLAIM_OPEN_DAYS = 14;
export const MEMBER_ID_SQL = (m: string) => `md5('growth-member-' || (${m})::text)::uuid`;
export const memberEmail = (m: number) => `member${m}@growth.example`;

/** 8 characters of the referral alphabet (server/programme/referrals.ts), distinct per member: 'G' and m in base 31. */
const REFERRAL_CODE_SQL = `'G' || (SELECT string_agg(substr('ABCDEFGHJKMNPQRSTUVWXYZ23456789', ((g.m / (31::bigint ^ k)::bigint) % 31)::int + 1, 1), '' ORDER BY k DESC)
                                      FROM generate_series(0, 6) k)`;
/** 100000000 + m and its Luhn check digit, as newMemberNumber() writes them (doubling from the rightmost digit). */
const MEMBER_NUMBER_SQL = `(100000000 + g.m)::text || (SELECT (10 - sum(CASE WHEN k % 2 = 0 THEN (CASE WHEN d * 2 > 9 THEN d * 2 - 9 ELSE d * 2 END) ELSE d END) % 10) % 10
                                                     FROM (SELECT k, substr((100000000 + g.m)::text, 9 - k, 1)::int AS d FROM generate_series(0, 8) k) digits)::text`;

function membersSql(): string {
  return `INSERT INTO members (id, email, password_hash, member_number, tier, created_at, referral_code, email_verified_at)
    SELECT ${MEMBER_ID_SQL('g.m')}, 'member' || g.m || '@growth.example', $3, ${MEMBER_NUMBER_SQL}, 'basis',
           $4::timestamptz - make_interval(days => $5 + 10), ${REFERRAL_CODE_SQL}, $4::timestamptz - make_interval(days => $5 + 10)
      FROM generate_series($1::int, $2::int) AS g(m)`;
}

function emailKeysSql(): string {
  return `INSERT INTO referral_email_keys (email_sha256, created_at)
    SELECT encode(sha256(convert_to('member' || g.m || '@growth.example', 'UTF8')), 'hex'), $3::timestamptz
      FROM generate_series($1::int, $2::int) AS g(m)`;
}

/**
 * One chunk of purchases [$1, $2] with their ledger entries, claims and
 * amount flags, in one statement. $3 purchases in all, $4 members, $5 the
 * partner ids, $6 now, $7 the span in days.
 */
function purchasesSql(): string {
  return `WITH g AS (
    SELECT i, member_id, partner_id, created_at, amount0, r, old,
           CASE WHEN NOT old THEN (CASE WHEN r < 97 THEN 'pending' ELSE 'rejected' END)
                WHEN r < 92 THEN 'confirmed' WHEN r < 97 THEN 'rejected' ELSE 'reversed' END AS status,
           old AND r = 91 AS adjusted,
           (NOT old AND r IN (95, 96)) AS held,
           old AND r = 90 AS released
      FROM (
        SELECT i, ${MEMBER_ID_SQL('(i - 1) % $4')} AS member_id,
               ($5::text[])[1 + abs(hashint4(i + 1000003)) % array_length($5::text[], 1)] AS partner_id,
               $6::timestamptz - make_interval(secs => ($3::bigint - i) * ($7 * 86400.0 / $3) + 60) AS created_at,
               (1250 + (i::bigint * 737) % 13700)::bigint AS amount0,
               abs(hashint4(i)) % 100 AS r,
               ($3::bigint - i) * ($7 * 86400.0 / $3) + 60 > ${HOLD_DAYS} * 86400 AS old
          FROM generate_series($1::int, $2::int) AS s(i)
      ) base
  ), v AS MATERIALIZED (
    SELECT g.*,
           (lpad(to_hex((extract(epoch FROM created_at - interval '1 minute') * 1000)::bigint), 12, '0') || '7' || substr(h, 1, 3) || '8' || substr(h, 4, 15))::uuid AS pid,
           h,
           CASE WHEN adjusted THEN (amount0 * 4) / 5 ELSE amount0 END AS amount,
           amount0 / 200 AS points0,
           (CASE WHEN adjusted THEN (amount0 * 4) / 5 ELSE amount0 END) / 200 AS points,
           created_at + interval '20 days' AS confirmed_at,
           LEAST(created_at + interval '2 days', $6::timestamptz) AS ended_at,
           created_at > $6::timestamptz - make_interval(days => ${CLAIM_OPEN_DAYS}) AS claim_open
      FROM g, md5('growth-purchase-' || i) AS h
  ), inserted AS (
    INSERT INTO purchases (id, member_id, partner_id, order_id, amount_minor, original_amount_minor, currency, detected_at, method, body_hash,
                           status, reason, points, multiplier_bp, bonus_points, offer_ids, hold_until, confirmed_at, created_at, updated_at,
                           review, flag, terms, base_points)
    SELECT pid, member_id, partner_id, 'G' || i, amount, amount0, 'EUR',
           created_at - interval '1 minute', 'json-ld', h || md5('body-' || i),
           status,
           CASE WHEN status IN ('rejected', 'reversed') THEN 'cancelled' WHEN adjusted THEN 'amount_adjusted'
                WHEN held THEN 'held_for_review' END,
           points, 10000, 0, '[]'::jsonb, created_at + make_interval(days => ${HOLD_DAYS}),
           CASE WHEN status IN ('confirmed', 'reversed') THEN confirmed_at END,
           created_at,
           CASE WHEN status = 'pending' THEN created_at WHEN status = 'rejected' THEN ended_at
                WHEN status = 'reversed' THEN confirmed_at + interval '5 days' ELSE confirmed_at END,
           CASE WHEN held THEN 'held' WHEN released OR adjusted THEN 'released' END,
           CASE WHEN adjusted THEN 'amount_above_partner' END,
           jsonb_build_object('earn', jsonb_build_object('points', 1, 'per', 2), 'exponent', 2, 'tierMultiplierPercent', 100,
                              'offers', '[]'::jsonb, 'tier', 'basis', 'at', to_char((created_at - interval '1 minute') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
           amount / 200
      FROM v
     ORDER BY i
    RETURNING 1
  ), entries AS (
    INSERT INTO ledger_entries (member_id, account, delta, reason, purchase_id, created_at)
    SELECT v.member_id, e.account, e.delta, e.reason, v.pid, e.at
      FROM v
      CROSS JOIN LATERAL (VALUES
        (1, 'pending', v.points0, 'purchase', v.created_at, true),
        (2, 'pending', v.points - v.points0, 'purchase_adjusted', v.confirmed_at, v.status = 'confirmed'),
        (3, 'pending', -v.points, 'confirmation', v.confirmed_at, v.status IN ('confirmed', 'reversed')),
        (4, 'available', v.points, 'confirmation', v.confirmed_at, v.status IN ('confirmed', 'reversed')),
        (5, 'pending', -v.points, 'cancellation', v.ended_at, v.status = 'rejected'),
        (6, 'available', -v.points, 'reversal', v.confirmed_at + interval '5 days', v.status = 'reversed')
      ) AS e(n, account, delta, reason, at, applies)
     WHERE e.applies AND e.delta <> 0
     ORDER BY v.i, e.n
    RETURNING 1
  ), flags AS (
    INSERT INTO amount_flags (purchase_id, member_id, member_amount_minor, partner_amount_minor, currency, flagged_at, reviewed_at)
    SELECT pid, member_id, amount0, amount, 'EUR', confirmed_at, confirmed_at + interval '1 day'
      FROM v WHERE adjusted
    RETURNING 1
  ), claimed AS (
    INSERT INTO claims (id, purchase_id, member_id, receipt, status, created_at, decided_at, reason)
    SELECT md5('growth-claim-' || i)::uuid, pid, member_id,
           jsonb_build_object('id', pid, 'orderId', 'G' || i, 'partnerId', partner_id, 'amountMinor', amount0, 'currency', 'EUR',
                              'detectedAt', created_at - interval '1 minute', 'method', 'json-ld'),
           CASE WHEN claim_open THEN 'open' WHEN r % 2 = 0 THEN 'approved' ELSE 'rejected' END,
           created_at + interval '3 days',
           CASE WHEN NOT claim_open THEN created_at + interval '10 days' END,
           CASE WHEN NOT claim_open THEN 'decided by the operator' END
      FROM v
     WHERE abs(hashint4(i + 7)) % 1000 = 0
    RETURNING 1
  )
  SELECT (SELECT count(*) FROM inserted) AS purchases, (SELECT count(*) FROM entries) AS entries,
         (SELECT count(*) FROM claimed) AS claims, (SELECT count(*) FROM flags) AS flags`;
}

const BALANCES_SQL = `INSERT INTO balances (member_id, available, pending, lifetime, updated_at)
  SELECT m.id, COALESCE(s.available, 0), COALESCE(s.pending, 0), COALESCE(s.available, 0), $1::timestamptz
    FROM members m
    LEFT JOIN (
      SELECT member_id, SUM(points) FILTER (WHERE status = 'confirmed') AS available, SUM(points) FILTER (WHERE status = 'pending') AS pending
        FROM purchases GROUP BY member_id
    ) s ON s.member_id = m.id
   WHERE m.email LIKE '%@growth.example'`;

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const value = await fn();
  return [value, (performance.now() - t) / 1000];
}

/**
 * `db` must be one connection (a pool of one, or PGlite): the session
 * settings below hold for the statements after them.
 */
export async function fillDatabase(db: Queryable, plan: FillPlan): Promise<FillReport> {
  const progress = plan.progress ?? (() => {});
  const chunk = plan.chunk ?? 1_000_000;
  const spanDays = plan.spanDays ?? 730;
  const client = { query: <T extends Record<string, unknown>>(sql: string, params: unknown[] = []) => db.query<T>(sql, params).then((rows) => ({ rows })) };
  const started = performance.now();
  {
    await client.query(`SET synchronous_commit = off`);
    await client.query(`SET maintenance_work_mem = '1GB'`);
    await client.query(`SET work_mem = '256MB'`);
    await client.query(`SET session_replication_role = replica`);
    // Secondary indexes (not those behind a constraint) are built again after the load.
    const indexes = (
      await client.query<{ indexname: string; indexdef: string }>(
        `SELECT i.indexname, i.indexdef FROM pg_indexes i
          WHERE i.schemaname = current_schema() AND i.tablename = ANY($1::text[])
            AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
        [BULK_TABLES],
      )
    ).rows;
    for (const ix of indexes) await client.query(`DROP INDEX "${ix.indexname}"`);

    const now = plan.now.toISOString();
    for (let from = 0; from < plan.members; from += chunk) {
      const to = Math.min(plan.members, from + chunk) - 1;
      await client.query(membersSql(), [from, to, plan.passwordHash, now, spanDays]);
      await client.query(emailKeysSql(), [from, to, now]);
      progress(`members ${to + 1} of ${plan.members}`);
    }
    let ledgerEntries = 0;
    let claims = 0;
    for (let from = 1; from <= plan.purchases; from += chunk) {
      const to = Math.min(plan.purchases, from + chunk - 1);
      const res = await client.query<{ entries: number; claims: number }>(purchasesSql(), [
        from,
        to,
        plan.purchases,
        plan.members,
        plan.partnerIds,
        now,
        spanDays,
      ]);
      ledgerEntries += Number(res.rows[0]!.entries);
      claims += Number(res.rows[0]!.claims);
      progress(`purchases ${to} of ${plan.purchases} (${((performance.now() - started) / 1000).toFixed(0)} s)`);
    }
    await client.query(BALANCES_SQL, [now]);
    progress('balances');
    const [, indexSeconds] = await timed(async () => {
      for (const ix of indexes) await client.query(ix.indexdef);
    });
    progress(`${indexes.length} indexes built again in ${indexSeconds.toFixed(0)} s`);
    await client.query(`SET session_replication_role = origin`);
    const [, vacuumSeconds] = await timed(() => client.query('VACUUM ANALYZE'));
    progress(`VACUUM ANALYZE in ${vacuumSeconds.toFixed(0)} s`);
    return { seconds: (performance.now() - started) / 1000, indexSeconds, vacuumSeconds, ledgerEntries, claims };
  }
}
