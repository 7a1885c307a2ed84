/**
 * Who may use an operator route: the shared `ADMIN_TOKEN` (scripts and CI,
 * `Authorization: Bearer`, may do everything) or an operator's console
 * session (an HTTP-only, SameSite=Strict cookie) whose role grants the
 * route's permission. A change made with a session also needs the session's
 * CSRF token in `X-CSRF-Token` and, when the browser names them, a same-origin
 * `Origin` and `Sec-Fetch-Site`.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../platform/app.ts';
import { clientAddress, clientNetwork } from '../platform/client-address.ts';
import type { Env } from '../platform/env.ts';
import { ApiError, unauthorized } from '../platform/http.ts';
import { enforce, hit, peek, rateLimited } from '../platform/ratelimit.ts';
import { bearer } from './auth.ts';
import { csrfTokenMatches, may, type OperatorSession, type Permission, resumeSession, type SessionLifetimes } from './operators.ts';
import { decoyHash, hashPassword, needsRehash, verifyPassword } from './passwords.ts';
import { operatorForSignIn, setOperatorPasswordHash } from './operators.ts';
import type { Operator } from '../../lib/contract/console.ts';

/** Over https the cookie carries the `__Host-` prefix: Secure, path `/`, no Domain, so no sibling host can set or shadow it. */
export const SECURE_SESSION_COOKIE = '__Host-sp_console';
/** Over plain http (a laptop, tests) a browser refuses Secure cookies, so the name goes without the prefix. */
export const PLAIN_SESSION_COOKIE = 'sp_console';
export const CSRF_HEADER = 'X-CSRF-Token';

const READ_ONLY_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const sha256 = (s: string) => createHash('sha256').update(s).digest();
const sha256Hex = (s: string) => createHash('sha256').update(s).digest('hex');

export const forbidden = (code: string, message: string) => new ApiError(403, code, message);

export function sessionLifetimes(env: Pick<Env, 'OPERATOR_SESSION_IDLE_MINUTES' | 'OPERATOR_SESSION_MAX_HOURS'>): SessionLifetimes {
  return { idleMinutes: env.OPERATOR_SESSION_IDLE_MINUTES, maxHours: env.OPERATOR_SESSION_MAX_HOURS };
}

/** Whether the client reached the server over https: directly, or by the word of the operator's own proxy (TRUST_PROXY_HOPS). */
export function servedOverHttps(c: Context<AppEnv>): boolean {
  if (new URL(c.req.url).protocol === 'https:') return true;
  if (c.get('deps').env.TRUST_PROXY_HOPS === 0) return false;
  return c.req.header('X-Forwarded-Proto')?.split(',').at(-1)?.trim().toLowerCase() === 'https';
}

export function sessionTokenOf(c: Context<AppEnv>): string | undefined {
  return getCookie(c, SECURE_SESSION_COOKIE) ?? getCookie(c, PLAIN_SESSION_COOKIE);
}

export function setSessionCookie(c: Context<AppEnv>, token: string, expiresAt: Date, now: Date): void {
  const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - now.getTime()) / 1000));
  const options = { httpOnly: true, sameSite: 'Strict', path: '/', maxAge } as const;
  if (servedOverHttps(c)) setCookie(c, SECURE_SESSION_COOKIE, token, { ...options, secure: true });
  else setCookie(c, PLAIN_SESSION_COOKIE, token, options);
}

export function clearSessionCookie(c: Context<AppEnv>): void {
  if (getCookie(c, SECURE_SESSION_COOKIE) !== undefined) deleteCookie(c, SECURE_SESSION_COOKIE, { path: '/', secure: true, httpOnly: true, sameSite: 'Strict' });
  if (getCookie(c, PLAIN_SESSION_COOKIE) !== undefined) deleteCookie(c, PLAIN_SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'Strict' });
}

function sameHost(origin: string, host: string): boolean {
  try {
    return new URL(origin).host.toLowerCase() === host.toLowerCase();
  } catch {
    return false;
  }
}

/**
 * A change made with the session cookie must come from the console's own
 * page: the browser's `Sec-Fetch-Site` and `Origin`, when it sends them, name
 * this origin, and the CSRF token (readable only by a page of this origin)
 * is in the header. The cookie's SameSite=Strict is the first wall, this the
 * second. `Origin` is compared and never logged or kept.
 */
export function checkCsrf(c: Context<AppEnv>, sessionToken: string | undefined): void {
  const site = c.req.header('Sec-Fetch-Site');
  if (site !== undefined && site !== 'same-origin') throw forbidden('csrf_refused', 'A change with the console session must come from the console itself (Sec-Fetch-Site)');
  const origin = c.req.header('Origin');
  const host = c.req.header('Host') ?? new URL(c.req.url).host;
  if (origin !== undefined && !sameHost(origin, host)) throw forbidden('csrf_refused', 'A change with the console session must come from the console itself (Origin)');
  if (sessionToken !== undefined && !csrfTokenMatches(sessionToken, c.req.header(CSRF_HEADER))) {
    throw forbidden('csrf_refused', `A change with the console session needs the session's ${CSRF_HEADER} header`);
  }
}

/** The live console session of the request's cookie, or a 401. */
export async function sessionOf(c: Context<AppEnv>): Promise<{ session: OperatorSession; token: string }> {
  const { db, env, now } = c.get('deps');
  const token = sessionTokenOf(c);
  const session = token ? await resumeSession(db, token, now(), sessionLifetimes(env)) : undefined;
  if (!token || !session) throw unauthorized('The console session is missing or has ended; sign in again');
  return { session, token };
}

/** The old requireAdmin: `Authorization: Bearer $ADMIN_TOKEN`, wrong tokens counted per address. */
async function checkAdminToken(c: Context<AppEnv>): Promise<void> {
  const { db, env, now } = c.get('deps');
  const expected = env.ADMIN_TOKEN;
  if (!expected) throw forbidden('forbidden', 'The operator token is disabled: ADMIN_TOKEN is not configured; sign in to the console instead');
  // Wrong tokens are counted per address; once over the limit, even a right
  // one waits, so guessing costs the window and not a request.
  const key = `admin-failures:${sha256Hex(clientNetwork(clientAddress(c)))}`;
  const failures = await peek(db, key, env.RATE_LIMIT_ADMIN_FAILURES_PER_15MIN, 15 * 60, now());
  if (!failures.allowed) throw rateLimited(failures, 'admin-failures');
  const given = bearer(c.req.header('Authorization'));
  // Comparing digests keeps the comparison constant-time whatever the lengths.
  if (!given || !timingSafeEqual(sha256(given), sha256(expected))) {
    await hit(db, key, env.RATE_LIMIT_ADMIN_FAILURES_PER_15MIN, 15 * 60, now());
    throw unauthorized('The operator token is missing or wrong');
  }
}

/**
 * Operator routes: the request's actor (token or console session) must hold
 * `permission`; a viewer deciding a claim or a reviewer changing a partner
 * gets 403 `forbidden_role`. Without a cookie, the token rules are those of
 * before roles existed (403 while no ADMIN_TOKEN is configured, 401 for a
 * missing or wrong one, 429 after too many wrong ones).
 */
export function requirePermission(permission: Permission) {
  return createMiddleware<AppEnv>(async (c, next) => {
    if (c.req.header('Authorization') !== undefined || sessionTokenOf(c) === undefined) {
      await checkAdminToken(c);
      c.set('actor', { kind: 'token' });
    } else {
      const { session, token } = await sessionOf(c);
      if (!READ_ONLY_METHODS.has(c.req.method)) checkCsrf(c, token);
      const { operator } = session;
      c.set('actor', { kind: 'operator', operatorId: operator.id, email: operator.email, role: operator.role });
      c.set('sessionTokenHash', session.tokenHash);
      c.header('Cache-Control', 'no-store');
    }
    if (!may(c.get('actor'), permission)) throw forbidden('forbidden_role', `The role ${roleOf(c)} may not do this (it needs the ${permission} permission)`);
    await next();
  });
}

const roleOf = (c: Context<AppEnv>) => {
  const actor = c.get('actor');
  return actor.kind === 'operator' ? actor.role : actor.kind;
};

/** Console routes of a signed-in operator (sign-out, me, password): the session cookie, and CSRF on changes. */
export const requireConsoleSession = createMiddleware<AppEnv>(async (c, next) => {
  const { session, token } = await sessionOf(c);
  if (!READ_ONLY_METHODS.has(c.req.method)) checkCsrf(c, token);
  const { operator } = session;
  c.set('actor', { kind: 'operator', operatorId: operator.id, email: operator.email, role: operator.role });
  c.set('sessionTokenHash', session.tokenHash);
  c.header('Cache-Control', 'no-store');
  await next();
});

/**
 * Checks an operator's email and password under the members' kind of
 * limits, counted under keys of their own: per address, per account from
 * one address, and per account from everywhere. An unknown email costs the
 * same scrypt work as a wrong password, and both get the same answer.
 */
export async function verifyOperatorCredentials(c: Context<AppEnv>, email: string, password: string): Promise<Operator> {
  const { db, env, now } = c.get('deps');
  const address = clientAddress(c);
  const account = sha256Hex(email);
  await enforce(db, `operator-login-ip:${sha256Hex(clientNetwork(address))}`, env.RATE_LIMIT_LOGIN_IP_PER_MIN, 60, now(), 'operator-login');
  await enforce(db, `operator-login-account-address:${sha256Hex(`${email}\n${clientNetwork(address)}`)}`, env.RATE_LIMIT_LOGIN_ACCOUNT_PER_15MIN, 15 * 60, now(), 'operator-login-account');
  await enforce(db, `operator-login-account:${account}`, env.RATE_LIMIT_OPERATOR_SIGN_IN_PER_HOUR, 60 * 60, now(), 'operator-login-account-spread');
  const found = await operatorForSignIn(db, email);
  const stored = found?.passwordHash ?? (await decoyHash(env.SCRYPT_LOG_N));
  const ok = await verifyPassword(password, stored);
  if (!found || !ok) throw unauthorized('The email or password is wrong');
  if (needsRehash(stored, env.SCRYPT_LOG_N)) await setOperatorPasswordHash(db, found.id, await hashPassword(password, env.SCRYPT_LOG_N));
  const { passwordHash: _hash, ...operator } = found;
  return operator;
}

/**
 * The permission each `/v1/admin/*` route needs, by method and path; the
 * role matrix in one place (test/server/operator-roles.test.ts walks it).
 * A route not listed here needs `read` to be read and `admin` to be changed,
 * so a route added without thought is never open to a lesser role.
 */
export const ADMIN_ROUTE_PERMISSIONS: readonly { method: string; path: RegExp; permission: Permission }[] = [
  { method: 'PUT', path: /^\/v1\/admin\/(partners|offers|rewards)\/[^/]+$/, permission: 'catalog' },
  { method: 'PUT', path: /^\/v1\/admin\/missions\/[^/]+$/, permission: 'catalog' },
  { method: 'PATCH', path: /^\/v1\/admin\/partners\/[^/]+$/, permission: 'catalog' },
  { method: 'POST', path: /^\/v1\/admin\/imports\/[^/]+$/, permission: 'catalog' },
  { method: 'POST', path: /^\/v1\/admin\/confirmations\/[^/]+$/, permission: 'catalog' },
  { method: 'POST', path: /^\/v1\/admin\/claims\/[^/]+\/(approve|reject)$/, permission: 'review' },
  { method: 'POST', path: /^\/v1\/admin\/review\/[^/]+\/(release|reject)$/, permission: 'review' },
  { method: 'POST', path: /^\/v1\/admin\/(claims|review)\/decisions$/, permission: 'review' },
  // The outbox holds members' verification and reset codes: whoever reads it can take over an account.
  { method: 'GET', path: /^\/v1\/admin\/outbox$/, permission: 'admin' },
  { method: 'GET', path: /^\/v1\/admin\/operators$/, permission: 'admin' },
];

export function permissionFor(method: string, path: string): Permission {
  // Hono answers HEAD with the GET route: it needs what the GET needs.
  const as = method === 'HEAD' ? 'GET' : method;
  const listed = ADMIN_ROUTE_PERMISSIONS.find((r) => r.method === as && r.path.test(path));
  if (listed) return listed.permission;
  return READ_ONLY_METHODS.has(method) ? 'read' : 'admin';
}

/** Guards every `/v1/admin/*` route with the permission `permissionFor` names. */
export const adminGuard = createMiddleware<AppEnv>(async (c, next) => requirePermission(permissionFor(c.req.method, c.req.path))(c, next));
