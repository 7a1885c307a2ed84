// @vitest-environment happy-dom
/** Offers and rewards: listed, ended offers on request, edited by a partner manager; in English and German. */
import { cleanup, fireEvent, render, screen, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import type { Offer, Reward } from '../../lib/contract/index.ts';
import { App } from '../../console/App.tsx';
import { fakeApi } from './fake-api.ts';

afterEach(cleanup);

const double: Offer = { id: 'double-december', title: 'Double points in December', kind: 'multiplier', multiplier: 2, startsAt: '2026-12-01T00:00:00.000Z', endsAt: '2027-01-01T00:00:00.000Z' };
const autumn: Offer = { id: 'autumn-bonus', title: 'Autumn bonus', kind: 'bonus', bonusPoints: 100, partnerId: 'schuhhaus', minAmountMinor: 5000, startsAt: '2026-10-01T00:00:00.000Z', endsAt: '2026-11-01T00:00:00.000Z' };
const voucher: Reward = { id: 'voucher-5', title: '5 EUR voucher', kind: 'voucher', pointsCost: 500, active: true };

describe('offers and rewards', () => {
  it('lists offers and rewards, shows ended offers on request, and saves an edited offer and reward', async () => {
    const saved: unknown[] = [];
    let offers = [double];
    let rewards = [voucher];
    const api = fakeApi('partner-manager', {
      offers: async (includeEnded) => (includeEnded ? [...offers, autumn] : offers),
      rewards: async () => rewards,
      putOffer: async (o) => {
        saved.push(o);
        offers = [o];
        return o;
      },
      putReward: async (r) => {
        saved.push(r);
        rewards = [r];
        return r;
      },
    });
    render(<App api={api} locale="en" />);
    fireEvent.click(await screen.findByRole('link', { name: 'Offers and rewards' }));
    const row = (await screen.findByText('Double points in December')).closest('tr')!;
    expect(within(row).getByText('×2')).toBeTruthy();
    expect(within(row).getByText('all partners')).toBeTruthy();
    expect(screen.queryByText('Autumn bonus')).toBeNull();
    fireEvent.click(screen.getByLabelText('Show ended offers too'));
    const ended = (await screen.findByText('Autumn bonus')).closest('tr')!;
    expect(within(ended).getByText('+100 points')).toBeTruthy();
    expect(within(ended).getByText('50.00')).toBeTruthy();

    fireEvent.click(within(row).getByRole('button', { name: 'Edit Double points in December' }));
    const form = screen.getByRole('form', { name: 'Edit Double points in December' });
    fireEvent.input(within(form).getByLabelText('Multiplier'), { target: { value: '3' } });
    fireEvent.input(within(form).getByLabelText('Title'), { target: { value: 'Triple points in December' } });
    fireEvent.input(within(form).getByLabelText('Ends (UTC)'), { target: { value: '2026-12-24T18:00' } });
    fireEvent.submit(form);
    expect((await screen.findByRole('status')).textContent).toBe('Triple points in December saved.');
    expect(saved[0]).toEqual({ ...double, title: 'Triple points in December', multiplier: 3, endsAt: '2026-12-24T18:00:00.000Z' });

    fireEvent.click(screen.getByRole('button', { name: 'Edit 5 EUR voucher' }));
    const rewardForm = screen.getByRole('form', { name: 'Edit 5 EUR voucher' });
    fireEvent.input(within(rewardForm).getByLabelText('Points cost'), { target: { value: '450' } });
    fireEvent.click(within(rewardForm).getByLabelText('Members can redeem it'));
    fireEvent.submit(rewardForm);
    await screen.findByText('5 EUR voucher saved.');
    expect(saved[1]).toEqual({ ...voucher, pointsCost: 450, active: false });
  });

  it('shows a reviewer the lists without edit buttons, in German', async () => {
    render(<App api={fakeApi('reviewer', { offers: async () => [double], rewards: async () => [voucher] })} locale="de" />);
    fireEvent.click(await screen.findByRole('link', { name: 'Aktionen und Prämien' }));
    const row = (await screen.findByText('5 EUR voucher')).closest('tr')!;
    expect(within(row).getByText('Gutschein')).toBeTruthy();
    expect(within(row).getByText('ja')).toBeTruthy();
    expect(screen.getByText('alle Partner')).toBeTruthy();
    expect(screen.queryByRole('button', { name: /bearbeiten/ })).toBeNull();
  });
});

describe('catalogue files', () => {
  it('imports a rewards file and reports what it created, in English', async () => {
    const sent: string[] = [];
    const api = fakeApi('partner-manager', {
      importCatalog: async (kind, format, content) => {
        sent.push(`${kind} ${format} ${content.split('\n')[0]}`);
        return { created: ['voucher-20'], updated: [], unchanged: ['voucher-5'] };
      },
    });
    render(<App api={api} locale="en" />);
    fireEvent.click(await screen.findByRole('link', { name: 'Offers and rewards' }));
    const form = await screen.findByRole('form', { name: 'Catalogue file (JSON or CSV)' });
    fireEvent.change(within(form).getByLabelText('Holds'), { target: { value: 'rewards' } });
    const file = new File(['id,title,kind,points_cost,active\nvoucher-20,20 EUR voucher,voucher,2000,true\n'], 'rewards.csv', { type: 'text/csv' });
    fireEvent.change(within(form).getByLabelText('Catalogue file (JSON or CSV)'), { target: { files: [file] } });
    fireEvent.submit(form);
    expect((await within(form).findByRole('status')).textContent).toBe('Imported: 1 created, 0 changed, 1 unchanged. voucher-20');
    expect(sent).toEqual(['rewards csv id,title,kind,points_cost,active']);
  });
});

describe('new offers and rewards', () => {
  it('creates a bonus offer for one partner and a donation reward, in German', async () => {
    const saved: unknown[] = [];
    const api = fakeApi('admin', {
      putOffer: async (o) => {
        saved.push(o);
        return o;
      },
      putReward: async (r) => {
        saved.push(r);
        return r;
      },
    });
    render(<App api={api} locale="de" />);
    fireEvent.click(await screen.findByRole('link', { name: 'Aktionen und Prämien' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Neue Aktion' }));
    const form = screen.getByRole('form', { name: 'Neue Aktion' });
    fireEvent.input(within(form).getByLabelText('Kennung (Kleinbuchstaben, Ziffern, Bindestriche)'), { target: { value: 'fruehling-bonus' } });
    fireEvent.change(within(form).getByLabelText('Art'), { target: { value: 'bonus' } });
    fireEvent.input(within(form).getByLabelText('Partnerkennung (leer: alle Partner)'), { target: { value: 'schuhhaus' } });
    fireEvent.input(within(form).getByLabelText('Titel'), { target: { value: 'Frühlingsbonus' } });
    fireEvent.input(within(form).getByLabelText('Bonuspunkte'), { target: { value: '250' } });
    fireEvent.input(within(form).getByLabelText('Beginn (UTC)'), { target: { value: '2027-03-01T00:00' } });
    fireEvent.input(within(form).getByLabelText('Ende (UTC)'), { target: { value: '2027-03-31T23:59' } });
    fireEvent.submit(form);
    await screen.findByText('Frühlingsbonus gespeichert.');
    expect(saved[0]).toEqual({ id: 'fruehling-bonus', title: 'Frühlingsbonus', kind: 'bonus', bonusPoints: 250, partnerId: 'schuhhaus', startsAt: '2027-03-01T00:00:00.000Z', endsAt: '2027-03-31T23:59:00.000Z' });

    fireEvent.click(screen.getByRole('button', { name: 'Neue Prämie' }));
    const reward = screen.getByRole('form', { name: 'Neue Prämie' });
    fireEvent.input(within(reward).getByLabelText('Kennung (Kleinbuchstaben, Ziffern, Bindestriche)'), { target: { value: 'spende-tierheim' } });
    fireEvent.change(within(reward).getByLabelText('Art'), { target: { value: 'donation' } });
    fireEvent.input(within(reward).getByLabelText('Titel'), { target: { value: 'Spende ans Tierheim' } });
    fireEvent.input(within(reward).getByLabelText('Punktepreis'), { target: { value: '300' } });
    fireEvent.submit(reward);
    await screen.findByText('Spende ans Tierheim gespeichert.');
    expect(saved[1]).toEqual({ id: 'spende-tierheim', title: 'Spende ans Tierheim', kind: 'donation', pointsCost: 300, active: true });
  });
});
