import { beforeEach, describe, expect, it } from 'vitest';
import type { Offer } from '../../../lib/contract/index.ts';
import { DEFAULT_SETTINGS, getSettings, recordConsent, saveOffers, updateSettings, updateSyncState, type SammelpunktDb } from '../../../lib/db/index.ts';
import { purchaseMoment } from '../../../lib/inpage/moments.ts';
import { bestOffer, claimReminder, localDay, muteShop, reminderDue, reminderFor } from '../../../lib/inpage/reminder.ts';
import { freshDb, schuhhaus } from '../support.ts';

// Schuhhaus earns 1 point per 2 EUR: a 100 € purchase is worth 50 base points.
const at = new Date(2025, 2, 1, 10, 0);
const window_ = { startsAt: '2025-02-01T00:00:00Z', endsAt: '2025-04-01T00:00:00Z' };
const triple: Offer = { id: 'x3', title: 'Triple', partnerId: 'schuhhaus', kind: 'multiplier', multiplier: 3, ...window_ };
const double: Offer = { id: 'x2', title: 'Double, everywhere', kind: 'multiplier', multiplier: 2, ...window_ };
const bonus80: Offer = { id: 'b80', title: '80 extra', partnerId: 'schuhhaus', kind: 'bonus', bonusPoints: 80, ...window_ };
const bonus120: Offer = { id: 'b120', title: '120 extra', kind: 'bonus', bonusPoints: 120, ...window_ };
const goldOnly: Offer = { id: 'gold', title: 'Gold ×10', kind: 'multiplier', multiplier: 10, tier: 'gold', ...window_ };
const elsewhere: Offer = { id: 'else', title: 'Other shop', partnerId: 'buchladen', kind: 'bonus', bonusPoints: 999, ...window_ };
const expired: Offer = { id: 'old', title: 'Gone', kind: 'bonus', bonusPoints: 999, startsAt: '2025-01-01T00:00:00Z', endsAt: '2025-02-01T00:00:00Z' };

describe('bestOffer', () => {
  it('picks what adds most to a typical purchase: ×3 (+100) over a 80-point bonus over ×2 (+50)', () => {
    expect(bestOffer([double, bonus80, triple], schuhhaus, at)?.id).toBe('x3');
    expect(bestOffer([double, bonus80], schuhhaus, at)?.id).toBe('b80');
    expect(bestOffer([triple, bonus120], schuhhaus, at)?.id).toBe('b120');
  });

  it('ignores offers of other shops, of other tiers and out of their window', () => {
    expect(bestOffer([elsewhere, goldOnly, expired], schuhhaus, at)).toBeUndefined();
    expect(bestOffer([elsewhere, goldOnly, expired, double], schuhhaus, at, 'gold')?.id).toBe('gold');
  });

  it('prefers the one ending soonest on a tie', () => {
    const soon = { ...bonus80, id: 'soon', endsAt: '2025-03-02T00:00:00Z' };
    expect(bestOffer([bonus80, soon], schuhhaus, at)?.id).toBe('soon');
  });
});

describe('reminderDue', () => {
  const consented = { ...DEFAULT_SETTINGS, consent: { given: true, at: '2025-01-01T00:00:00Z' } };
  it('is due once per shop and day, and never muted, switched off or without consent', () => {
    expect(reminderDue(consented, 'schuhhaus', '2025-03-01')).toBe(true);
    expect(reminderDue({ ...consented, reminderShownOn: { schuhhaus: '2025-03-01' } }, 'schuhhaus', '2025-03-01')).toBe(false);
    expect(reminderDue({ ...consented, reminderShownOn: { schuhhaus: '2025-02-28' } }, 'schuhhaus', '2025-03-01')).toBe(true);
    expect(reminderDue({ ...consented, mutedShops: ['schuhhaus'] }, 'schuhhaus', '2025-03-01')).toBe(false);
    expect(reminderDue({ ...consented, reminders: false }, 'schuhhaus', '2025-03-01')).toBe(false);
    expect(reminderDue(DEFAULT_SETTINGS, 'schuhhaus', '2025-03-01')).toBe(false);
  });

  it('counts days in the member’s own calendar', () => {
    expect(localDay(new Date(2025, 0, 5, 23, 59))).toBe('2025-01-05');
    expect(localDay(new Date(2025, 0, 6, 0, 0))).toBe('2025-01-06');
  });
});

describe('claimReminder and reminderFor', () => {
  let db: SammelpunktDb;
  beforeEach(async () => {
    db = await freshDb();
    await recordConsent(db, true);
  });

  it('shows once, in two tabs opened at the same moment', async () => {
    const answers = await Promise.all([claimReminder(db, 'schuhhaus', at), claimReminder(db, 'schuhhaus', at)]);
    expect(answers.sort()).toEqual([false, true]);
  });

  it('keeps only today’s marks, so the record does not grow with every shop ever visited', async () => {
    await claimReminder(db, 'schuhhaus', at);
    await claimReminder(db, 'buchladen', new Date(2025, 2, 2, 10, 0));
    expect((await getSettings(db)).reminderShownOn).toEqual({ buchladen: '2025-03-02' });
  });

  it('brings the best offer for the member’s tier', async () => {
    await saveOffers(db, [double, goldOnly], 'v1', at);
    await updateSyncState(db, (s) => ({ ...s, tier: 'gold' }));
    expect(await reminderFor(db, schuhhaus, at)).toEqual({ offer: goldOnly });
  });

  it('leaves the other settings alone', async () => {
    await updateSettings(db, { notifications: false, mutedShops: ['buchladen'] });
    await claimReminder(db, 'schuhhaus', at);
    await muteShop(db, 'schuhhaus');
    await muteShop(db, 'schuhhaus');
    expect(await getSettings(db)).toMatchObject({ notifications: false, mutedShops: ['buchladen', 'schuhhaus'], consent: { given: true } });
  });
});

describe('purchaseMoment', () => {
  it('carries the server’s points once synced, else the estimate', () => {
    const receipt = {
      id: 'r1', partnerId: 'schuhhaus', orderId: '10023', amountMinor: 11_400, currency: 'EUR',
      detectedAt: '2025-03-01T10:00:00.000Z', method: 'json-ld', estimatedPoints: 57,
    };
    expect(purchaseMoment(receipt, schuhhaus, true)).toEqual({
      fresh: true, partnerName: 'Schuhhaus', orderId: '10023', amountMinor: 11_400, currency: 'EUR', points: 57, recordedAt: '2025-03-01T10:00:00.000Z',
    });
    const synced = { ...receipt, server: { status: 'pending' as const, points: 114, updatedAt: '2025-03-01T10:01:00.000Z' } };
    expect(purchaseMoment(synced, schuhhaus, false)).toMatchObject({ fresh: false, points: 114 });
  });
});
