/**
 * Operator accounts: the people who run the programme, each with a role, a
 * password hashed as members' are (accounts/passwords.ts), and console
 * sessions kept as the SHA-256 of a random cookie token.
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Operator, OperatorRole } from '../../lib/contract/console.ts';
import { isUniqueViolation, type Queryable } from '../db/index.ts';
import { hashToken, newToken } from './auth.ts';
import { hashPassword, weakPasswordReason } from './passwords.ts';

/** What a route needs: reading, deciding review queues, changing the catalogue, or running operators and erasures. */
export type Permission = 'read' | 'review' | 'catalog' | 'admin';

export const ROLE_PERMISSIONS: Record<OperatorRole, readonly Permission[]> = {
  viewer: ['read'],
  reviewer: ['read', 'review'],
  'partner-manager': ['read', 'catalog'],
  admin: ['read', 'review', 'catalog', 'admin'],
};

/** Who did something: an operator signed in to the console, the shared ADMIN_TOKEN, or `npm run admin` on the server. */
export type Actor =
  | { kind: 'operator'; operatorId: string; email: string; role: OperatorRole }
  | { kind: 'token' }
  | { kind: 'cli'; user: string };

export function may(actor: Actor, permission: Permission): boolean {
  // The token and the command line hold the server's own keys: they may do everything, as before roles existed.
  return actor.kind !== 'operator' || ROLE_PERMISSIONS[actor.role].includes(permission);
}

export class OperatorRefusal extends Error {
  constructor(
    readonly code: 'weak_password' | 'email_taken' | 'not_found',
    message: string,
  ) {
    super(message);
  }
}

interface OperatorRow {
  [key: string]: unknown;
  id: string;
  email: string;
  role: OperatorRole;
  created_at: Date;
  disabled_at: Date | null;
}

const OPERATOR_COLUMNS = 'o.id, o.email, o.role, o.created_at, o.disabled_at';

export const operatorFromRow = (r: OperatorRow): Operator => ({
  id: r.id,
  email: r.email,
  role: r.role,
  createdAt: r.created_at.toISOString(),
  active: r.disabled_at === null,
});

export const normalizeOperatorEmail = (email: string) => email.trim().toLowerCase();

export async function addOperator(db: Queryable, input: { email: string; role: OperatorRole; password: string }, opts: { logN: number; now: Date }): Promise<Operator> {
  const email = normalizeOperatorEmail(input.email);
  const weak = weakPasswordReason(input.password, email);
  if (weak) throw new OperatorRefusal('weak_password', `The password is too weak: ${weak}`);
  const hash = await hashPassword(input.password, opts.logN);
  try {
    const rows = await db.query<OperatorRow>(
      `INSERT INTO operators AS o (id, email, role, password_hash, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING ${OPERATOR_COLUMNS}`,
      [randomUUID(), email, input.role, hash, opts.now.toISOString()],
    );
    return operatorFromRow(rows[0]!);
  } catch (err) {
    if (isUniqueViolation(err)) throw new OperatorRefusal('email_taken', `An operator with the email ${email} exists already`);
    throw err;
  }
}

export async function listOperators(db: Queryable): Promise<Operator[]> {
  return (await db.query<OperatorRow>(`SELECT ${OPERATOR_COLUMNS} FROM operators o ORDER BY o.created_at, o.id`)).map(operatorFromRow);
}

export async function findOperator(db: Queryable, by: { id: string } | { email: string }): Promise<Operator | undefined> {
  const rows =
    'id' in by
      ? await db.query<OperatorRow>(`SELECT ${OPERATOR_COLUMNS} FROM operators o WHERE o.id::text = $1`, [by.id])
      : await db.query<OperatorRow>(`SELECT ${OPERATOR_COLUMNS} FROM operators o WHERE lower(o.email) = $1`, [normalizeOperatorEmail(by.email)]);
  return rows[0] && operatorFromRow(rows[0]);
}

/** The operator with its password hash, for signing in; disabled operators are not found. */
export async function operatorForSignIn(db: Queryable, email: string): Promise<(Operator & { passwordHash: string }) | undefined> {
  const rows = await db.query<OperatorRow & { password_hash: string }>(
    `SELECT ${OPERATOR_COLUMNS}, o.password_hash FROM operators o WHERE lower(o.email) = $1 AND o.disabled_at IS NULL`,
    [normalizeOperatorEmail(email)],
  );
  const row = rows[0];
  return row && { ...operatorFromRow(row), passwordHash: row.password_hash };
}

export async function setOperatorPasswordHash(db: Queryable, id: string, hash: string): Promise<void> {
  await db.query('UPDATE operators SET password_hash = $2 WHERE id = $1', [id, hash]);
}

/** Sets the role and whether the operator may sign in; disabling ends every session at once. */
export async function updateOperator(db: Queryable, id: string, change: { role: OperatorRole; active: boolean }, now: Date): Promise<{ before: Operator; after: Operator }> {
  const before = await findOperator(db, { id });
  if (!before) throw new OperatorRefusal('not_found', `No operator ${id}`);
  const rows = await db.query<OperatorRow>(
    `UPDATE operators o SET role = $2, disabled_at = CASE WHEN $3::boolean THEN NULL ELSE COALESCE(o.disabled_at, $4) END
      WHERE o.id = $1 RETURNING ${OPERATOR_COLUMNS}`,
    [before.id, change.role, change.active, now.toISOString()],
  );
  if (!change.active) await revokeSessions(db, before.id, now);
  return { before, after: operatorFromRow(rows[0]!) };
}

// --- Sessions ---------------------------------------------------------------

export interface SessionLifetimes {
  idleMinutes: number;
  maxHours: number;
}

export interface OperatorSession {
  operator: Operator;
  tokenHash: string;
  expiresAt: Date;
}

export async function startSession(db: Queryable, operatorId: string, now: Date, lifetimes: SessionLifetimes): Promise<{ token: string; expiresAt: Date }> {
  const token = newToken();
  const expiresAt = new Date(now.getTime() + lifetimes.maxHours * 3_600_000);
  await db.query('INSERT INTO operator_sessions (token_hash, operator_id, created_at, last_seen_at, expires_at) VALUES ($1, $2, $3, $3, $4)', [
    hashToken(token),
    operatorId,
    now.toISOString(),
    expiresAt.toISOString(),
  ]);
  return { token, expiresAt };
}

/** Last use is written at most once a minute, so a busy console does not write on every read. */
const TOUCH_EVERY_MS = 60_000;

/**
 * The live session of a cookie token: not revoked, used within the idle
 * lifetime, before its absolute end, of an operator who is not disabled.
 */
export async function resumeSession(db: Queryable, token: string, now: Date, lifetimes: SessionLifetimes): Promise<OperatorSession | undefined> {
  const tokenHash = hashToken(token);
  const rows = await db.query<OperatorRow & { last_seen_at: Date; expires_at: Date }>(
    `SELECT ${OPERATOR_COLUMNS}, s.last_seen_at, s.expires_at FROM operator_sessions s JOIN operators o ON o.id = s.operator_id
      WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND o.disabled_at IS NULL
        AND s.expires_at > $2 AND s.last_seen_at > $2::timestamptz - make_interval(mins => $3)`,
    [tokenHash, now.toISOString(), lifetimes.idleMinutes],
  );
  const row = rows[0];
  if (!row) return undefined;
  if (now.getTime() - row.last_seen_at.getTime() > TOUCH_EVERY_MS) {
    await db.query('UPDATE operator_sessions SET last_seen_at = $2 WHERE token_hash = $1', [tokenHash, now.toISOString()]);
  }
  return { operator: operatorFromRow(row), tokenHash, expiresAt: row.expires_at };
}

export async function endSession(db: Queryable, tokenHash: string, now: Date): Promise<void> {
  await db.query('UPDATE operator_sessions SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL', [tokenHash, now.toISOString()]);
}

export async function revokeSessions(db: Queryable, operatorId: string, now: Date, exceptTokenHash?: string): Promise<void> {
  await db.query('UPDATE operator_sessions SET revoked_at = $2 WHERE operator_id = $1 AND revoked_at IS NULL AND token_hash IS DISTINCT FROM $3', [
    operatorId,
    now.toISOString(),
    exceptTokenHash ?? null,
  ]);
}

/**
 * The session's CSRF token: an HMAC of the cookie token, so it needs no
 * storage and only a page that could read the session's answers (the
 * console, same origin) can know it.
 */
export function csrfTokenFor(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('sammelpunkt-console-csrf').digest('base64url');
}

export function csrfTokenMatches(sessionToken: string, given: string | undefined): boolean {
  if (!given) return false;
  const expected = Buffer.from(csrfTokenFor(sessionToken));
  const actual = Buffer.from(given);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
