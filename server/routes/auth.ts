/**
 * Registration, login and logout, email verification, password change and
 * reset, and signing out everywhere. Passwords are hashed with scrypt (see
 * accounts/passwords.ts); a login mints a new opaque token (one per device),
 * stored only as its SHA-256.
 */
import { createHash, randomInt, randomUUID } from 'node:crypto';
import { type Context, Hono } from 'hono';
import {
  Credentials,
  type Member,
  PasswordChange,
  PasswordReset,
  PasswordResetRequest,
  Registration,
  VerifyEmailRequest,
} from '../../lib/contract/index.ts';
import type { AppEnv } from '../platform/app.ts';
import { hashToken, newToken, requireMember } from '../accounts/auth.ts';
import { issueCode, useCode } from '../accounts/codes.ts';
import { type MailQueue, type Mailing, transactionWithMail } from '../accounts/mail.ts';
import { decoyHash, hashPassword, needsRehash, verifyPassword, weakPasswordReason } from '../accounts/passwords.ts';
import { isUniqueViolation, type Queryable } from '../db/index.ts';
import { lockMember, post } from '../ledger/ledger.ts';
import { ApiError, readJson, unauthorized } from '../platform/http.ts';
import { clientAddress, clientNetwork } from '../platform/client-address.ts';
import { enforce, hit } from '../platform/ratelimit.ts';
import { assessReferral, linkReferral, newReferralCode, recordEmailKey, referralTerms, rememberNetwork, type ReferralTerms } from '../programme/referrals.ts';

export const auth = new Hono<AppEnv>();

// --- Member numbers --------------------------------------------------------

/** The Luhn check digit for a string of digits. */
export function luhnCheckDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    // Doubling starts with the rightmost digit, because the check digit will follow it.
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

/** A 10-digit card number: nine random digits (no leading zero) and a Luhn check digit. */
export function newMemberNumber(): string {
  const body = String(randomInt(100_000_000, 1_000_000_000));
  return body + String(luhnCheckDigit(body));
}

// --- Members and tokens ----------------------------------------------------

/** The member columns every answer is built from (`m` is members). */
export const MEMBER_COLUMNS = 'm.id, m.email, m.unclaimed_email, m.member_number, m.created_at, m.referral_code, m.email_verified_at';

interface MemberRow {
  [key: string]: unknown;
  id: string;
  email: string | null;
  unclaimed_email?: string | null;
  member_number: string;
  created_at: Date;
  password_hash?: string | null;
  referral_code: string | null;
  email_verified_at?: Date | null;
}

export function memberFromRow(r: {
  id: string;
  email: string | null;
  unclaimed_email?: string | null;
  member_number: string;
  created_at: Date;
  referral_code?: string | null;
  email_verified_at?: Date | null;
}): Member {
  return {
    id: r.id,
    email: r.email ?? r.unclaimed_email ?? '',
    memberNumber: r.member_number,
    createdAt: r.created_at.toISOString(),
    emailVerified: r.email_verified_at != null,
    ...(r.referral_code ? { referralCode: r.referral_code } : {}),
  };
}

async function issueToken(db: Queryable, memberId: string, device: string | undefined, at: Date): Promise<string> {
  const token = newToken();
  await db.query('INSERT INTO tokens (token_hash, member_id, device, created_at, last_used_at) VALUES ($1, $2, $3, $4, $4)', [
    hashToken(token),
    memberId,
    device ?? null,
    at.toISOString(),
  ]);
  return token;
}

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

const sha256Hex = (s: string) => createHash('sha256').update(s).digest('hex');

/** The key an erased member's debt is kept under: the email's hash alone. */
export const emailSha256 = (email: string) => sha256Hex(normalizeEmail(email));

/** Rate-limit keys carry hashes of the email and address, so the limiter table holds no personal data. */
const accountKey = (email: string) => `login-account:${sha256Hex(email)}`;
/*
 * Limits and known addresses go by the client's network (clientNetwork): an
 * IPv6 client holds a whole /64 and could draw a fresh address for every
 * request, and a member's own device changes its IPv6 address within its
 * /64 from day to day.
 */
const networkHash = (address: string) => sha256Hex(clientNetwork(address));
const accountAddressKey = (email: string, address: string) => `login-account-address:${sha256Hex(`${email}\n${clientNetwork(address)}`)}`;
const addressKey = (kind: string, address: string) => `${kind}:${networkHash(address)}`;
/** A member's verification mails (asked for with the member's own token). */
const mailKey = (memberId: string) => `mail:${sha256Hex(memberId)}`;
/**
 * A member's reset mails, which anyone who knows the email can ask for: a
 * count of their own, so that strangers can neither use up the member's
 * verification mails nor, with a daily cap, stop the member's own reset
 * for a day. At most one per interval: the code in the latest mail stays
 * the live one for that long, whoever asked.
 */
const resetMailKey = (memberId: string) => `mail:reset:${sha256Hex(memberId)}`;
export const RESET_MAIL_INTERVAL_SECONDS = 10 * 60;

const DAY_SECONDS = 24 * 60 * 60;

/** Known addresses are forgotten after this long without a sign-in. */
const KNOWN_ADDRESS_DAYS = 90;

async function isKnownAddress(db: Queryable, memberId: string, address: string, now: Date): Promise<boolean> {
  const rows = await db.query('SELECT 1 FROM login_addresses WHERE member_id = $1 AND address_hash = $2 AND last_at > $3', [
    memberId,
    networkHash(address),
    new Date(now.getTime() - KNOWN_ADDRESS_DAYS * 24 * 60 * 60 * 1000).toISOString(),
  ]);
  return rows.length > 0;
}

async function rememberAddress(db: Queryable, memberId: string, address: string, now: Date): Promise<void> {
  await db.query(
    `INSERT INTO login_addresses (member_id, address_hash, last_at) VALUES ($1, $2, $3)
     ON CONFLICT (member_id, address_hash) DO UPDATE SET last_at = EXCLUDED.last_at`,
    [memberId, networkHash(address), now.toISOString()],
  );
}

/** A new password that zxcvbn finds guessable is refused with 400 `weak_password`, before any hash is computed. */
function refuseWeak(password: string, email: string): void {
  const reason = weakPasswordReason(password, email);
  if (reason !== undefined) {
    throw new ApiError(400, 'weak_password', `This password is too easy to guess (${reason}); use a longer phrase of unrelated words`);
  }
}

/** How this request sends mail: the configured transport, or the outbox. */
function mailing(c: Context<AppEnv>): Mailing {
  const { db, mail, log } = c.get('deps');
  return { db, transport: mail, log, requestId: c.get('requestId') };
}

/** Mails a fresh verification code to a member who has not verified yet. */
async function mailVerificationCode(tx: Queryable, mail: MailQueue, memberId: string, email: string, now: Date): Promise<void> {
  const code = await issueCode(tx, memberId, 'verify', now);
  await mail.add(
    tx,
    {
      kind: 'verify-email',
      to: email,
      subject: `Sammelpunkt: your code ${code}`,
      text: `Welcome to Sammelpunkt. Your code to confirm this email address is ${code}. It is valid for 24 hours. Your points can be spent once the address is confirmed.`,
      code,
    },
    now,
  );
}

/**
 * A new account whose email once belonged to an erased member with an
 * unpaid debt takes that debt over: the erased member's record is cleared by
 * an entry, and the same points are owed by the new account.
 */
async function inheritDebts(tx: Queryable, memberId: string, email: string, now: Date): Promise<void> {
  const debts = await tx.query<{ id: string; member_id: string; points: number }>(
    'SELECT id, member_id, points FROM erased_debts WHERE email_sha256 = $1 AND inherited_by IS NULL FOR UPDATE',
    [emailSha256(email)],
  );
  for (const debt of debts) {
    const points = Number(debt.points);
    await lockMember(tx, debt.member_id);
    await post(tx, debt.member_id, [{ account: 'available', delta: points, reason: 'debt_transferred' }], now);
    await lockMember(tx, memberId);
    await post(tx, memberId, [{ account: 'available', delta: -points, reason: 'debt_inherited' }], now);
    await tx.query('UPDATE erased_debts SET inherited_by = $2, inherited_at = $3 WHERE id = $1', [debt.id, memberId, now.toISOString()]);
  }
}

interface NewAccount {
  email: string;
  passwordHash: string;
  referralCode: string | undefined;
  device: string | undefined;
  address: string;
  /** The referral settings in force, frozen on a referral made now. */
  referralTerms: ReferralTerms;
  /** The email already has an account: this one holds no email and the mail tells the owner. */
  unclaimed: boolean;
}

async function createAccount(tx: Queryable, mail: MailQueue, input: NewAccount, now: Date): Promise<{ member: Member; token: string }> {
  const id = randomUUID();
  const rows = await tx.query<MemberRow>(
    `INSERT INTO members (id, email, unclaimed_email, password_hash, member_number, referral_code, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
     RETURNING id, email, unclaimed_email, member_number, created_at, referral_code, email_verified_at`,
    [id, input.unclaimed ? null : input.email, input.unclaimed ? input.email : null, input.passwordHash, newMemberNumber(), newReferralCode(), now.toISOString()],
  );
  // The balance row exists from the first moment, so every ledger posting can lock it.
  await tx.query('INSERT INTO balances (member_id) VALUES ($1)', [id]);
  // Remembered for every account, so an email (in its canonical form) earns a referral bonus once, ever.
  const emailFresh = await recordEmailKey(tx, input.email, now);
  // An unknown code is refused with the whole registration: the member typed it and can correct it.
  if (input.referralCode !== undefined) {
    const referrerId = await linkReferral(tx, id, input.referralCode, now);
    await assessReferral(tx, { referredId: id, referrerId, email: input.email, emailFresh, address: input.address }, input.referralTerms, now);
  }
  // The address the member registered from is theirs: the account-wide login limit never applies to it.
  await rememberAddress(tx, id, input.address, now);
  await rememberNetwork(tx, id, input.address, now);
  if (input.unclaimed) {
    await mail.add(
      tx,
      {
        kind: 'account-exists',
        to: input.email,
        subject: 'Sammelpunkt: you already have an account',
        text: 'Someone asked to open a Sammelpunkt account with this email address, which already has one. If it was you, sign in with your password, or reset it from the sign-in page. If it was not you, nothing changes and you need not do anything.',
      },
      now,
    );
  } else {
    await inheritDebts(tx, id, input.email, now);
    await mailVerificationCode(tx, mail, id, input.email, now);
  }
  return { member: memberFromRow(rows[0]!), token: await issueToken(tx, id, input.device, now) };
}

/**
 * Registration answers alike whether or not the email has an account (so it
 * tells nobody which addresses are members): a taken email gets an account
 * of its own that holds no email and can never verify one, and the owner of
 * the address gets a mail saying "you already have an account".
 */
auth.post('/register', async (c) => {
  const { db, env, now } = c.get('deps');
  const input = await readJson(c, Registration);
  const email = normalizeEmail(input.email);
  // Counted before the hash is computed: each registration costs the server a scrypt.
  const address = clientAddress(c);
  await enforce(db, addressKey('register-ip', address), env.RATE_LIMIT_REGISTER_IP_PER_DAY, DAY_SECONDS, now(), 'register');
  refuseWeak(input.password, email);
  const passwordHash = await hashPassword(input.password, env.SCRYPT_LOG_N);
  const account: NewAccount = {
    email,
    passwordHash,
    referralCode: input.referralCode,
    device: input.device,
    address,
    referralTerms: referralTerms(env),
    unclaimed: false,
  };
  for (let attempt = 0; ; attempt++) {
    try {
      const { member, token } = await transactionWithMail(mailing(c), (tx, mail) => createAccount(tx, mail, account, now()));
      return c.json({ token, member }, 201);
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      const taken = await db.query('SELECT 1 FROM members WHERE lower(email) = $1', [email]);
      if (taken.length > 0) account.unclaimed = true;
      // Otherwise two members drew the same card number or referral code: draw again.
      else if (attempt >= 5) throw err;
    }
  }
});

auth.post('/login', async (c) => {
  const { db, env, now } = c.get('deps');
  const input = await readJson(c, Credentials);
  const email = normalizeEmail(input.email);
  const address = clientAddress(c);
  // Per address, and per account from this address: a guesser elsewhere never uses up the member's allowance.
  await enforce(db, addressKey('login-ip', address), env.RATE_LIMIT_LOGIN_IP_PER_MIN, 60, now(), 'login');
  await enforce(db, accountAddressKey(email, address), env.RATE_LIMIT_LOGIN_ACCOUNT_PER_15MIN, 15 * 60, now(), 'login-account');

  const rows = await db.query<MemberRow>(
    `SELECT ${MEMBER_COLUMNS}, m.password_hash FROM members m WHERE lower(m.email) = $1 AND m.erased_at IS NULL`,
    [email],
  );
  const row = rows[0];
  // Guessing one account from many addresses meets a slower account-wide
  // limit, counted before the password is checked (so parallel guesses
  // cannot overtake it); addresses the member signed in from are exempt, so
  // the member's own devices are never locked out by someone else's guesses.
  const known = row !== undefined && (await isKnownAddress(db, row.id, address, now()));
  if (!known) await enforce(db, accountKey(email), env.RATE_LIMIT_LOGIN_ACCOUNT_PER_HOUR, 60 * 60, now(), 'login-account-spread');
  const stored = row?.password_hash ?? (await decoyHash(env.SCRYPT_LOG_N));
  const ok = await verifyPassword(input.password, stored);
  // One message for both cases, so the answer does not reveal which emails have accounts.
  if (!row || !ok) throw unauthorized('The email or password is wrong');
  // A hash made at a lower cost than today's is redone now, while the password is at hand.
  if (needsRehash(stored, env.SCRYPT_LOG_N)) {
    await db.query('UPDATE members SET password_hash = $2 WHERE id = $1', [row.id, await hashPassword(input.password, env.SCRYPT_LOG_N)]);
  }
  await rememberAddress(db, row.id, address, now());
  await rememberNetwork(db, row.id, address, now());
  const token = await issueToken(db, row.id, input.device, now());
  return c.json({ token, member: memberFromRow(row) }, 200);
});

auth.post('/logout', requireMember, async (c) => {
  const { db, now } = c.get('deps');
  await db.query('UPDATE tokens SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL', [
    c.get('tokenHash'),
    now().toISOString(),
  ]);
  return c.body(null, 204);
});

/** Revokes every token of the member, this one included ("sign out everywhere"). */
export async function revokeAllTokens(db: Queryable, memberId: string, now: Date, except?: string): Promise<void> {
  await db.query('UPDATE tokens SET revoked_at = $2 WHERE member_id = $1 AND revoked_at IS NULL AND token_hash IS DISTINCT FROM $3', [
    memberId,
    now.toISOString(),
    except ?? null,
  ]);
}

auth.post('/logout-all', requireMember, async (c) => {
  const { db, now } = c.get('deps');
  await revokeAllTokens(db, c.get('memberId'), now());
  return c.body(null, 204);
});

async function loadMember(db: Queryable, memberId: string): Promise<MemberRow> {
  const rows = await db.query<MemberRow>(`SELECT ${MEMBER_COLUMNS}, m.password_hash FROM members m WHERE m.id = $1 AND m.erased_at IS NULL`, [memberId]);
  if (!rows[0]) throw unauthorized();
  return rows[0];
}

/** Checks the member's password again (erasure, password change); a wrong one is 403 `wrong_password`. */
export async function confirmPassword(db: Queryable, memberId: string, password: string): Promise<void> {
  const row = await loadMember(db, memberId);
  if (!row.password_hash || !(await verifyPassword(password, row.password_hash))) {
    throw new ApiError(403, 'wrong_password', 'The password is wrong');
  }
}

auth.post('/verify-email', requireMember, async (c) => {
  const { db, now } = c.get('deps');
  const memberId = c.get('memberId');
  const { code } = await readJson(c, VerifyEmailRequest);
  const row = await loadMember(db, memberId);
  if (row.email_verified_at) return c.json({ member: memberFromRow(row) }, 200);
  // A wrong code's try is committed before the refusal, so it counts.
  const verified = await db.transaction(async (tx) => {
    if (!row.email || !(await useCode(tx, memberId, 'verify', code, now()))) return false;
    await tx.query('UPDATE members SET email_verified_at = $2 WHERE id = $1', [memberId, now().toISOString()]);
    return true;
  });
  if (!verified) throw new ApiError(400, 'invalid_code', 'The code is wrong, used up or expired; ask for a new one');
  return c.json({ member: memberFromRow(await loadMember(db, memberId)) }, 200);
});

auth.post('/verify-email/resend', requireMember, async (c) => {
  const { db, env, now } = c.get('deps');
  const memberId = c.get('memberId');
  const row = await loadMember(db, memberId);
  await enforce(db, mailKey(memberId), env.RATE_LIMIT_MAIL_PER_DAY, DAY_SECONDS, now(), 'mail');
  // An account that holds no email (see register) answers alike and sends nothing.
  if (row.email && !row.email_verified_at) {
    await transactionWithMail(mailing(c), (tx, mail) => mailVerificationCode(tx, mail, memberId, row.email!, now()));
  }
  return c.body(null, 202);
});

/** A password change asks for the current one, and signs out every other device. */
auth.post('/password', requireMember, async (c) => {
  const { db, env, now } = c.get('deps');
  const memberId = c.get('memberId');
  const input = await readJson(c, PasswordChange);
  await confirmPassword(db, memberId, input.currentPassword);
  const row = await loadMember(db, memberId);
  refuseWeak(input.newPassword, row.email ?? row.unclaimed_email ?? '');
  await db.query('UPDATE members SET password_hash = $2 WHERE id = $1', [memberId, await hashPassword(input.newPassword, env.SCRYPT_LOG_N)]);
  await revokeAllTokens(db, memberId, now(), c.get('tokenHash'));
  return c.body(null, 204);
});

/** Asks for a reset code by mail; answers 202 whether or not the email has an account. */
auth.post('/password-reset', async (c) => {
  const { db, env, now } = c.get('deps');
  const { email: given } = await readJson(c, PasswordResetRequest);
  const email = normalizeEmail(given);
  await enforce(db, addressKey('reset-ip', clientAddress(c)), env.RATE_LIMIT_REGISTER_IP_PER_DAY, DAY_SECONDS, now(), 'password-reset');
  const rows = await db.query<{ id: string }>('SELECT id FROM members WHERE lower(email) = $1 AND erased_at IS NULL', [email]);
  const member = rows[0];
  if (member && (await hit(db, resetMailKey(member.id), 1, RESET_MAIL_INTERVAL_SECONDS, now())).allowed) {
    await transactionWithMail(mailing(c), async (tx, mail) => {
      const code = await issueCode(tx, member.id, 'reset', now());
      await mail.add(
        tx,
        {
          kind: 'password-reset',
          to: email,
          subject: `Sammelpunkt: your password reset code ${code}`,
          text: `Your code to set a new Sammelpunkt password is ${code}. It is valid for one hour; no new code is sent for the next ten minutes, so this one is the code to use. If you did not ask for it, ignore this mail: your password stays as it is.`,
          code,
        },
        now(),
      );
    });
  }
  return c.body(null, 202);
});

/** Sets a new password with the mailed code; every device is signed out, and the email counts as verified. */
auth.post('/password-reset/confirm', async (c) => {
  const { db, env, now } = c.get('deps');
  const input = await readJson(c, PasswordReset);
  const email = normalizeEmail(input.email);
  await enforce(db, addressKey('reset-confirm-ip', clientAddress(c)), env.RATE_LIMIT_LOGIN_IP_PER_MIN, 60, now(), 'password-reset');
  refuseWeak(input.newPassword, email);
  const rows = await db.query<{ id: string }>('SELECT id FROM members WHERE lower(email) = $1 AND erased_at IS NULL', [email]);
  const member = rows[0];
  const passwordHash = await hashPassword(input.newPassword, env.SCRYPT_LOG_N);
  const done =
    member !== undefined &&
    (await db.transaction(async (tx) => {
      if (!(await useCode(tx, member.id, 'reset', input.code, now()))) return false;
      // The code reached the address, which proves it as well as a verification code would.
      await tx.query('UPDATE members SET password_hash = $2, email_verified_at = COALESCE(email_verified_at, $3) WHERE id = $1', [
        member.id,
        passwordHash,
        now().toISOString(),
      ]);
      await revokeAllTokens(tx, member.id, now());
      return true;
    }));
  if (!done) throw new ApiError(400, 'invalid_code', 'The email or code is wrong, used up or expired; ask for a new code');
  return c.body(null, 204);
});
