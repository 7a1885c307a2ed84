/** Operator sign-in, the session cookie, CSRF, expiry and sign-out (/v1/console/*). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, backends, startTestServer, type TestServer } from './harness.ts';
import { errorCode } from './helpers.ts';
import { addOperator, asOperator, OPERATOR_PASSWORD, operatorSession, signIn } from './operator-console-helpers.ts';

describe.each(backends)('operator sessions (%s)', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend, { OPERATOR_SESSION_IDLE_MINUTES: '30', OPERATOR_SESSION_MAX_HOURS: '12' });
  });
  afterAll(() => server.close());

  describe('happy', () => {
    it('signs in with email and password: an HTTP-only, SameSite=Strict cookie, and the CSRF token in the answer', async () => {
      const { email } = await addOperator(server, 'viewer');
      const res = await signIn(server, email.toUpperCase());
      expect(res.status).toBe(200);
      const body = (await res.json()) as { operator: { email: string; role: string }; csrfToken: string; expiresAt: string };
      expect(body.operator).toMatchObject({ email, role: 'viewer' });
      expect(body.csrfToken).toMatch(/^[\w-]{40,}$/);
      const cookie = res.headers.get('Set-Cookie')!;
      expect(cookie).toMatch(/^sp_console=sp_[\w-]+;/);
      expect(cookie).toMatch(/; HttpOnly/);
      expect(cookie).toMatch(/; SameSite=Strict/);
      expect(cookie).toMatch(/; Path=\//);
      expect(cookie).toMatch(/; Max-Age=43200/);
      // Served over plain http, the browser would drop a Secure cookie.
      expect(cookie).not.toMatch(/Secure/);
      expect(res.headers.get('Cache-Control')).toBe('no-store');
    });

    it('over https the cookie is Secure and carries the __Host- prefix', async () => {
      const { email } = await addOperator(server, 'viewer');
      const res = await signIn(server, email, { url: 'https://console.example.test/v1/console/sign-in' });
      expect(res.status).toBe(200);
      const cookie = res.headers.get('Set-Cookie')!;
      expect(cookie).toMatch(/^__Host-sp_console=/);
      expect(cookie).toMatch(/; Secure/);
      expect(cookie).toMatch(/; HttpOnly/);
      expect(cookie).toMatch(/; SameSite=Strict/);
      expect(cookie).not.toMatch(/Domain=/i);
    });

    it('answers who is signed in, and signs out for good', async () => {
      const who = await operatorSession(server, 'reviewer');
      const me = await asOperator(server, who, 'GET', '/v1/console/me');
      expect(me.status).toBe(200);
      expect(await me.json()).toMatchObject({ operator: { email: who.email, role: 'reviewer', active: true }, csrfToken: who.csrfToken });
      const out = await asOperator(server, who, 'POST', '/v1/console/sign-out');
      expect(out.status).toBe(204);
      expect(out.headers.get('Set-Cookie')).toMatch(/^sp_console=;.*Max-Age=0/);
      expect((await asOperator(server, who, 'GET', '/v1/console/me')).status).toBe(401);
      expect((await asOperator(server, who, 'GET', '/v1/admin/claims')).status).toBe(401);
    });

    it('changes the own password: the other sessions end, the new password signs in', async () => {
      const first = await operatorSession(server, 'viewer');
      const second = await signIn(server, first.email);
      const secondCookie = second.headers.get('Set-Cookie')!.split(';', 1)[0]!;
      const wrong = await asOperator(server, first, 'POST', '/v1/console/password', { currentPassword: 'not it at all', newPassword: 'amber falcon river 77' });
      expect(wrong.status).toBe(403);
      const weak = await asOperator(server, first, 'POST', '/v1/console/password', { currentPassword: OPERATOR_PASSWORD, newPassword: 'password1' });
      expect(weak.status).toBe(400);
      expect(await errorCode(weak)).toBe('weak_password');
      const ok = await asOperator(server, first, 'POST', '/v1/console/password', { currentPassword: OPERATOR_PASSWORD, newPassword: 'amber falcon river 77' });
      expect(ok.status).toBe(204);
      expect((await asOperator(server, first, 'GET', '/v1/console/me')).status).toBe(200);
      expect((await server.call('GET', '/v1/console/me', { headers: { Cookie: secondCookie } })).status).toBe(401);
      expect((await signIn(server, first.email, { password: 'amber falcon river 77' })).status).toBe(200);
    });
  });

  describe('error', () => {
    it('refuses a wrong password and an unknown email alike', async () => {
      const { email } = await addOperator(server, 'viewer');
      const wrong = await signIn(server, email, { password: 'wrong password here' });
      const unknown = await signIn(server, 'nobody-here@ops.example.test');
      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(401);
      expect(((await wrong.json()) as { error: { message: string } }).error.message).toBe(((await unknown.json()) as { error: { message: string } }).error.message);
      expect(wrong.headers.get('Set-Cookie')).toBeNull();
    });

    it('refuses bad input with 400 and a body that is not JSON with 415', async () => {
      const bad = await server.call('POST', '/v1/console/sign-in', { body: { email: 'not-an-email', password: 'x' } });
      expect(bad.status).toBe(400);
      const form = await server.app.request('/v1/console/sign-in', { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'email=a&password=b' });
      expect(form.status).toBe(415);
    });

    it('ends a session after 30 idle minutes, and after 12 hours however busy', async () => {
      const idle = await operatorSession(server, 'viewer');
      server.clock.advance(29 * 60_000);
      expect((await asOperator(server, idle, 'GET', '/v1/console/me')).status).toBe(200);
      server.clock.advance(31 * 60_000);
      expect((await asOperator(server, idle, 'GET', '/v1/console/me')).status).toBe(401);

      const busy = await operatorSession(server, 'viewer');
      for (let i = 0; i < 25; i++) {
        server.clock.advance(29 * 60_000);
        const res = await asOperator(server, busy, 'GET', '/v1/console/me');
        // 25 × 29 minutes passes the 12 hours on the 25th step.
        expect(res.status).toBe(i < 24 ? 200 : 401);
      }
    });

    it('ends the sessions of an operator who is disabled, and a disabled operator cannot sign in', async () => {
      const who = await operatorSession(server, 'reviewer');
      const off = await server.call('PUT', `/v1/admin/operators/${who.id}`, { token: ADMIN_TOKEN, body: { role: 'reviewer', active: false } });
      expect(off.status).toBe(200);
      expect((await asOperator(server, who, 'GET', '/v1/console/me')).status).toBe(401);
      expect((await signIn(server, who.email)).status).toBe(401);
    });

    it('a role change applies to the live session at once', async () => {
      const who = await operatorSession(server, 'viewer');
      const claimId = '00000000-0000-4000-8000-000000000000';
      expect(await errorCode(await asOperator(server, who, 'POST', `/v1/admin/claims/${claimId}/reject`, {}))).toBe('forbidden_role');
      await server.call('PUT', `/v1/admin/operators/${who.id}`, { token: ADMIN_TOKEN, body: { role: 'reviewer', active: true } });
      // Allowed now: the claim does not exist, which is the operator function's refusal.
      expect((await asOperator(server, who, 'POST', `/v1/admin/claims/${claimId}/reject`, {})).status).toBe(422);
    });
  });

  describe('security', () => {
    it('refuses a change without the CSRF token, with another session’s token, from another origin or site', async () => {
      const who = await operatorSession(server, 'admin');
      const other = await operatorSession(server, 'admin');
      const body = { email: 'csrf-victim@ops.example.test', role: 'admin', password: 'copper lantern harbour 9' };
      const attempts: Record<string, string>[] = [
        { 'X-CSRF-Token': '' },
        { 'X-CSRF-Token': other.csrfToken },
        { Origin: 'https://evil.example' },
        { Origin: 'null' },
        { 'Sec-Fetch-Site': 'cross-site' },
        { 'Sec-Fetch-Site': 'same-site' },
      ];
      for (const extra of attempts) {
        const res = await asOperator(server, who, 'POST', '/v1/admin/operators', body, extra);
        expect(res.status, JSON.stringify(extra)).toBe(403);
        expect(await errorCode(res)).toBe('csrf_refused');
      }
      // Sign-out is a change too.
      expect((await asOperator(server, who, 'POST', '/v1/console/sign-out', undefined, { 'X-CSRF-Token': '' })).status).toBe(403);
      // Nothing was created by the refused attempts; with the token it goes through.
      const list = (await (await asOperator(server, who, 'GET', '/v1/admin/operators')).json()) as { operators: { email: string }[] };
      expect(list.operators.map((o) => o.email)).not.toContain(body.email);
      expect((await asOperator(server, who, 'POST', '/v1/admin/operators', body)).status).toBe(201);
    });

    it('refuses a sign-in posted from another origin (login CSRF)', async () => {
      const { email } = await addOperator(server, 'viewer');
      const res = await server.call('POST', '/v1/console/sign-in', { body: { email, password: OPERATOR_PASSWORD }, headers: { Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site' } });
      expect(res.status).toBe(403);
    });

    it('refuses a forged or stale cookie with 401, and a member token on console routes', async () => {
      expect((await server.call('GET', '/v1/console/me', { headers: { Cookie: 'sp_console=sp_forged' } })).status).toBe(401);
      expect((await server.call('GET', '/v1/admin/claims', { headers: { Cookie: 'sp_console=sp_forged' } })).status).toBe(401);
      expect((await server.call('GET', '/v1/console/me')).status).toBe(401);
    });

    it('limits sign-in attempts per account with 429 and Retry-After, the right password included', async () => {
      const limited = await startTestServer(backend, { RATE_LIMIT_LOGIN_ACCOUNT_PER_15MIN: '3' });
      try {
        const { email } = await addOperator(limited, 'admin');
        for (let i = 0; i < 3; i++) expect((await signIn(limited, email, { password: 'guess number ' + i })).status).toBe(401);
        const blocked = await signIn(limited, email);
        expect(blocked.status).toBe(429);
        expect(Number(blocked.headers.get('Retry-After'))).toBeGreaterThan(0);
        limited.clock.advance(15 * 60_000 + 1000);
        expect((await signIn(limited, email)).status).toBe(200);
      } finally {
        await limited.close();
      }
    });

    it('keeps only the hash of the session token', async () => {
      const who = await operatorSession(server, 'viewer');
      const token = who.cookie.split('=')[1]!;
      const rows = await server.db.query<{ token_hash: string }>('SELECT token_hash FROM operator_sessions');
      expect(rows.some((r) => r.token_hash === token)).toBe(false);
      const operators = await server.db.query<{ password_hash: string }>('SELECT password_hash FROM operators');
      expect(operators.every((o) => o.password_hash.startsWith('scrypt$'))).toBe(true);
    });
  });
});
