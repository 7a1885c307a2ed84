/**
 * Mail over SMTP (`SMTP_URL`), against a real SMTP server started here on
 * loopback (`smtp-server`, by nodemailer's authors): the mails arrive with
 * the right recipient, subject and code, and the code works; a mail server
 * that refuses or is down is logged and loses nothing, since the member can
 * ask for the code again.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './server-process.ts';
import { ADMIN_TOKEN, backends, startTestServer, type TestServer } from './harness.ts';

const PASSWORD = 'correct horse battery';
const FROM = 'noreply@sammelpunkt.test';

interface Received {
  /** The envelope's recipients (RCPT TO). */
  rcptTo: string[];
  headers: Record<string, string>;
  text: string;
}

/** A real SMTP server on loopback that keeps what it receives, or refuses it while `refusing` is set. */
async function startMailServer() {
  const inbox: Received[] = [];
  const state = { refusing: false };
  const server = new SMTPServer({
    authOptional: true,
    // Plain SMTP on loopback: no certificate to make up for the test.
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      let raw = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => (raw += chunk));
      stream.on('end', () => {
        if (state.refusing) {
          callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }));
          return;
        }
        inbox.push({ rcptTo: session.envelope.rcptTo.map((r) => r.address), ...parseMessage(raw) });
        callback();
      });
    },
  });
  const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.server.address() as AddressInfo).port)));
  return {
    url: `smtp://127.0.0.1:${port}`,
    inbox,
    state,
    to: (email: string) => inbox.filter((m) => m.rcptTo.includes(email)),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Headers (unfolded, names lower-cased) and the text body, quoted-printable decoded when so encoded. */
function parseMessage(raw: string): { headers: Record<string, string>; text: string } {
  const split = raw.indexOf('\r\n\r\n');
  const headers: Record<string, string> = {};
  for (const line of raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  let text = raw.slice(split + 4);
  if (/quoted-printable/i.test(headers['content-transfer-encoding'] ?? '')) {
    text = text.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  }
  return { headers, text };
}

describe.each(backends)('mail over SMTP (%s)', (backend) => {
  let smtp: Awaited<ReturnType<typeof startMailServer>>;
  let server: TestServer;
  beforeAll(async () => {
    smtp = await startMailServer();
    server = await startTestServer(backend, { SMTP_URL: smtp.url, MAIL_FROM: `Sammelpunkt <${FROM}>` });
  });
  afterAll(async () => {
    await server.close();
    await smtp.close();
  });

  const newEmail = () => `m-${randomUUID()}@example.test`;
  async function register(email: string): Promise<string> {
    const res = await server.call('POST', '/v1/auth/register', { body: { email, password: PASSWORD } });
    expect(res.status).toBe(201);
    return ((await res.json()) as { token: string }).token;
  }
  const sixDigits = (text: string) => /\b(\d{6})\b/.exec(text)?.[1];

  it('mails the verification code to the new member, and that code verifies the email', async () => {
    const email = newEmail();
    const token = await register(email);

    const [mail, ...more] = smtp.to(email);
    expect(more).toEqual([]);
    expect(mail!.headers.to).toBe(email);
    expect(mail!.headers.from).toContain(FROM);
    const code = sixDigits(mail!.text);
    expect(code).toBeDefined();
    expect(mail!.headers.subject).toBe(`Sammelpunkt: your code ${code}`);
    expect(mail!.text).toContain(`Your code to confirm this email address is ${code}.`);

    const verified = await server.call('POST', '/v1/auth/verify-email', { token, body: { code } });
    expect(verified.status).toBe(200);
    expect(await verified.json()).toMatchObject({ member: { email, emailVerified: true } });
  });

  it('mails a password reset code that sets the new password', async () => {
    const email = newEmail();
    await register(email);
    const asked = await server.call('POST', '/v1/auth/password-reset', { body: { email } });
    expect(asked.status).toBe(202);

    const mail = smtp.to(email).find((m) => /reset/.test(m.headers.subject ?? ''));
    expect(mail).toBeDefined();
    const code = /\b([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})\b/.exec(mail!.text)?.[1];
    expect(code).toBeDefined();
    expect(mail!.headers.to).toBe(email);
    expect(mail!.headers.subject).toBe(`Sammelpunkt: your password reset code ${code}`);

    const newPassword = 'violet tractor mountain 42';
    const reset = await server.call('POST', '/v1/auth/password-reset/confirm', { body: { email, code, newPassword } });
    expect(reset.status).toBe(204);
    expect((await server.call('POST', '/v1/auth/login', { body: { email, password: newPassword } })).status).toBe(200);
    expect((await server.call('POST', '/v1/auth/login', { body: { email, password: PASSWORD } })).status).toBe(401);
  });

  it('tried: the mail server refuses the mail; the account stands, the refusal is logged, and the code asked for again arrives and verifies', async () => {
    const email = newEmail();
    smtp.state.refusing = true;
    const logsBefore = server.logs.length;
    let token: string;
    try {
      token = await register(email);
    } finally {
      smtp.state.refusing = false;
    }
    expect(smtp.to(email)).toEqual([]);
    const logged = server.logs.slice(logsBefore).filter((l) => l.event === 'mail_not_sent');
    expect(logged).toEqual([expect.objectContaining({ level: 'error', kind: 'verify-email', error: expect.stringContaining('Mailbox unavailable') })]);
    // The log names the kind of mail, never its address or its code.
    expect(JSON.stringify(server.logs.slice(logsBefore))).not.toContain(email);

    const me = await server.call('GET', '/v1/me', { token });
    expect(await me.json()).toMatchObject({ member: { email, emailVerified: false } });
    expect((await server.call('POST', '/v1/auth/verify-email/resend', { token })).status).toBe(202);
    const code = sixDigits(smtp.to(email)[0]?.text ?? '');
    expect((await server.call('POST', '/v1/auth/verify-email', { token, body: { code } })).status).toBe(200);
  });

  it('tried: the mail server is down; registration still answers 201 and the refusal is logged', async () => {
    const down = await startTestServer(backend, { SMTP_URL: `smtp://127.0.0.1:${await freePort()}` });
    try {
      const res = await down.call('POST', '/v1/auth/register', { body: { email: newEmail(), password: PASSWORD } });
      expect(res.status).toBe(201);
      expect(down.logs).toContainEqual(expect.objectContaining({ level: 'error', event: 'mail_not_sent', kind: 'verify-email' }));
    } finally {
      await down.close();
    }
  });

  it('keeps no mails in the database and has no outbox to read while SMTP_URL is set', async () => {
    const outbox = await server.call('GET', '/v1/admin/outbox', { token: ADMIN_TOKEN });
    expect(outbox.status).toBe(404);
    const rows = await server.db.query<{ n: number }>('SELECT count(*)::int AS n FROM mail_outbox');
    expect(rows[0]!.n).toBe(0);
  });
});
