// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { Onboarding } from '../../components/Onboarding.tsx';
import { fakeBridge, speak } from './helpers.tsx';

afterEach(cleanup);

const origins = ['*://schuhhaus-example.de/*', '*://*.schuhhaus-example.de/*'];

describe('Onboarding', () => {
  it('explains what is read and never read', () => {
    speak('en');
    render(<Onboarding origins={origins} consentGiven={false} signedIn={false} bridge={fakeBridge()} requestHostAccess={() => Promise.resolve(true)} onSignedIn={() => {}} />);
    for (const text of ['the order number', 'the total you paid', 'the currency', 'the time of the order', 'your browsing history or the addresses you visit']) {
      expect(screen.getByText(text)).toBeTruthy();
    }
  });

  it('asks for host access inside the click, stores the consent and reports both', async () => {
    speak('en');
    const requested: string[][] = [];
    const consents: boolean[] = [];
    let registered = 0;
    const bridge = fakeBridge({
      setConsent: (given) => { consents.push(given); return Promise.resolve({ ok: true }); },
      permissionsChanged: () => { registered++; return Promise.resolve({ ok: true }); },
    });
    render(
      <Onboarding
        origins={origins}
        consentGiven={false}
        signedIn={false}
        bridge={bridge}
        requestHostAccess={(o) => { requested.push(o); return Promise.resolve(true); }}
        onSignedIn={() => {}}
      />,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Agree and allow on partner shops' }));
    // Synchronously, still within the click: the browser refuses the request otherwise.
    expect(requested).toEqual([origins]);
    expect(await screen.findByText('Access to the partner shops is allowed.')).toBeTruthy();
    expect(consents).toEqual([true]);
    // The background registers the content script for the newly allowed shops.
    expect(registered).toBe(1);
  });

  it('offers to ask again when the browser denied access (German)', async () => {
    speak('de');
    render(<Onboarding origins={origins} consentGiven={false} signedIn={false} bridge={fakeBridge()} requestHostAccess={() => Promise.resolve(false)} onSignedIn={() => {}} />);
    fireEvent.click(screen.getByRole('button', { name: 'Zustimmen und für Partnershops erlauben' }));
    expect(await screen.findByRole('button', { name: 'Zugriff auf Partnershops erlauben' })).toBeTruthy();
  });

  it('records a refusal and lets the member sign in later', async () => {
    speak('en');
    const consents: boolean[] = [];
    render(
      <Onboarding
        origins={origins}
        consentGiven={false}
        signedIn={false}
        bridge={fakeBridge({ setConsent: (given) => { consents.push(given); return Promise.resolve({ ok: true }); } })}
        requestHostAccess={() => Promise.resolve(true)}
        onSignedIn={() => {}}
      />,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Not now' }));
    expect(await screen.findByText(/Nothing will be inspected/)).toBeTruthy();
    expect(consents).toEqual([false]);
    fireEvent.click(screen.getByRole('button', { name: 'Continue and sign in later' }));
    expect(screen.getByText(/purchases are kept on this device/)).toBeTruthy();
  });
});
