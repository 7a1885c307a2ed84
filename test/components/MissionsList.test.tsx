// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { MissionsList } from '../../components/MissionsList.tsx';
import type { MissionStanding } from '../../lib/contract/index.ts';
import { speak } from './helpers.tsx';

afterEach(cleanup);

const NOW = new Date('2026-12-10T10:00:00Z');
const december = { startsAt: '2026-12-01T00:00:00.000Z', endsAt: '2027-01-01T00:00:00.000Z', active: true };

const threeShops: MissionStanding = {
  mission: { id: 'three-shops', title: { de: 'Drei Shops im Dezember', en: 'Three shops in December' }, rule: { kind: 'distinct-partners', count: 3 }, bonusPoints: 300, ...december },
  progress: 2,
  confirmedProgress: 1,
  target: 3,
  completed: false,
};
const firstGarden: MissionStanding = {
  mission: { id: 'first-garden', title: { de: 'Erster Gartenkauf', en: 'First garden purchase' }, rule: { kind: 'category-purchase', category: 'garden', first: true }, bonusPoints: 50, ...december },
  progress: 1,
  confirmedProgress: 1,
  target: 1,
  completed: true,
  completedAt: '2026-12-09T08:00:00.000Z',
};
const spend: MissionStanding = {
  mission: { id: 'spend-100', title: { de: '100 € ausgeben', en: 'Spend €100' }, rule: { kind: 'spend', amountMinor: 10_000, currency: 'EUR' }, bonusPoints: 1, startsAt: '2026-11-01T00:00:00.000Z', endsAt: '2026-12-01T00:00:00.000Z', active: true },
  progress: 6_000,
  confirmedProgress: 4_000,
  target: 10_000,
  completed: false,
};

const items = () => screen.getAllByRole('listitem').map((li) => li.textContent);

describe('the missions section of the popup', () => {
  it('shows each mission\'s progress in English, the pending part apart and the completed one marked', () => {
    speak('en');
    render(<MissionsList missions={[threeShops, firstGarden, spend]} now={NOW} />);
    expect(screen.getByRole('heading').textContent).toBe('Missions');
    expect(items()).toEqual([
      "Three shops in December2 of 3 partners · +300 points · until 31 December1 of them awaits the shop's confirmation",
      'First garden purchase1 of 1 purchase · +50 points · until 31 December✓ Completed: bonus booked',
      "Spend €100€60.00 of €100.00 spent · +1 point · ended 30 November€20.00 of it awaits the shop's confirmation",
    ]);
    expect(screen.getByRole('status').textContent).toBe('✓ Completed: bonus booked');
    expect(screen.getByRole('progressbar', { name: 'Three shops in December' }).getAttribute('value')).toBe('2');
  });

  it('speaks German', () => {
    speak('de');
    render(<MissionsList missions={[threeShops, firstGarden, spend]} now={NOW} />);
    expect(screen.getByRole('heading').textContent).toBe('Missionen');
    expect(items()).toEqual([
      'Drei Shops im Dezember2 von 3 Partnern · +300 Punkte · bis 31. Dezemberdavon wartet 1 auf die Bestätigung des Shops',
      'Erster Gartenkauf1 von 1 Einkauf · +50 Punkte · bis 31. Dezember✓ Geschafft: Bonus gutgeschrieben',
      '100 € ausgeben60,00\u00a0€ von 100,00\u00a0€ ausgegeben · +1 Punkt · endete am 30. Novemberdavon wartet 20,00\u00a0€ auf die Bestätigung des Shops',
    ]);
  });

  it('shows nothing without missions', () => {
    speak('en');
    const { container } = render(<MissionsList missions={[]} now={NOW} />);
    expect(container.textContent).toBe('');
    cleanup();
    expect(render(<MissionsList now={NOW} />).container.textContent).toBe('');
  });
});
