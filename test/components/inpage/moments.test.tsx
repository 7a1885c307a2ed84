// @vitest-environment happy-dom
/**
 * The two in-page moments as a member meets them: what they say in German
 * and English, how they leave (Escape, the close button, by themselves), and
 * when the reminder is not shown at all.
 */
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RecordedMoment } from '../../../components/inpage/RecordedMoment.tsx';
import { REMINDER_AUTO_HIDE_MS, ReminderMoment } from '../../../components/inpage/ReminderMoment.tsx';
import { recordConsent, saveOffers, updateSettings, type SammelpunktDb } from '../../../lib/db/index.ts';
import type { PurchaseMoment } from '../../../lib/inpage/moments.ts';
import { reminderFor } from '../../../lib/inpage/reminder.ts';
import { freshDb } from '../../lib/support.ts';
import { NOW, doublePoints, offers, plain, schuhhaus, speak } from '../helpers.tsx';

const fresh: PurchaseMoment = {
  fresh: true,
  partnerName: 'Schuhhaus Beispiel',
  orderId: '10023',
  amountMinor: 11_400,
  currency: 'EUR',
  points: 57,
  recordedAt: '2025-05-18T09:00:00Z',
};

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

function text(): string {
  return plain(document.body.textContent);
}

describe('order confirmation moment', () => {
  it('says in English that the points are pending and which order was recorded', () => {
    speak('en');
    render(<RecordedMoment moment={fresh} onDismiss={() => undefined} />);
    expect(plain(screen.getByRole('status').textContent)).toBe('✓ 57 points pending' + 'Sammelpunkt recorded order 10023 (€114.00)');
  });

  it('says the same in German, with German number formats', () => {
    speak('de');
    render(<RecordedMoment moment={{ ...fresh, points: 1250, amountMinor: 250_000 }} onDismiss={() => undefined} />);
    expect(text()).toContain('✓ 1.250 Punkte vorgemerkt');
    expect(text()).toContain('Sammelpunkt hat Bestellung 10023 erfasst (2.500,00 €)');
  });

  it('words one point in the singular and a purchase without points plainly', () => {
    speak('de');
    render(<RecordedMoment moment={{ ...fresh, points: 1 }} onDismiss={() => undefined} />);
    expect(text()).toContain('✓ 1 Punkt vorgemerkt');
    cleanup();
    speak('en');
    render(<RecordedMoment moment={{ ...fresh, points: 0 }} onDismiss={() => undefined} />);
    expect(text()).toContain('✓ Purchase recorded');
  });

  it('gently says "already recorded" after a reload, with the day it was recorded', () => {
    speak('en');
    render(<RecordedMoment moment={{ ...fresh, fresh: false }} onDismiss={() => undefined} />);
    expect(text()).toContain('✓ Already recorded');
    expect(text()).toContain('Sammelpunkt recorded order 10023 (€114.00) on 18 May 2025. Nothing more to do.');
    cleanup();
    speak('de');
    render(<RecordedMoment moment={{ ...fresh, fresh: false }} onDismiss={() => undefined} />);
    expect(text()).toContain('✓ Bereits erfasst');
    expect(text()).toContain('Sammelpunkt hat Bestellung 10023 (114,00 €) am 18.05.2025 erfasst.');
  });

  it('adds one partner that fits, with its offer and why, in English and German', () => {
    const suggestion = {
      partner: { id: 'gartenglueck', name: 'Gartenglück', earn: { points: 3, per: 1 }, currency: 'EUR' },
      offer: { id: 'garden-week', title: 'Gartenwoche', partnerId: 'gartenglueck', kind: 'multiplier' as const, multiplier: 3, startsAt: '2025-05-18T00:00:00Z', endsAt: '2025-05-25T00:00:00Z' },
      reason: { kind: 'category' as const, category: 'Garten' },
    };
    speak('en');
    render(<RecordedMoment moment={{ ...fresh, suggestion }} onDismiss={() => undefined} />);
    expect(text()).toContain('Also collect at Gartenglück: 3× points until 25 May 2025');
    expect(text()).toContain('Because you shop in Garten');
    cleanup();
    speak('de');
    const { offer: _offer, ...withoutOffer } = suggestion;
    render(<RecordedMoment moment={{ ...fresh, suggestion: withoutOffer }} onDismiss={() => undefined} />);
    expect(text()).toContain('Sammeln Sie auch bei Gartenglück: 3 Punkte pro 1 €');
    expect(text()).toContain('Weil Sie in der Kategorie Garten einkaufen');
  });

  it('says nothing more without a suggestion', () => {
    speak('en');
    render(<RecordedMoment moment={fresh} onDismiss={() => undefined} />);
    expect(text()).not.toContain('Also collect');
  });

  it('renders a hostile order id and shop name as text, never as markup', () => {
    speak('en');
    const hostile = '<img src=x onerror="alert(1)">';
    render(<RecordedMoment moment={{ ...fresh, orderId: hostile, partnerName: hostile }} onDismiss={() => undefined} />);
    expect(document.querySelector('img')).toBeNull();
    expect(text()).toContain(`recorded order ${hostile}`);
  });
});

describe('dismissing a moment', () => {
  beforeEach(() => speak('en'));

  it('closes on Escape pressed anywhere on the page', () => {
    const onDismiss = vi.fn();
    render(<RecordedMoment moment={fresh} onDismiss={onDismiss} />);
    fireEvent.keyDown(window, { key: 'Escape' });
    expect(onDismiss).toHaveBeenCalledTimes(1);
  });

  it('leaves an Escape the shop already handled (its own dialog) to the shop', () => {
    const onDismiss = vi.fn();
    render(<RecordedMoment moment={fresh} onDismiss={onDismiss} />);
    const event = new KeyboardEvent('keydown', { key: 'Escape', cancelable: true });
    event.preventDefault();
    window.dispatchEvent(event);
    expect(onDismiss).not.toHaveBeenCalled();
  });

  it('has a close button that the keyboard reaches, with a name, and that closes once', () => {
    const onDismiss = vi.fn();
    render(<RecordedMoment moment={fresh} onDismiss={onDismiss} />);
    const close = screen.getByRole('button', { name: 'Close the Sammelpunkt notice' });
    close.focus();
    expect(document.activeElement).toBe(close);
    fireEvent.keyDown(close, { key: 'Escape' });
    fireEvent.click(close);
    expect(onDismiss).toHaveBeenCalledTimes(1);
  });

  it('sits in the corner chosen for it, never as a bar', () => {
    render(<RecordedMoment moment={fresh} onDismiss={() => undefined} />);
    expect(screen.getByRole('complementary').className).toContain('moment-bottom-left');
  });

  it('is a labelled region with a polite live status, not a dialog that takes the focus', () => {
    const before = document.activeElement;
    render(<RecordedMoment moment={fresh} onDismiss={() => undefined} />);
    expect(screen.getByRole('complementary', { name: 'Sammelpunkt notice' })).toBeTruthy();
    expect(screen.getByRole('status').getAttribute('aria-live')).toBe('polite');
    expect(document.activeElement).toBe(before);
  });

  it('the reminder leaves by itself, but not while the member reads it', () => {
    vi.useFakeTimers();
    const onDismiss = vi.fn();
    render(<ReminderMoment partner={schuhhaus} reminder={{}} onDismiss={onDismiss} onMuteShop={() => undefined} />);
    const card = screen.getByRole('complementary');
    fireEvent.mouseEnter(card);
    vi.advanceTimersByTime(REMINDER_AUTO_HIDE_MS * 2);
    expect(onDismiss).not.toHaveBeenCalled();
    fireEvent.mouseLeave(card);
    vi.advanceTimersByTime(REMINDER_AUTO_HIDE_MS);
    expect(onDismiss).toHaveBeenCalledTimes(1);
  });
});

describe('first-visit reminder', () => {
  it('tells in English that points are collected here, at which rate, with the best offer', () => {
    speak('en');
    render(<ReminderMoment partner={schuhhaus} reminder={{ offer: doublePoints }} onDismiss={() => undefined} onMuteShop={() => undefined} />);
    expect(text()).toContain('Points are collected automatically here');
    expect(text()).toContain('At Schuhhaus Beispiel: 2 points per €1');
    expect(text()).toContain('Current offer: 2× points, Doppelte Punkte auf Sneaker');
  });

  it('tells the same in German', () => {
    speak('de');
    render(<ReminderMoment partner={schuhhaus} reminder={{ offer: doublePoints }} onDismiss={() => undefined} onMuteShop={() => undefined} />);
    expect(text()).toContain('Hier sammeln Sie automatisch Punkte');
    expect(text()).toContain('Bei Schuhhaus Beispiel: 2 Punkte pro 1 €');
    expect(text()).toContain('Aktuelles Angebot: 2× Punkte, Doppelte Punkte auf Sneaker');
    expect(screen.getByRole('button', { name: 'In diesem Shop nicht mehr' })).toBeTruthy();
  });

  it('offers "not in this shop"', () => {
    speak('en');
    const onMuteShop = vi.fn();
    render(<ReminderMoment partner={schuhhaus} reminder={{}} onDismiss={() => undefined} onMuteShop={onMuteShop} />);
    fireEvent.click(screen.getByRole('button', { name: 'Not in this shop' }));
    expect(onMuteShop).toHaveBeenCalledTimes(1);
  });
});

describe('when the reminder is shown', () => {
  // The day is the member's local calendar day, so the visits are set in local time.
  const morning = new Date(2025, 4, 20, 9, 0);
  let db: SammelpunktDb;
  beforeEach(async () => {
    speak('en');
    db = await freshDb();
    await recordConsent(db, true);
    await saveOffers(db, offers, 'v1', NOW);
  });

  /** What the content script does on a visit: ask the background's rule, show the reminder if it answers. */
  async function visit(at: Date): Promise<boolean> {
    cleanup();
    const reminder = await reminderFor(db, schuhhaus, at);
    if (reminder !== null) render(<ReminderMoment partner={schuhhaus} reminder={reminder} onDismiss={() => undefined} onMuteShop={() => undefined} />);
    return screen.queryByText('Points are collected automatically here') !== null;
  }

  it('shows on the first visit of the day, with the best offer, and not again that day', async () => {
    expect(await visit(morning)).toBe(true);
    expect(text()).toContain('Current offer: 2× points');
    expect(await visit(new Date(morning.getTime() + 60_000))).toBe(false);
    expect(await visit(new Date(morning.getTime() + 10 * 3_600_000))).toBe(false);
  });

  it('shows again on the next day', async () => {
    expect(await visit(morning)).toBe(true);
    expect(await visit(new Date(morning.getTime() + 24 * 3_600_000))).toBe(true);
  });

  it('is not shown in a muted shop, and other shops still get theirs', async () => {
    await updateSettings(db, { mutedShops: ['schuhhaus'] });
    expect(await visit(morning)).toBe(false);
    expect(await reminderFor(db, { ...schuhhaus, id: 'buchladen' }, morning)).not.toBeNull();
  });

  it('is not shown anywhere when reminders are off for all shops', async () => {
    await updateSettings(db, { reminders: false });
    expect(await visit(morning)).toBe(false);
    expect(await reminderFor(db, { ...schuhhaus, id: 'buchladen' }, morning)).toBeNull();
  });

  it('is not shown without consent, and a refusal does not use up the day', async () => {
    await recordConsent(db, false);
    expect(await visit(morning)).toBe(false);
    await recordConsent(db, true);
    expect(await visit(morning)).toBe(true);
  });
});
