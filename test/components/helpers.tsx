/** Shared fixtures for the component tests: both languages, a catalogue, offers and a fake bridge. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Offer, Partner, Redemption, Reward } from '../../lib/contract/index.ts';
import type { Receipt } from '../../lib/db/schema.ts';
import type { Outcome, UiBridge } from '../../lib/ui/bridge.ts';
import { useLocaleMessages, type LocaleMessages } from '../../lib/ui/i18n.ts';
import { toPurchaseRows, type PopupState } from '../../lib/ui/model.ts';

export type Language = 'de' | 'en';

export function loadMessages(lang: Language): LocaleMessages {
  // Vitest runs from the repository root; happy-dom makes import.meta.url a page URL.
  const path = resolve(process.cwd(), 'public/_locales', lang, 'messages.json');
  return JSON.parse(readFileSync(path, 'utf8')) as LocaleMessages;
}

/** Points `t` at a locale file, as if the browser's UI language were `lang`. */
export function speak(lang: Language): void {
  useLocaleMessages(loadMessages(lang), lang === 'de' ? 'de-DE' : 'en-GB');
}

export const NOW = new Date('2025-05-20T10:00:00Z');

export const schuhhaus: Partner = {
  id: 'schuhhaus',
  name: 'Schuhhaus Beispiel',
  domains: ['schuhhaus-example.de'],
  category: 'Schuhe',
  earn: { points: 2, per: 1 },
  currency: 'EUR',
  holdDays: 30,
  autoConfirm: true,
};
export const buchladen: Partner = {
  id: 'buchladen',
  name: 'Buchladen Seite',
  domains: ['buchladen.example'],
  category: 'Bücher',
  earn: { points: 1, per: 2 },
  currency: 'EUR',
  holdDays: 14,
  autoConfirm: true,
};
export const partners = [schuhhaus, buchladen];

export const doublePoints: Offer = {
  id: 'double-shoes',
  title: 'Doppelte Punkte auf Sneaker',
  partnerId: 'schuhhaus',
  kind: 'multiplier',
  multiplier: 2,
  minAmountMinor: 5000,
  startsAt: '2025-05-01T00:00:00Z',
  endsAt: '2025-05-31T22:00:00Z',
};
export const bookBonus: Offer = {
  id: 'book-bonus',
  title: 'Lesesommer',
  partnerId: 'buchladen',
  kind: 'bonus',
  bonusPoints: 500,
  startsAt: '2025-05-10T00:00:00Z',
  endsAt: '2025-06-15T00:00:00Z',
};
export const expiredOffer: Offer = {
  id: 'old',
  title: 'Vorbei',
  kind: 'bonus',
  bonusPoints: 100,
  startsAt: '2025-01-01T00:00:00Z',
  endsAt: '2025-02-01T00:00:00Z',
};
export const offers = [doublePoints, bookBonus, expiredOffer];

export const member = { id: 'm1', email: 'anna@example.org', memberNumber: '308012345678', createdAt: '2025-01-01T00:00:00Z' };

export function receipt(overrides: Partial<Receipt> & Pick<Receipt, 'id' | 'orderId'>): Receipt {
  return {
    partnerId: 'schuhhaus',
    amountMinor: 11400,
    currency: 'EUR',
    detectedAt: '2025-05-18T09:00:00Z',
    method: 'json-ld',
    estimatedPoints: 228,
    ...overrides,
  };
}

export function popupState(overrides: Partial<PopupState> & { receipts?: Receipt[] } = {}): PopupState {
  const { receipts = [], ...rest } = overrides;
  return {
    member,
    balance: { available: 1250, pending: 228, lifetime: 1500 },
    tier: 'basis',
    partners,
    offers,
    purchases: toPurchaseRows(receipts, partners, NOW),
    purchaseCount: receipts.length,
    morePurchases: false,
    sync: { lastSyncAt: '2025-05-20T09:55:00Z', waiting: 0, online: true },
    mutedShops: [],
    consentGiven: true,
    ...rest,
  };
}

export const rewards: Reward[] = [
  { id: 'voucher-5', title: '5 € Gutschein', kind: 'voucher', pointsCost: 500, active: true },
  { id: 'charity', title: 'Spende an die Tafel', kind: 'donation', pointsCost: 200, active: true },
  { id: 'big', title: 'Reisegutschein', kind: 'voucher', pointsCost: 5000, active: true },
];

const ok = <T extends object>(value: T): Promise<Outcome<T>> => Promise.resolve({ ok: true, ...value });

/** A bridge that succeeds at everything; override the calls a test cares about. */
export function fakeBridge(overrides: Partial<UiBridge> = {}): UiBridge {
  const redemption: Redemption = { id: 'r1', rewardId: 'voucher-5', points: 500, status: 'completed', code: 'SP-4711-XZ', createdAt: NOW.toISOString() };
  return {
    syncNow: () => ok({}),
    signIn: () => ok({ member }),
    verifyEmail: () => ok({ member: { ...member, emailVerified: true } }),
    resendCode: () => ok({}),
    signOut: () => ok({}),
    claim: () => ok({}),
    getRewards: () => ok({ rewards }),
    redeem: () => ok({ redemption }),
    setConsent: () => ok({}),
    updateSettings: () => ok({}),
    permissionsChanged: () => ok({}),
    refreshCatalog: () => ok({}),
    deleteLocalData: () => ok({}),
    ...overrides,
  };
}

/** Text as a member reads it: Intl's no-break spaces (as in "114,00 €") become plain spaces. */
export function plain(text: string | null | undefined): string {
  return (text ?? '').replace(/[\u00a0\u202f]/g, ' ');
}
