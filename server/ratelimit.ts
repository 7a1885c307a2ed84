/**
 * Fixed-window rate limits kept in the database, so every replica counts
 * against the same window. One statement per check.
 */
import type { Queryable } from './db/index.ts';
import { ApiError } from './http.ts';

export interface LimitResult {
  allowed: boolean;
  /** Seconds until the window resets (for `Retry-After`). */
  retryAfterSeconds: number;
}

export async function hit(db: Queryable, key: string, limit: number, windowSeconds: number, now: Date): Promise<LimitResult> {
  const rows = await db.query<{ count: number; window_start: Date }>(
    `INSERT INTO rate_limits (key, window_start, count) VALUES ($1, $2, 1)
     ON CONFLICT (key) DO UPDATE SET
       count = CASE WHEN rate_limits.window_start <= $2::timestamptz - make_interval(secs => $3) THEN 1 ELSE rate_limits.count + 1 END,
       window_start = CASE WHEN rate_limits.window_start <= $2::timestamptz - make_interval(secs => $3) THEN $2 ELSE rate_limits.window_start END
     RETURNING count, window_start`,
    [key, now.toISOString(), windowSeconds],
  );
  const row = rows[0]!;
  const resetAt = row.window_start.getTime() + windowSeconds * 1000;
  return {
    allowed: row.count <= limit,
    retryAfterSeconds: Math.max(1, Math.ceil((resetAt - now.getTime()) / 1000)),
  };
}

/** Throws a 429 in the error envelope, with `Retry-After`, when the key is over its limit. */
export async function enforce(db: Queryable, key: string, limit: number, windowSeconds: number, now: Date): Promise<void> {
  const result = await hit(db, key, limit, windowSeconds, now);
  if (!result.allowed) {
    throw new ApiError(429, 'rate_limited', `Too many requests; try again in ${result.retryAfterSeconds} s`, {
      'Retry-After': String(result.retryAfterSeconds),
    });
  }
}
