/** The console's words in German and English; the browser's language picks. */
const en = {
  title: 'Sammelpunkt console',
  email: 'Email',
  password: 'Password',
  signIn: 'Sign in',
  signingIn: 'Signing in…',
  signOut: 'Sign out',
  signedInAs: (email: string, role: string) => `Signed in as ${email} (${role})`,
  claims: 'Missing-points claims',
  open: 'Open',
  approved: 'Approved',
  rejected: 'Rejected',
  none: 'No claims here.',
  member: 'Member',
  shop: 'Shop',
  order: 'Order',
  amount: 'Amount',
  made: 'Claimed',
  decision: 'Decision',
  approve: 'Approve',
  reject: 'Reject',
  reason: 'Reason for rejecting',
  mayNot: 'Your role may read claims but not decide them.',
  failed: 'That did not work:',
  loading: 'Loading…',
} as const;

type Words = { [K in keyof typeof en]: (typeof en)[K] extends (...args: infer A) => string ? (...args: A) => string : string };

const de: Words = {
  title: 'Sammelpunkt-Konsole',
  email: 'E-Mail',
  password: 'Passwort',
  signIn: 'Anmelden',
  signingIn: 'Anmeldung läuft…',
  signOut: 'Abmelden',
  signedInAs: (email, role) => `Angemeldet als ${email} (${role})`,
  claims: 'Nachbuchungsanträge',
  open: 'Offen',
  approved: 'Angenommen',
  rejected: 'Abgelehnt',
  none: 'Keine Anträge.',
  member: 'Mitglied',
  shop: 'Shop',
  order: 'Bestellung',
  amount: 'Betrag',
  made: 'Gestellt',
  decision: 'Entscheidung',
  approve: 'Annehmen',
  reject: 'Ablehnen',
  reason: 'Grund der Ablehnung',
  mayNot: 'Ihre Rolle darf Anträge lesen, aber nicht entscheiden.',
  failed: 'Das hat nicht geklappt:',
  loading: 'Lädt…',
};

export type Locale = 'de' | 'en';
export const words: Record<Locale, Words> = { en, de };

export function pickLocale(languages: readonly string[]): Locale {
  return languages.some((l) => l.toLowerCase().startsWith('de')) && !languages[0]?.toLowerCase().startsWith('en') ? 'de' : 'en';
}
