import { afterEach, describe, expect, it } from 'vitest';
import { formatEarnRate, formatMoney, resolveMessage, t, tn } from '../../../lib/ui/i18n.ts';
import { speak } from '../../components/helpers.tsx';

afterEach(() => speak('en'));

describe('i18n', () => {
  it('fills placeholders the way the browser does', () => {
    const messages = { hi: { message: 'Hallo $name$, $$5 für $what$', placeholders: { name: { content: '$1' }, what: { content: '$2' } } } };
    expect(resolveMessage(messages, 'hi', ['Anna', 'dich'])).toBe('Hallo Anna, $5 für dich');
    expect(resolveMessage(messages, 'missing', [])).toBe('');
  });

  it('picks singular and plural by the locale', () => {
    speak('de');
    expect(tn('points', 1)).toBe('1 Punkt');
    expect(tn('points', 1234)).toBe('1.234 Punkte');
    speak('en');
    expect(tn('points', 1)).toBe('1 point');
    expect(tn('points', 0)).toBe('0 points');
  });

  it('formats money and earn rates by the locale', () => {
    speak('de');
    expect(formatMoney(11400, 'EUR').replace(/\u00a0/g, ' ')).toBe('114,00 €');
    expect(formatEarnRate({ points: 2, per: 1 }, 'EUR').replace(/\u00a0/g, ' ')).toBe('2 Punkte pro 1 €');
    expect(formatMoney(123450, 'CHF').replace(/\u00a0/g, ' ')).toBe('1.234,50 CHF');
    speak('en');
    expect(formatMoney(11400, 'EUR')).toBe('€114.00');
    expect(formatMoney(1000, 'JPY')).toBe('JP¥1,000');
    expect(formatEarnRate({ points: 1, per: 2 }, 'EUR')).toBe('1 point per €2');
  });

  it('shows the key rather than nothing for a missing message', () => {
    expect(t('noSuchKey')).toBe('noSuchKey');
  });
});
