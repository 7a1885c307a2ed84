/** Bearer tokens: opaque random strings, stored only as their SHA-256. */
import { createHash, randomBytes } from 'node:crypto';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from './app.ts';
import { unauthorized } from './http.ts';

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

/** Lets a request through only with a live token of a member who still exists. */
export const requireMember = createMiddleware<AppEnv>(async (c, next) => {
  const token = bearer(c.req.header('Authorization'));
  if (!token) throw unauthorized();
  const tokenHash = hashToken(token);
  const rows = await c.get('deps').db.query<{ member_id: string }>(
    `SELECT t.member_id FROM tokens t JOIN members m ON m.id = t.member_id
      WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND m.erased_at IS NULL`,
    [tokenHash],
  );
  const row = rows[0];
  if (!row) throw unauthorized('The token is unknown or was revoked; sign in again');
  c.set('memberId', row.member_id);
  c.set('tokenHash', tokenHash);
  await next();
});
