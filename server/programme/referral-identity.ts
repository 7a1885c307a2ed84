/**
 * Who a referred member is, for the rule "one referral bonus per person":
 * the email reduced to the mailbox it reaches, and whether its domain hands
 * out throw-away addresses. See docs/referrals.md.
 *
 * The reduction (`canonicalEmail`), in this order:
 *   1. Unicode NFKC, surrounding white space trimmed, lower-cased;
 *   2. plus-addressing removed for every domain (`anna+shop@x` → `anna@x`):
 *      most providers deliver sub-addresses to the same mailbox, and a
 *      provider that does not loses nothing but a second bonus;
 *   3. for the providers that ignore dots in the local part, the dots
 *      removed and the domain's aliases folded into one: gmail.com and
 *      googlemail.com (`a.n.n.a@googlemail.com` → `anna@gmail.com`). No other
 *      big provider ignores dots (Outlook, Yahoo, iCloud, GMX, web.de and
 *      Proton deliver `a.nna` and `anna` to different mailboxes).
 *
 * Migration 041 repeats the same reduction in SQL for the members that were
 * already there; test/server/referrals.test.ts checks that both agree.
 */
import { createHash } from 'node:crypto';

/** Domains that ignore dots in the local part, and the one name each folds to. */
const DOTLESS_DOMAINS: ReadonlyMap<string, string> = new Map([
  ['gmail.com', 'gmail.com'],
  ['googlemail.com', 'gmail.com'],
]);

/** The mailbox an address reaches, as far as this programme can tell; see the module comment. */
export function canonicalEmail(email: string): string {
  const plain = email.normalize('NFKC').trim().toLowerCase();
  const at = plain.lastIndexOf('@');
  if (at < 0) return plain;
  let local = plain.slice(0, at);
  let domain = plain.slice(at + 1).replace(/\.$/, '');
  const plus = local.indexOf('+');
  if (plus >= 0) local = local.slice(0, plus);
  const folded = DOTLESS_DOMAINS.get(domain);
  if (folded !== undefined) {
    local = local.replaceAll('.', '');
    domain = folded;
  }
  return `${local}@${domain}`;
}

/**
 * The key the programme remembers an email under, for ever and across
 * erasure: the hex SHA-256 of its canonical form, never the address itself.
 */
export function referralEmailKey(email: string): string {
  return createHash('sha256').update(canonicalEmail(email)).digest('hex');
}

/**
 * Throw-away mail services: anyone can receive mail there without an
 * account of their own, so an address there proves no person. A short list
 * of the services seen most, on purpose: the referral bonus also needs a
 * confirmed purchase of the minimum amount and a verified email, so the list
 * only has to stop the cheapest farming. The operator adds domains with
 * `REFERRAL_BLOCKED_DOMAINS`. (Why not a package of thousands of domains:
 * see docs/referrals.md.)
 */
export const DISPOSABLE_DOMAINS: ReadonlySet<string> = new Set([
  '10minutemail.com',
  '33mail.com',
  'dispostable.com',
  'emailondeck.com',
  'fakeinbox.com',
  'getnada.com',
  'guerrillamail.com',
  'guerrillamail.de',
  'guerrillamail.net',
  'guerrillamailblock.com',
  'maildrop.cc',
  'mailinator.com',
  'mailnesia.com',
  'mintemail.com',
  'mohmal.com',
  'mytemp.email',
  'sharklasers.com',
  'spam4.me',
  'temp-mail.org',
  'tempail.com',
  'tempmail.com',
  'tempmailo.com',
  'throwawaymail.com',
  'trashmail.com',
  'trashmail.de',
  'wegwerfmail.de',
  'yopmail.com',
  'yopmail.fr',
]);

/** Whether the email's domain (or a parent domain of it) is a throw-away mail service. */
export function isDisposableEmail(email: string, extraDomains: readonly string[] = []): boolean {
  const domain = canonicalEmail(email).split('@').at(-1) ?? '';
  const labels = domain.split('.');
  for (let i = 0; i < labels.length - 1; i++) {
    const candidate = labels.slice(i).join('.');
    if (DISPOSABLE_DOMAINS.has(candidate) || extraDomains.includes(candidate)) return true;
  }
  return false;
}
