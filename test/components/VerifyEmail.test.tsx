// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { PopupApp, type PopupAppProps } from '../../components/PopupApp.tsx';
import type { UiBridge } from '../../lib/ui/bridge.ts';
import { member, NOW, fakeBridge, popupState, rewards, speak } from './helpers.tsx';

afterEach(cleanup);

function renderPopup(bridge: UiBridge, emailVerified: boolean | undefined, onAccountChanged = () => {}) {
  const props: PopupAppProps = {
    state: popupState({ member: { ...member, ...(emailVerified === undefined ? {} : { emailVerified }) } }),
    now: NOW,
    rewards: { status: 'loaded', rewards },
    syncing: false,
    bridge,
    onSyncNow: () => {},
    onSetMuted: () => {},
    onShowOlder: () => {},
    onAccountChanged,
    onOpenOptions: () => {},
  };
  return render(<PopupApp {...props} />);
}

describe('the email confirmation step in the popup', () => {
  it('asks a new member for the mailed code, names the address, and reloads the member once it is right', async () => {
    speak('en');
    const typed: string[] = [];
    let reloaded = 0;
    renderPopup(fakeBridge({ verifyEmail: async (code) => (typed.push(code), { ok: true, member: { ...member, emailVerified: true } }) }), false, () => reloaded++);
    expect(screen.getByRole('heading', { name: 'Confirm your email' })).toBeTruthy();
    expect(screen.getByText(/anna@example\.org/)).toBeTruthy();
    fireEvent.input(screen.getByLabelText('Code'), { target: { value: '123456' } });
    fireEvent.click(screen.getByRole('button', { name: 'Confirm' }));
    await waitFor(() => expect(reloaded).toBe(1));
    expect(typed).toEqual(['123456']);
  });

  it('tried: a wrong code; the member reads why and can ask for a new one', async () => {
    speak('de');
    renderPopup(fakeBridge({ verifyEmail: async () => ({ ok: false, error: 'invalid_code' }) }), false);
    fireEvent.input(screen.getByLabelText('Code'), { target: { value: '000000' } });
    fireEvent.click(screen.getByRole('button', { name: 'Bestätigen' }));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toMatch(/falsch oder abgelaufen/));
    fireEvent.click(screen.getByRole('button', { name: 'Neuen Code senden' }));
    await waitFor(() => expect(screen.getByText('Ein neuer Code ist unterwegs.')).toBeTruthy());
  });

  it('is not shown to a verified member, nor for a member an older server sent without the flag', () => {
    speak('en');
    renderPopup(fakeBridge(), true);
    expect(screen.queryByRole('heading', { name: 'Confirm your email' })).toBeNull();
    cleanup();
    renderPopup(fakeBridge(), undefined);
    expect(screen.queryByRole('heading', { name: 'Confirm your email' })).toBeNull();
  });
});
