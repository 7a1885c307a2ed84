/**
 * Fixed-window rate limits kept in the database, so every replica counts
 * against the same window. One statement per check.
 *
 * A counter's commit does not wait for the WAL to reach the disk
 * (`synchronous_commit` off for that transaction only): a crash may forget
 * the last fraction of a second of hits, which costs nothing, while waiting
 * for the flush on every request of every member would put a disk write on
 * the path of each read.
 */
import { prepared, type Queryable } from '../db/index.ts';
import { ApiError } from './http.ts';

export interface LimitResult {
  allowed: boolean;
  /** Seconds until the window resets (for `Retry-After`). */
  retryAfterSeconds: number;
  /** The limit and what is left of it in this window, for the `RateLimit` header fields. */
  limit: number;
  remaining: number;
  windowSeconds: number;
}

/** Makes the rest of the statement's own transaction commit without waiting for the WAL flush. */
const ASYNC_COMMIT = `set_config('synchronous_commit', 'off', true)`;

/**
 * The upsert that counts one hit; `$key`, `$now` and `$window` name its
 * parameters, and `source` is what it inserts from (a CTE, so a hit can be
 * counted only when the caller's condition holds).
 */
export function hitSql(params: { key: string; now: string; window: string; source: string }): string {
  const reset = `rate_limits.window_start <= ${params.now}::timestamptz - make_interval(secs => ${params.window})`;
  return `INSERT INTO rate_limits (key, window_start, count) SELECT ${params.key}, ${params.now}, 1 FROM ${params.source}
     ON CONFLICT (key) DO UPDATE SET
       count = CASE WHEN ${reset} THEN 1 ELSE rate_limits.count + 1 END,
       window_start = CASE WHEN ${reset} THEN ${params.now} ELSE rate_limits.window_start END
     RETURNING count, window_start, ${ASYNC_COMMIT} AS async_commit`;
}

/** Judges a counted hit against its limit. */
export function judge(count: number, windowStart: Date, limit: number, windowSeconds: number, now: Date): LimitResult {
  const resetAt = windowStart.getTime() + windowSeconds * 1000;
  return {
    allowed: count <= limit,
    retryAfterSeconds: Math.max(1, Math.ceil((resetAt - now.getTime()) / 1000)),
    limit,
    remaining: Math.max(0, limit - count),
    windowSeconds,
  };
}

/**
 * The IETF `RateLimit-Policy` and `RateLimit` header fields
 * (draft-ietf-httpapi-ratelimit-headers): the quota and window, what is
 * left, and the seconds until it resets, so a client can slow down before
 * it is refused.
 */
export function rateLimitHeaders(result: LimitResult, policy = 'default'): Record<string, string> {
  return {
    'RateLimit-Policy': `"${policy}";q=${result.limit};w=${result.windowSeconds}`,
    RateLimit: `"${policy}";r=${result.remaining};t=${result.retryAfterSeconds}`,
  };
}

const PEEK = prepared('rate_limit_peek', 'SELECT count, window_start FROM rate_limits WHERE key = $1');

/** Judges the key's current window without counting a hit (for limits that count failures only). */
export async function peek(db: Queryable, key: string, limit: number, windowSeconds: number, now: Date): Promise<LimitResult> {
  const row = (await db.query<{ count: number; window_start: Date }>(PEEK, [key]))[0];
  if (!row || row.window_start.getTime() + windowSeconds * 1000 <= now.getTime()) return judge(0, now, limit, windowSeconds, now);
  // The next hit would be refused when the count already reached the limit.
  return judge(row.count + 1, row.window_start, limit, windowSeconds, now);
}

/** Counters whose window ended this long ago are deleted by the scheduler; no limit's window is longer than a day. */
export const RATE_LIMIT_KEEP_MS = 2 * 24 * 60 * 60 * 1000;

export async function pruneRateLimits(db: Queryable, now: Date): Promise<number> {
  const rows = await db.query('DELETE FROM rate_limits WHERE window_start < $1 RETURNING 1', [new Date(now.getTime() - RATE_LIMIT_KEEP_MS).toISOString()]);
  return rows.length;
}

const HIT = prepared('rate_limit_hit', `WITH one AS (SELECT 1) ${hitSql({ key: '$1', now: '$2', window: '$3', source: 'one' })}`);

export async function hit(db: Queryable, key: string, limit: number, windowSeconds: number, now: Date): Promise<LimitResult> {
  const rows = await db.query<{ count: number; window_start: Date }>(HIT, [key, now.toISOString(), windowSeconds]);
  const row = rows[0]!;
  return judge(row.count, row.window_start, limit, windowSeconds, now);
}

export function rateLimited(result: LimitResult, policy?: string): ApiError {
  return new ApiError(429, 'rate_limited', `Too many requests; try again in ${result.retryAfterSeconds} s`, {
    'Retry-After': String(result.retryAfterSeconds),
    ...rateLimitHeaders(result, policy),
  });
}

/** Throws a 429 in the error envelope, with `Retry-After`, when the key is over its limit; returns the count otherwise. */
export async function enforce(db: Queryable, key: string, limit: number, windowSeconds: number, now: Date, policy?: string): Promise<LimitResult> {
  const result = await hit(db, key, limit, windowSeconds, now);
  if (!result.allowed) throw rateLimited(result, policy);
  return result;
}
