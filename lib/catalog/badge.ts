/**
 * The toolbar badge on a partner shop's tab, before any purchase: the best
 * running multiplier offer there ("×2"), or a tick that says points are
 * collected here.
 */
import type { Offer, Partner } from '../contract/index.ts';

export function shopBadgeText(partner: Partner, offers: readonly Offer[], at: Date): string {
  const now = at.getTime();
  let best = 0;
  for (const offer of offers) {
    if (offer.kind !== 'multiplier' || offer.multiplier === undefined) continue;
    if (offer.partnerId !== undefined && offer.partnerId !== partner.id) continue;
    if (now < Date.parse(offer.startsAt) || now >= Date.parse(offer.endsAt)) continue;
    best = Math.max(best, offer.multiplier);
  }
  // Badges fit about four characters: "×2", "×1.5".
  return best > 1 ? `×${Math.round(best * 10) / 10}` : '✓';
}

/**
 * The badge's colours, set once by the background: white on amber. Amber
 * stands apart from the teal icon it sits on and from light and dark
 * toolbars alike, and white text on it has a contrast of 5:1 (WCAG AA asks
 * 4.5:1). The browsers' defaults differ (Chrome's is a dark blue, Firefox's
 * a grey) and neither was chosen with the icon in mind.
 */
export const BADGE_COLOURS = { background: '#b45309', text: '#ffffff' } as const;
