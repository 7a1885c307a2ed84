// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { Rewards } from '../../components/Rewards.tsx';
import type { Outcome } from '../../lib/ui/bridge.ts';
import type { Redemption } from '../../lib/contract/index.ts';
import { fakeBridge, rewards, speak } from './helpers.tsx';

afterEach(cleanup);

const loaded = { status: 'loaded' as const, rewards };

function rewardItem(title: string): HTMLElement {
  const item = screen.getByText(title).closest('li');
  if (!item) throw new Error(`no reward ${title}`);
  return item;
}

describe('Rewards', () => {
  it('lists what the points buy and redeems a voucher after confirmation, showing its code', async () => {
    speak('en');
    const calls: Array<[string, string]> = [];
    const bridge = fakeBridge();
    render(
      <Rewards
        view={loaded}
        available={1250}
        signedIn
        newKey={() => 'key-1'}
        onRedeem={(id, key) => { calls.push([id, key]); return bridge.redeem(id, key); }}
      />,
    );
    const voucher = rewardItem('5 € Gutschein');
    expect(voucher.textContent).toContain('Voucher');
    expect(voucher.textContent).toContain('500 points');
    expect(rewardItem('Spende an die Tafel').textContent).toContain('Donation');
    expect(rewardItem('Reisegutschein').textContent).toContain('3,750 more points needed');

    fireEvent.click(within(voucher).getByRole('button', { name: 'Redeem' }));
    expect(calls).toEqual([]);
    const confirm = within(voucher).getByRole('group', { name: 'Confirm redemption' });
    expect(confirm.textContent).toContain('Redeem 500 points for “5 € Gutschein”?');
    fireEvent.click(within(confirm).getByRole('button', { name: 'Yes, redeem' }));
    expect(await within(voucher).findByText('Done! Your reward is redeemed.')).toBeTruthy();
    expect(within(voucher).getByText('SP-4711-XZ')).toBeTruthy();
    expect(calls).toEqual([['voucher-5', 'key-1']]);
  });

  it('cancels at the confirmation step without redeeming', () => {
    speak('en');
    let called = false;
    render(<Rewards view={loaded} available={1250} signedIn onRedeem={() => { called = true; return fakeBridge().redeem('x', 'y'); }} />);
    const voucher = rewardItem('5 € Gutschein');
    fireEvent.click(within(voucher).getByRole('button', { name: 'Redeem' }));
    fireEvent.click(within(voucher).getByRole('button', { name: 'Cancel' }));
    expect(within(voucher).getByRole('button', { name: 'Redeem' })).toBeTruthy();
    expect(called).toBe(false);
  });

  it('shows "not enough points" when the server refuses for lack of points (stale local balance)', async () => {
    speak('en');
    const refuse = (): Promise<Outcome<{ redemption: Redemption }>> => Promise.resolve({ ok: false, error: 'insufficient_points' });
    render(<Rewards view={loaded} available={1250} signedIn onRedeem={refuse} />);
    const voucher = rewardItem('5 € Gutschein');
    fireEvent.click(within(voucher).getByRole('button', { name: 'Redeem' }));
    fireEvent.click(within(voucher).getByRole('button', { name: 'Yes, redeem' }));
    expect((await within(voucher).findByRole('alert')).textContent).toBe('Not enough points for this reward.');
    expect(within(voucher).queryByRole('button', { name: 'Try again' })).toBeNull();
  });

  it('shows the same failure in German', async () => {
    speak('de');
    render(<Rewards view={loaded} available={1250} signedIn onRedeem={() => Promise.resolve({ ok: false, error: 'insufficient_points' })} />);
    const voucher = rewardItem('5 € Gutschein');
    fireEvent.click(within(voucher).getByRole('button', { name: 'Einlösen' }));
    expect(within(voucher).getByText('500 Punkte für „5 € Gutschein“ einlösen?')).toBeTruthy();
    fireEvent.click(within(voucher).getByRole('button', { name: 'Ja, einlösen' }));
    expect((await within(voucher).findByRole('alert')).textContent).toBe('Nicht genug Punkte für diese Prämie.');
  });

  it('retries a failed redemption with the same idempotency key', async () => {
    speak('en');
    const keys: string[] = [];
    let attempt = 0;
    render(
      <Rewards
        view={loaded}
        available={1250}
        signedIn
        newKey={() => `key-${keys.length}`}
        onRedeem={(id, key) => {
          keys.push(key);
          attempt++;
          return attempt === 1 ? Promise.resolve({ ok: false, error: 'offline' }) : fakeBridge().redeem(id, key);
        }}
      />,
    );
    const voucher = rewardItem('5 € Gutschein');
    fireEvent.click(within(voucher).getByRole('button', { name: 'Redeem' }));
    fireEvent.click(within(voucher).getByRole('button', { name: 'Yes, redeem' }));
    fireEvent.click(await within(voucher).findByRole('button', { name: 'Try again' }));
    expect(await within(voucher).findByText('SP-4711-XZ')).toBeTruthy();
    expect(keys).toEqual(['key-0', 'key-0']);
  });

  it('asks a signed-out member to sign in', () => {
    speak('en');
    render(<Rewards view={{ status: 'unknown' }} signedIn={false} onRedeem={fakeBridge().redeem} />);
    expect(screen.getByText('Sign in to see what your points buy.')).toBeTruthy();
  });
});
