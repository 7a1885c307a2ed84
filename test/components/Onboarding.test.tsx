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
    render(<Onboarding origins={origins} consentGiven={false} signedIn={false} bridge={fakeBridge()} requestHostAccess={() => Promise.resolve(true)} loadOrigins={() => Promise.resolve(origins)} onSignedIn={() => {}} />);
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
        loadOrigins={() => Promise.resolve(origins)}
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

  it('on a fresh install, stores the consent first (the catalogue comes only then) and asks for the shops it lists', async () => {
    speak('en');
    const events: string[] = [];
    let stored: string[] = [];
    const bridge = fakeBridge({
      setConsent: (given) => {
        events.push(`consent ${given}`);
        // The background fetches the catalogue when the member agrees.
        stored = origins;
        return Promise.resolve({ ok: true });
      },
      permissionsChanged: () => { events.push('registered'); return Promise.resolve({ ok: true }); },
    });
    render(
      <Onboarding
        origins={[]}
        consentGiven={false}
        signedIn={false}
        bridge={bridge}
        requestHostAccess={(o) => { events.push(`asked ${o.length}`); return Promise.resolve(true); }}
        loadOrigins={() => { events.push(`loaded ${stored.length}`); return Promise.resolve(stored); }}
        onSignedIn={() => {}}
      />,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Agree and allow on partner shops' }));
    expect(await screen.findByText('Access to the partner shops is allowed.')).toBeTruthy();
    expect(events).toEqual(['consent true', 'loaded 2', 'asked 2', 'registered']);
  });

  it('when the browser wants a fresh click for host access (Firefox), asks for one more step and then allows', async () => {
    speak('en');
    let clicks = 0;
    render(
      <Onboarding
        origins={[]}
        consentGiven={false}
        signedIn={false}
        bridge={fakeBridge()}
        requestHostAccess={() => (++clicks === 1 ? Promise.reject(new Error('permissions.request may only be called from a user input handler')) : Promise.resolve(true))}
        loadOrigins={() => Promise.resolve(origins)}
        onSignedIn={() => {}}
      />,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Agree and allow on partner shops' }));
    expect(await screen.findByText(/One more step: allow access to the partner shops/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Allow access to partner shops' }));
    expect(await screen.findByText('Access to the partner shops is allowed.')).toBeTruthy();
  });

  it('offers to ask again when the browser denied access (German)', async () => {
    speak('de');
    render(<Onboarding origins={origins} consentGiven={false} signedIn={false} bridge={fakeBridge()} requestHostAccess={() => Promise.resolve(false)} loadOrigins={() => Promise.resolve(origins)} onSignedIn={() => {}} />);
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
        loadOrigins={() => Promise.resolve(origins)}
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
