/**
 * The in-page reminder on a partner shop: whether it is due, and what it
 * says. At most once per shop per day, never for a muted shop, never when the
 * member switched reminders off, never without consent.
 *
 * The "shown today" marks live in the settings record in IndexedDB (never in
 * the shop's page storage, which the shop can read), and the check and the
 * mark share one transaction, so two tabs opened at once show it once.
 */
import type { Offer, Partner } from '../contract/index.ts';
import { CURRENT, DEFAULT_SETTINGS, type Settings } from '../db/schema.ts';
import { getOffers, getSyncState, type SammelpunktDb } from '../db/index.ts';
import type { ReminderMoment } from './moments.ts';
import { basePoints, exponentOf } from '../points/index.ts';

/** The member's calendar day in the browser's time zone, as `YYYY-MM-DD`. */
export function localDay(now: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** Whether the reminder for `partnerId` may be shown on `day`. */
export function reminderDue(settings: Settings, partnerId: string, day: string): boolean {
  if (settings.consent?.given !== true) return false;
  if (settings.reminders === false) return false;
  if (settings.mutedShops.includes(partnerId)) return false;
  return settings.reminderShownOn?.[partnerId] !== day;
}

/**
 * Checks whether the reminder is due and, if so, marks it shown today, in
 * one transaction. Returns true when the caller should show it. Marks of
 * earlier days are dropped on the way: only today's can stop a reminder.
 */
export async function claimReminder(db: SammelpunktDb, partnerId: string, now: Date): Promise<boolean> {
  const day = localDay(now);
  const tx = db.transaction('settings', 'readwrite');
  const settings: Settings = { ...DEFAULT_SETTINGS, ...(await tx.store.get(CURRENT)) };
  if (!reminderDue(settings, partnerId, day)) {
    await tx.done;
    return false;
  }
  const today = Object.entries(settings.reminderShownOn ?? {}).filter(([, shownOn]) => shownOn === day);
  await tx.store.put({ ...settings, reminderShownOn: { ...Object.fromEntries(today), [partnerId]: day } }, CURRENT);
  await tx.done;
  return true;
}

/**
 * Offers are compared by what they add to a purchase of this many major
 * units: a multiplier's worth grows with the basket, a bonus's does not, and
 * the reminder has no basket to go by.
 */
const REFERENCE_AMOUNT_MAJOR = 100;

/** What an offer adds, in points, to the reference purchase at `partner`. */
function offerWorth(offer: Offer, partner: Partner): number {
  if (offer.kind === 'bonus') return offer.bonusPoints ?? 0;
  const exponent = exponentOf(partner.currency);
  const base = basePoints(REFERENCE_AMOUNT_MAJOR * 10 ** exponent, partner.earn, exponent);
  return Math.floor((base * Math.round((offer.multiplier ?? 1) * 100)) / 100) - base;
}

/**
 * The offer worth mentioning in the reminder: running now, valid at this
 * partner (its own or programme-wide) and for the member's tier, adding the
 * most to a typical purchase; the one ending soonest on a tie.
 */
export function bestOffer(offers: readonly Offer[], partner: Partner, now: Date, tier?: string): Offer | undefined {
  const at = now.getTime();
  const candidates = offers.filter(
    (o) =>
      Date.parse(o.startsAt) <= at &&
      at < Date.parse(o.endsAt) &&
      (o.partnerId === undefined || o.partnerId === partner.id) &&
      (o.tier === undefined || o.tier === tier) &&
      offerWorth(o, partner) > 0,
  );
  candidates.sort((a, b) => offerWorth(b, partner) - offerWorth(a, partner) || Date.parse(a.endsAt) - Date.parse(b.endsAt));
  return candidates[0];
}

/**
 * The background's answer to `content:get-reminder` for the sending tab's
 * partner: null when it is not due (and nothing is marked), otherwise the
 * reminder with the best current offer, marked shown for today.
 */
export async function reminderFor(db: SammelpunktDb, partner: Partner, now: Date): Promise<ReminderMoment | null> {
  if (!(await claimReminder(db, partner.id, now))) return null;
  const [offers, sync] = await Promise.all([getOffers(db), getSyncState(db)]);
  const offer = bestOffer(offers?.offers ?? [], partner, now, sync.tier);
  return offer === undefined ? {} : { offer };
}

/** "Not in this shop" on the reminder: adds the partner to the muted shops, once. */
export async function muteShop(db: SammelpunktDb, partnerId: string): Promise<void> {
  const tx = db.transaction('settings', 'readwrite');
  const settings: Settings = { ...DEFAULT_SETTINGS, ...(await tx.store.get(CURRENT)) };
  if (!settings.mutedShops.includes(partnerId)) {
    await tx.store.put({ ...settings, mutedShops: [...settings.mutedShops, partnerId] }, CURRENT);
  }
  await tx.done;
}
