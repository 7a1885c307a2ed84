/**
 * Registration, login and logout. Passwords are hashed with scrypt; a login
 * mints a new opaque token (one per device), stored only as its SHA-256.
 */
import { createHash, randomBytes, randomInt, randomUUID, scrypt, timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import { Credentials, type Member, Registration } from '../../lib/contract/index.ts';
import type { AppEnv } from '../platform/app.ts';
import { hashToken, newToken, requireMember } from '../accounts/auth.ts';
import { isUniqueViolation, type Queryable } from '../db/index.ts';
import { conflict, readJson, unauthorized } from '../platform/http.ts';
import { clientAddress } from '../platform/client-address.ts';
import { enforce } from '../platform/ratelimit.ts';
import { linkReferral, newReferralCode } from '../programme/referrals.ts';

export const auth = new Hono<AppEnv>();

// --- Passwords -------------------------------------------------------------

const SCRYPT = { N: 16384, r: 8, p: 1, keyLength: 32 } as const;

function scryptAsync(password: string, salt: Buffer, N: number, r: number, p: number, keyLength: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keyLength, { N, r, p, maxmem: 256 * N * r }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** `scrypt$N$r$p$salt$hash`, salt and hash in base64url: the parameters travel with the hash so they can be raised later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const { N, r, p, keyLength } = SCRYPT;
  const key = await scryptAsync(password, salt, N, r, p, keyLength);
  return ['scrypt', N, r, p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const salt = Buffer.from(parts[4]!, 'base64url');
  const expected = Buffer.from(parts[5]!, 'base64url');
  if (![N, r, p].every(Number.isSafeInteger) || expected.length === 0) return false;
  const actual = await scryptAsync(password, salt, N, r, p, expected.length);
  return timingSafeEqual(actual, expected);
}

/**
 * Checked against when the email is unknown, so an unknown account costs the
 * same scrypt work as a wrong password and the timing does not tell them apart.
 */
let decoyHash: Promise<string> | undefined;
const decoy = () => (decoyHash ??= hashPassword(randomBytes(16).toString('hex')));

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

interface MemberRow {
  [key: string]: unknown;
  id: string;
  email: string;
  member_number: string;
  created_at: Date;
  password_hash: string | null;
  referral_code: string | null;
}

export function memberFromRow(r: {
  id: string;
  email: string | null;
  member_number: string;
  created_at: Date;
  referral_code?: string | null;
}): Member {
  return {
    id: r.id,
    email: r.email ?? '',
    memberNumber: r.member_number,
    createdAt: r.created_at.toISOString(),
    ...(r.referral_code ? { referralCode: r.referral_code } : {}),
  };
}

async function issueToken(db: Queryable, memberId: string, device: string | undefined, at: Date): Promise<string> {
  const token = newToken();
  await db.query('INSERT INTO tokens (token_hash, member_id, device, created_at) VALUES ($1, $2, $3, $4)', [
    hashToken(token),
    memberId,
    device ?? null,
    at.toISOString(),
  ]);
  return token;
}

const normalizeEmail = (email: string) => email.trim().toLowerCase();

const sha256Hex = (s: string) => createHash('sha256').update(s).digest('hex');

/** Rate-limit keys carry hashes of the email and address, so the limiter table holds no personal data. */
const accountKey = (email: string) => `login-account:${sha256Hex(email)}`;
const accountAddressKey = (email: string, address: string) => `login-account-address:${sha256Hex(`${email}\n${address}`)}`;
const addressKey = (kind: string, address: string) => `${kind}:${sha256Hex(address)}`;

/** Known addresses are forgotten after this long without a sign-in. */
const KNOWN_ADDRESS_DAYS = 90;

async function isKnownAddress(db: Queryable, memberId: string, address: string, now: Date): Promise<boolean> {
  const rows = await db.query('SELECT 1 FROM login_addresses WHERE member_id = $1 AND address_hash = $2 AND last_at > $3', [
    memberId,
    sha256Hex(address),
    new Date(now.getTime() - KNOWN_ADDRESS_DAYS * 24 * 60 * 60 * 1000).toISOString(),
  ]);
  return rows.length > 0;
}

async function rememberAddress(db: Queryable, memberId: string, address: string, now: Date): Promise<void> {
  await db.query(
    `INSERT INTO login_addresses (member_id, address_hash, last_at) VALUES ($1, $2, $3)
     ON CONFLICT (member_id, address_hash) DO UPDATE SET last_at = EXCLUDED.last_at`,
    [memberId, sha256Hex(address), now.toISOString()],
  );
}

auth.post('/register', async (c) => {
  const { db, env, now } = c.get('deps');
  const input = await readJson(c, Registration);
  const email = normalizeEmail(input.email);
  // Counted before the hash is computed: each registration costs the server a scrypt.
  const address = clientAddress(c);
  await enforce(db, addressKey('register-ip', address), env.RATE_LIMIT_REGISTER_IP_PER_DAY, 24 * 60 * 60, now(), 'register');
  const passwordHash = await hashPassword(input.password);
  for (let attempt = 0; ; attempt++) {
    try {
      const { member, token } = await db.transaction(async (tx) => {
        const id = randomUUID();
        const rows = await tx.query<MemberRow>(
          `INSERT INTO members (id, email, password_hash, member_number, referral_code, created_at) VALUES ($1, $2, $3, $4, $5, $6)
           RETURNING id, email, member_number, created_at, password_hash, referral_code`,
          [id, email, passwordHash, newMemberNumber(), newReferralCode(), now().toISOString()],
        );
        // The balance row exists from the first moment, so every ledger posting can lock it.
        await tx.query('INSERT INTO balances (member_id) VALUES ($1)', [id]);
        // An unknown code is refused with the whole registration: the member typed it and can correct it.
        if (input.referralCode !== undefined) await linkReferral(tx, id, input.referralCode, now());
        // The address the member registered from is theirs: the account-wide login limit never applies to it.
        await rememberAddress(tx, id, address, now());
        return { member: memberFromRow(rows[0]!), token: await issueToken(tx, id, input.device, now()) };
      });
      return c.json({ token, member }, 201);
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      const taken = await db.query('SELECT 1 FROM members WHERE lower(email) = $1', [email]);
      if (taken.length > 0) throw conflict('conflict', 'An account with this email already exists; sign in instead');
      // Otherwise two members drew the same card number or referral code: draw again.
      if (attempt >= 5) throw err;
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
    `SELECT id, email, member_number, created_at, password_hash, referral_code FROM members
      WHERE lower(email) = $1 AND erased_at IS NULL`,
    [email],
  );
  const row = rows[0];
  // Guessing one account from many addresses meets a slower account-wide
  // limit, counted before the password is checked (so parallel guesses
  // cannot overtake it); addresses the member signed in from are exempt, so
  // the member's own devices are never locked out by someone else's guesses.
  const known = row !== undefined && (await isKnownAddress(db, row.id, address, now()));
  if (!known) await enforce(db, accountKey(email), env.RATE_LIMIT_LOGIN_ACCOUNT_PER_HOUR, 60 * 60, now(), 'login-account-spread');
  const ok = await verifyPassword(input.password, row?.password_hash ?? (await decoy()));
  // One message for both cases, so the answer does not reveal which emails have accounts.
  if (!row || !ok) throw unauthorized('The email or password is wrong');
  await rememberAddress(db, row.id, address, now());
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

