/** Operators for the server tests: made with the token, signed in through the console routes. */
import { expect } from 'vitest';
import type { OperatorRole } from '../../lib/contract/console.ts';
import { ADMIN_TOKEN, type TestServer } from './harness.ts';
import { unique } from './lifecycle-helpers.ts';

export const OPERATOR_PASSWORD = 'violet tractor mountain 42';

export interface SignedIn {
  email: string;
  id: string;
  role: OperatorRole;
  /** The Cookie header to send back. */
  cookie: string;
  csrfToken: string;
  /** The raw Set-Cookie of the sign-in. */
  setCookie: string;
}

export async function addOperator(server: TestServer, role: OperatorRole, email = `${unique(role)}@ops.example.test`): Promise<{ id: string; email: string }> {
  const res = await server.call('POST', '/v1/admin/operators', { token: ADMIN_TOKEN, body: { email, role, password: OPERATOR_PASSWORD } });
  expect(res.status).toBe(201);
  const { operator } = (await res.json()) as { operator: { id: string; email: string } };
  return operator;
}

export async function signIn(server: TestServer, email: string, opts: { url?: string; password?: string } = {}): Promise<Response> {
  const body = JSON.stringify({ email, password: opts.password ?? OPERATOR_PASSWORD });
  return server.app.request(opts.url ?? '/v1/console/sign-in', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
}

export async function operatorSession(server: TestServer, role: OperatorRole): Promise<SignedIn> {
  const { id, email } = await addOperator(server, role);
  const res = await signIn(server, email);
  expect(res.status).toBe(200);
  const setCookie = res.headers.get('Set-Cookie') ?? '';
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return { id, email, role, cookie: setCookie.split(';', 1)[0]!, csrfToken, setCookie };
}

/** A request as the console makes it: the cookie, and on changes the CSRF token and the page's own Origin. */
export function asOperator(server: TestServer, who: SignedIn, method: string, path: string, body?: unknown, extra: Record<string, string> = {}): Promise<Response> {
  const headers: Record<string, string> = { Cookie: who.cookie, ...extra };
  if (method !== 'GET') {
    headers['X-CSRF-Token'] ??= who.csrfToken;
    headers.Origin ??= 'http://localhost';
    headers['Sec-Fetch-Site'] ??= 'same-origin';
  }
  for (const [k, v] of Object.entries(extra)) if (v === '') delete headers[k];
  return server.call(method, path, { headers, ...(body !== undefined ? { body } : {}) });
}
