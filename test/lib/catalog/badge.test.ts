import { describe, expect, it } from 'vitest';
import type { Offer, Partner } from '../../../lib/contract/index.ts';
import { BADGE_COLOURS, shopBadgeText } from '../../../lib/catalog/badge.ts';

const partner: Partner = {
  id: 'schuhhaus', name: 'Schuhhaus', domains: ['schuhhaus.localhost'], category: 'Schuhe',
  earn: { points: 1, per: 1 }, currency: 'EUR', holdDays: 14, autoConfirm: true,
};
const at = new Date('2026-11-23T12:00:00Z');
const offer = (o: Partial<Offer>): Offer => ({
  id: 'o', title: 'Offer', kind: 'multiplier', multiplier: 2,
  startsAt: '2026-11-01T00:00:00Z', endsAt: '2026-12-01T00:00:00Z', ...o,
});

describe('the badge on a partner shop tab', () => {
  it('shows the best running multiplier for this shop or the whole programme', () => {
    expect(shopBadgeText(partner, [offer({ id: 'a', partnerId: 'schuhhaus' }), offer({ id: 'b', multiplier: 1.5 })], at)).toBe('×2');
    expect(shopBadgeText(partner, [offer({ multiplier: 1.5 })], at)).toBe('×1.5');
  });

  it('shows a tick when no multiplier runs here (other shop, ended, not begun, or a bonus)', () => {
    const others = [
      offer({ partnerId: 'buecherwurm' }),
      offer({ endsAt: '2026-11-20T00:00:00Z' }),
      offer({ startsAt: '2026-11-30T00:00:00Z' }),
      offer({ kind: 'bonus', multiplier: undefined, bonusPoints: 100 }),
    ];
    expect(shopBadgeText(partner, others, at)).toBe('✓');
  });
});

describe('the badge colours', () => {
  /** WCAG 2 relative luminance of a #rrggbb colour. */
  const luminance = (hex: string) => {
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  };

  it('keep the badge text readable (WCAG AA, 4.5:1)', () => {
    const [light, dark] = [luminance(BADGE_COLOURS.text), luminance(BADGE_COLOURS.background)].sort((a, b) => b - a);
    expect((light! + 0.05) / (dark! + 0.05)).toBeGreaterThanOrEqual(4.5);
  });
});
