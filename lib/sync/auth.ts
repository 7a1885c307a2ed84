/**
 * Signing in and out. The token is this device's (one token per device on the
 * server); receipts and the outbox are never touched, so purchases recorded
 * while signed out are sent after the next sign-in.
 */
import { AuthResponse, type Member, VerifyEmailResponse } from '../contract/index.ts';
import { clearAccount, getAccount, getSettings, saveAccount, updateSyncState, type SammelpunktDb } from '../db/index.ts';
import { apiRequest, type FetchLike } from './http.ts';

export interface AuthDeps {
  db: SammelpunktDb;
  fetch: FetchLike;
  now?: () => Date;
  timeoutMs?: number;
}

export interface SignInRequest {
  email: string;
  password: string;
  mode: 'login' | 'register';
  /** A label for the token, such as "Firefox on laptop". */
  device?: string;
}

export type SignInResult = { ok: true; member: Member } | { ok: false; code: string; message: string };

export async function signIn(deps: AuthDeps, request: SignInRequest): Promise<SignInResult> {
  const now = deps.now ?? (() => new Date());
  const { apiBaseUrl } = await getSettings(deps.db);
  const outcome = await apiRequest(
    { fetch: deps.fetch, baseUrl: apiBaseUrl, now, timeoutMs: deps.timeoutMs },
    {
      method: 'POST',
      path: `/v1/auth/${request.mode}`,
      body: { email: request.email, password: request.password, device: request.device },
    },
  );
  if (outcome.kind !== 'ok') {
    if (outcome.kind === 'not-modified') return { ok: false, code: 'bad_response', message: 'Unexpected answer' };
    return { ok: false, code: outcome.error.code, message: outcome.error.message };
  }
  const parsed = AuthResponse.safeParse(outcome.body);
  if (!parsed.success) return { ok: false, code: 'bad_response', message: 'The sign-in answer did not match the contract' };

  const previous = await getAccount(deps.db);
  await saveAccount(deps.db, { token: parsed.data.token, member: parsed.data.member, signedInAt: now().toISOString() });
  const otherMember = previous !== undefined && previous.member.id !== parsed.data.member.id;
  await updateSyncState(deps.db, (s) => ({
    ...s,
    signedOut: false,
    lastError: undefined,
    attempt: 0,
    nextRetryAt: undefined,
    // Another member's cursor and balance mean nothing for this one.
    ...(otherMember ? { cursor: undefined, balance: undefined, tier: undefined, tierProgress: undefined } : {}),
  }));
  if (otherMember) await deps.db.delete('offers', 'current');
  return { ok: true, member: parsed.data.member };
}

/** Revokes this device's token (best effort) and forgets it locally. */
export async function signOut(deps: AuthDeps): Promise<void> {
  const account = await getAccount(deps.db);
  if (account !== undefined) {
    const { apiBaseUrl } = await getSettings(deps.db);
    const now = deps.now ?? (() => new Date());
    // Offline sign-out still signs out locally; the token then expires on the server.
    await apiRequest(
      { fetch: deps.fetch, baseUrl: apiBaseUrl, now, timeoutMs: deps.timeoutMs ?? 5_000 },
      { method: 'POST', path: '/v1/auth/logout', token: account.token },
    );
  }
  await clearAccount(deps.db);
  await updateSyncState(deps.db, (s) => ({
    attempt: 0,
    cursor: undefined,
    catalogVersion: s.catalogVersion,
    signedOut: false,
  }));
  await deps.db.delete('offers', 'current');
}

/** Confirms the member's email with the mailed code and keeps the updated member. */
export async function verifyEmail(deps: AuthDeps, code: string): Promise<SignInResult> {
  const account = await getAccount(deps.db);
  if (account === undefined) return { ok: false, code: 'unauthorized', message: 'Not signed in' };
  const { apiBaseUrl } = await getSettings(deps.db);
  const now = deps.now ?? (() => new Date());
  const outcome = await apiRequest(
    { fetch: deps.fetch, baseUrl: apiBaseUrl, now, timeoutMs: deps.timeoutMs },
    { method: 'POST', path: '/v1/auth/verify-email', token: account.token, body: { code } },
  );
  if (outcome.kind !== 'ok') {
    if (outcome.kind === 'not-modified') return { ok: false, code: 'bad_response', message: 'Unexpected answer' };
    return { ok: false, code: outcome.error.code, message: outcome.error.message };
  }
  const parsed = VerifyEmailResponse.safeParse(outcome.body);
  if (!parsed.success) return { ok: false, code: 'bad_response', message: 'The answer did not match the contract' };
  await saveAccount(deps.db, { ...account, member: parsed.data.member });
  return { ok: true, member: parsed.data.member };
}

/** Asks the server to mail a new verification code. */
export async function resendVerificationCode(deps: AuthDeps): Promise<{ ok: true } | { ok: false; code: string }> {
  const account = await getAccount(deps.db);
  if (account === undefined) return { ok: false, code: 'unauthorized' };
  const { apiBaseUrl } = await getSettings(deps.db);
  const outcome = await apiRequest(
    { fetch: deps.fetch, baseUrl: apiBaseUrl, now: deps.now ?? (() => new Date()), timeoutMs: deps.timeoutMs },
    { method: 'POST', path: '/v1/auth/verify-email/resend', token: account.token },
  );
  if (outcome.kind === 'ok' || outcome.kind === 'not-modified') return { ok: true };
  return { ok: false, code: outcome.error.code };
}
