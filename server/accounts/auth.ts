/** Bearer tokens: opaque random strings, stored only as their SHA-256. */
import { createHash, randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../platform/app.ts';
import { prepared } from '../db/index.ts';
import { unauthorized } from '../platform/http.ts';
import { hitSql, judge, rateLimited, rateLimitHeaders } from '../platform/ratelimit.ts';

export function newToken(): string {
  return `sp_${randomBytes(32).toString('base64url')}`;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function bearer(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m?.[1];
}

function tokenHashOf(c: Context<AppEnv>): string {
  const token = bearer(c.req.header('Authorization'));
  if (!token) throw unauthorized();
  return hashToken(token);
}

const TOKEN_REFUSED = 'The token is unknown, was revoked or has expired; sign in again';

/**
 * The live token `$1` of a member who still exists at `$2`: not revoked,
 * used within the idle lifetime (`idle` days) and younger than the absolute
 * one (`max` days).
 */
const memberByToken = (idle: string, max: string) => `SELECT t.token_hash, t.last_used_at, t.member_id, m.tier, m.written_lsn::text AS written_lsn FROM tokens t JOIN members m ON m.id = t.member_id
      WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND m.erased_at IS NULL
        AND t.last_used_at > $2::timestamptz - make_interval(days => ${idle})
        AND t.created_at > $2::timestamptz - make_interval(days => ${max})`;

/**
 * Moves the token's last use forward, at most once an hour so that a busy
 * member costs no write per request; reads the token from the CTE `member`.
 */
const TOUCH = `UPDATE tokens SET last_used_at = $2 FROM member
      WHERE tokens.token_hash = member.token_hash AND member.last_used_at < $2::timestamptz - interval '1 hour' RETURNING 1`;

const MEMBER = prepared(
  'member_by_token',
  `WITH member AS (${memberByToken('$3', '$4')}), touched AS (${TOUCH}) SELECT member_id, tier, written_lsn FROM member`,
);

/** Lets a request through only with a live token of a member who still exists. */
export const requireMember = createMiddleware<AppEnv>(async (c, next) => {
  const tokenHash = tokenHashOf(c);
  const { db, env, now } = c.get('deps');
  const rows = await db.query<{ member_id: string; tier: string; written_lsn: string | null }>(MEMBER, [tokenHash, now().toISOString(), env.TOKEN_IDLE_DAYS, env.TOKEN_MAX_DAYS]);
  const row = rows[0];
  if (!row) throw unauthorized(TOKEN_REFUSED);
  c.set('memberId', row.member_id);
  c.set('tokenHash', tokenHash);
  c.set('tier', row.tier);
  c.set('writtenLsn', row.written_lsn);
  await next();
});

/**
 * `requireMember` and the member's rate limit (per member, all its tokens
 * together: signing in again mints no fresh allowance) in one statement,
 * which also reads what most member routes need next: the member's tier and
 * the catalogue versions (so catalogue reads can come from memory, see
 * catalog-cache.ts). A wrong token counts no hit: the upsert inserts from
 * the token look-up, which then has no row.
 */
const MEMBER_WITHIN_LIMIT = prepared(
  'member_within_limit',
  `WITH member AS (
     ${memberByToken('$4', '$5')}
   ), touched AS (
     ${TOUCH}
   ), counted AS (
     ${hitSql({ key: `'member:' || member.member_id`, now: '$2', window: '$3', source: 'member' })}
   )
   SELECT member.member_id, member.tier, member.written_lsn, counted.count, counted.window_start,
          (SELECT version FROM catalog_versions WHERE name = 'partners') AS partners_version,
          (SELECT version FROM catalog_versions WHERE name = 'offers') AS offers_version
     FROM member, counted`,
);

export const requireMemberWithinLimit = createMiddleware<AppEnv>(async (c, next) => {
  const tokenHash = tokenHashOf(c);
  const { db, env, now: clock } = c.get('deps');
  const now = clock();
  const windowSeconds = 60;
  const rows = await db.query<{
    member_id: string;
    tier: string;
    written_lsn: string | null;
    count: number;
    window_start: Date;
    partners_version: number;
    offers_version: number;
  }>(MEMBER_WITHIN_LIMIT, [tokenHash, now.toISOString(), windowSeconds, env.TOKEN_IDLE_DAYS, env.TOKEN_MAX_DAYS]);
  const row = rows[0];
  if (!row) throw unauthorized(TOKEN_REFUSED);
  const limit = judge(row.count, row.window_start, env.RATE_LIMIT_MEMBER_PER_MIN, windowSeconds, now);
  if (!limit.allowed) throw rateLimited(limit, 'member');
  c.set('memberId', row.member_id);
  c.set('tokenHash', tokenHash);
  c.set('tier', row.tier);
  c.set('writtenLsn', row.written_lsn);
  c.set('catalogVersions', { partners: row.partners_version, offers: row.offers_version });
  await next();
  // A 429 from a limit of the route itself (claims, exports) keeps that limit's fields, matching its Retry-After.
  if (c.res.headers.has('RateLimit')) return;
  for (const [name, value] of Object.entries(rateLimitHeaders(limit, 'member'))) c.header(name, value);
});
