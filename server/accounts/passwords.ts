/**
 * Passwords: scrypt at OWASP's parameters (N=2^17, r=8, p=1; the cost is
 * `SCRYPT_LOG_N`, lowered in tests only), stored with their parameters so a
 * login can rehash a weaker hash, and a strength check that refuses common
 * and guessable passwords before any hash is computed.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';

const R = 8;
const P = 1;
const KEY_LENGTH = 32;

function scryptAsync(password: string, salt: Buffer, N: number, r: number, p: number, keyLength: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keyLength, { N, r, p, maxmem: 256 * N * r }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** `scrypt$N$r$p$salt$hash`, salt and hash in base64url: the parameters travel with the hash so they can be raised later. */
export async function hashPassword(password: string, logN: number): Promise<string> {
  const salt = randomBytes(16);
  const N = 2 ** logN;
  const key = await scryptAsync(password, salt, N, R, P, KEY_LENGTH);
  return ['scrypt', N, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
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

/** Whether a stored hash is weaker than today's parameters (then the next login rehashes it). */
export function needsRehash(stored: string, logN: number): boolean {
  const [kind, N, r, p] = stored.split('$');
  return kind !== 'scrypt' || Number(N) < 2 ** logN || Number(r) !== R || Number(p) !== P;
}

/**
 * Checked against when the email is unknown, so an unknown account costs the
 * same scrypt work as a wrong password and the timing does not tell them apart.
 */
const decoys = new Map<number, Promise<string>>();
export function decoyHash(logN: number): Promise<string> {
  let decoy = decoys.get(logN);
  if (!decoy) decoys.set(logN, (decoy = hashPassword(randomBytes(16).toString('hex'), logN)));
  return decoy;
}

// zxcvbn-ts with its language-independent dictionaries (common passwords
// from breach corpora, names, keyboard patterns), entirely offline: no
// password or hash prefix ever leaves the server.
let estimator: ZxcvbnFactory | undefined;
const zxcvbn = () => (estimator ??= new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs }));

/** The lowest zxcvbn score accepted: 3 is "safely unguessable: moderate protection from offline slow-hash scenario". */
export const MIN_PASSWORD_SCORE = 3;

/** Why a new password is refused, or undefined when it is strong enough; the email's parts count as guessable words. */
export function weakPasswordReason(password: string, email: string): string | undefined {
  const result = zxcvbn().check(password, [email, ...email.split(/[@.+_-]/).filter((w) => w.length >= 3), 'sammelpunkt']);
  if (result.score >= MIN_PASSWORD_SCORE) return undefined;
  return result.feedback.warning ?? 'The password is too easy to guess';
}
