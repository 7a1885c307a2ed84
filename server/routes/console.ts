/**
 * The operator console's session: sign in with email and password (a
 * session cookie, HTTP-only and SameSite=Strict, Secure over https), who am
 * I, change my password, sign out. What an operator may do is decided on the
 * `/v1/admin/*` routes by role (accounts/operator-auth.ts).
 */
import { Hono } from 'hono';
import { OperatorPasswordChange, OperatorSignIn } from '../../lib/contract/console.ts';
import {
  checkCsrf,
  clearSessionCookie,
  requireConsoleSession,
  sessionLifetimes,
  sessionOf,
  setSessionCookie,
  verifyOperatorCredentials,
} from '../accounts/operator-auth.ts';
import { csrfTokenFor, endSession, findOperator, normalizeOperatorEmail, revokeSessions, setOperatorPasswordHash, startSession } from '../accounts/operators.ts';
import { hashPassword, weakPasswordReason } from '../accounts/passwords.ts';
import { recordAccountEvent } from '../operator/audited.ts';
import type { AppEnv } from '../platform/app.ts';
import { ApiError, readJson } from '../platform/http.ts';
import { actionContext } from './operator-context.ts';

export const consoleSession = new Hono<AppEnv>();

consoleSession.post('/sign-in', async (c) => {
  // No session yet, so no token to check; a page of another origin is still refused by Origin and Sec-Fetch-Site.
  checkCsrf(c, undefined);
  const { db, env, now } = c.get('deps');
  const input = await readJson(c, OperatorSignIn);
  const operator = await verifyOperatorCredentials(c, normalizeOperatorEmail(input.email), input.password);
  const { token, expiresAt } = await startSession(db, operator.id, now(), sessionLifetimes(env));
  setSessionCookie(c, token, expiresAt, now());
  c.header('Cache-Control', 'no-store');
  c.set('actor', { kind: 'operator', operatorId: operator.id, email: operator.email, role: operator.role });
  await recordAccountEvent(db, actionContext(c), operator, 'operator.signed_in');
  return c.json({ operator, csrfToken: csrfTokenFor(token), expiresAt: expiresAt.toISOString() }, 200);
});

consoleSession.get('/me', requireConsoleSession, async (c) => {
  const { session, token } = await sessionOf(c);
  return c.json({ operator: session.operator, csrfToken: csrfTokenFor(token), expiresAt: session.expiresAt.toISOString() }, 200);
});

consoleSession.post('/sign-out', requireConsoleSession, async (c) => {
  const { db, now } = c.get('deps');
  await endSession(db, c.get('sessionTokenHash'), now());
  clearSessionCookie(c);
  const actor = c.get('actor');
  const operator = actor.kind === 'operator' ? await findOperator(db, { id: actor.operatorId }) : undefined;
  if (operator) await recordAccountEvent(db, actionContext(c), operator, 'operator.signed_out');
  return c.body(null, 204);
});

/** Changes the operator's own password (the current one asked again); every other session of the operator ends. */
consoleSession.post('/password', requireConsoleSession, async (c) => {
  const { db, env, now } = c.get('deps');
  const { currentPassword, newPassword } = await readJson(c, OperatorPasswordChange);
  const actor = c.get('actor');
  if (actor.kind !== 'operator') throw new ApiError(401, 'unauthorized', 'Sign in first');
  await verifyOperatorCredentials(c, actor.email, currentPassword).catch((err: unknown) => {
    // A 401 would read as "signed out" to the console: the session is fine, the password is not.
    throw err instanceof ApiError && err.status === 401 ? new ApiError(403, 'wrong_password', 'The current password is wrong') : err;
  });
  const weak = weakPasswordReason(newPassword, actor.email);
  if (weak) throw new ApiError(400, 'weak_password', `The new password is too weak: ${weak}`);
  await setOperatorPasswordHash(db, actor.operatorId, await hashPassword(newPassword, env.SCRYPT_LOG_N));
  await revokeSessions(db, actor.operatorId, now(), c.get('sessionTokenHash'));
  const operator = await findOperator(db, { id: actor.operatorId });
  if (operator) await recordAccountEvent(db, actionContext(c), operator, 'operator.password_changed');
  return c.body(null, 204);
});
