// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { Options, type OptionsProps, type SettingsPatch } from '../../components/Options.tsx';
import { fakeBridge, member, partners, speak } from './helpers.tsx';

afterEach(cleanup);

function renderOptions(overrides: Partial<OptionsProps> = {}) {
  const props: OptionsProps = {
    settings: { apiBaseUrl: 'http://localhost:8787', notifications: true, mutedShops: ['schuhhaus'], consent: { given: true, at: '2025-05-01T08:00:00Z' } },
    member,
    partners,
    bridge: fakeBridge(),
    onSaveSettings: () => Promise.resolve(),
    requestHostAccess: () => Promise.resolve(true),
    onExport: () => {},
    onChanged: () => {},
    ...overrides,
  };
  return render(<Options {...props} />);
}

describe('Options', () => {
  it('revokes consent at once', async () => {
    speak('en');
    const consents: boolean[] = [];
    let changed = 0;
    renderOptions({ bridge: fakeBridge({ setConsent: (g) => { consents.push(g); return Promise.resolve({ ok: true }); } }), onChanged: () => changed++ });
    expect(screen.getByText(/^Agreed on 1 May 2025/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Revoke consent' }));
    await new Promise((r) => setTimeout(r, 0));
    expect(consents).toEqual([false]);
    expect(changed).toBe(1);
  });

  it('changes notifications, unmutes a shop and refuses a bad API address', async () => {
    speak('en');
    const patches: SettingsPatch[] = [];
    renderOptions({ onSaveSettings: (p) => { patches.push(p); return Promise.resolve(); } });
    fireEvent.click(screen.getByRole('switch', { name: 'Notify me when a purchase is recorded' }));
    fireEvent.click(screen.getByRole('button', { name: 'Show the reminder again on Schuhhaus Beispiel' }));
    fireEvent.input(screen.getByLabelText('API base URL'), { target: { value: 'ftp://nope' } });
    fireEvent.submit(screen.getByLabelText('API base URL').closest('form')!);
    expect((await screen.findByRole('alert')).textContent).toBe('Please enter an http or https address.');
    fireEvent.input(screen.getByLabelText('API base URL'), { target: { value: 'https://api.sammelpunkt.example/' } });
    fireEvent.submit(screen.getByLabelText('API base URL').closest('form')!);
    expect(await screen.findByText('Saved.')).toBeTruthy();
    expect(patches).toEqual([{ notifications: false }, { mutedShops: [] }, { apiBaseUrl: 'https://api.sammelpunkt.example' }]);
  });

  it('in Firefox, asks for access to a new API address inside the click on Save, and not when it is unchanged', async () => {
    speak('en');
    const asked: string[] = [];
    renderOptions({ requestApiAccess: (url) => { asked.push(url); return Promise.resolve(true); } });
    const form = screen.getByLabelText('API base URL').closest('form')!;
    fireEvent.submit(form);
    expect(await screen.findByText('Saved.')).toBeTruthy();
    expect(asked).toEqual([]);
    fireEvent.input(screen.getByLabelText('API base URL'), { target: { value: 'https://api.sammelpunkt.example/' } });
    fireEvent.submit(form);
    expect(asked).toEqual(['https://api.sammelpunkt.example']);
  });

  it('switches the in-page reminder off for all shops, and on again (German)', () => {
    speak('de');
    const patches: SettingsPatch[] = [];
    renderOptions({ onSaveSettings: (p) => { patches.push(p); return Promise.resolve(); } });
    const reminders = screen.getByRole('switch', { name: 'Kurzen Hinweis in Partnershops zeigen (höchstens einmal am Tag je Shop)' }) as HTMLInputElement;
    expect(reminders.checked).toBe(true);
    fireEvent.click(reminders);
    cleanup();
    renderOptions({
      settings: { apiBaseUrl: 'http://localhost:8787', notifications: true, mutedShops: [], reminders: false },
      onSaveSettings: (p) => { patches.push(p); return Promise.resolve(); },
    });
    fireEvent.click(screen.getByRole('switch', { name: /Kurzen Hinweis/ }));
    expect(patches).toEqual([{ reminders: false }, { reminders: true }]);
  });

  it('shows detection reports off by default, says what they send, and turning the switch on saves it (Chrome: no permission to ask for)', async () => {
    speak('en');
    const patches: SettingsPatch[] = [];
    renderOptions({ onSaveSettings: (p) => { patches.push(p); return Promise.resolve(); } });
    const reports = screen.getByRole('switch', { name: 'Help improve order detection' }) as HTMLInputElement;
    expect(reports.checked).toBe(false);
    // The sentence that says what is sent is the switch's description, read out with it.
    const described = document.getElementById(reports.getAttribute('aria-describedby')!)!.textContent;
    expect(described).toMatch(/for each partner shop and day how many order confirmations were recognised only with your help, asked about or missed, and the version of its detector/);
    expect(described).toMatch(/no page, no order and nothing that identifies you or this installation/);
    fireEvent.click(reports);
    await new Promise((r) => setTimeout(r, 0));
    expect(patches).toEqual([{ detectionReports: true }]);
  });

  it('in Firefox, asks for technical data inside the click; refused, the switch stays off and nothing is saved', async () => {
    speak('en');
    const patches: SettingsPatch[] = [];
    let asked = 0;
    renderOptions({
      onSaveSettings: (p) => { patches.push(p); return Promise.resolve(); },
      technicalDataPermission: { request: () => { asked++; return Promise.resolve(false); }, remove: () => Promise.resolve(true) },
    });
    const reports = screen.getByRole('switch', { name: 'Help improve order detection' }) as HTMLInputElement;
    fireEvent.click(reports);
    // Asked before the handler awaited anything: the browser still counts it as the member's gesture.
    expect(asked).toBe(1);
    expect(await screen.findByText('The browser did not allow it, so nothing is sent.')).toBeTruthy();
    expect(reports.checked).toBe(false);
    expect(patches).toEqual([]);
  });

  it('in Firefox, granted: saves it on; turning it off gives the permission back and saves it off (German)', async () => {
    speak('de');
    const patches: SettingsPatch[] = [];
    const calls: string[] = [];
    const permission = {
      request: () => { calls.push('request'); return Promise.resolve(true); },
      remove: () => { calls.push('remove'); return Promise.resolve(true); },
    };
    const save = (p: SettingsPatch) => { patches.push(p); return Promise.resolve(); };
    renderOptions({ onSaveSettings: save, technicalDataPermission: permission });
    fireEvent.click(screen.getByRole('switch', { name: 'Helfen, die Bestellerkennung zu verbessern' }));
    await new Promise((r) => setTimeout(r, 0));
    cleanup();
    renderOptions({
      settings: { apiBaseUrl: 'http://localhost:8787', notifications: true, mutedShops: [], detectionReports: true },
      onSaveSettings: save,
      technicalDataPermission: permission,
    });
    const reports = screen.getByRole('switch', { name: 'Helfen, die Bestellerkennung zu verbessern' }) as HTMLInputElement;
    expect(reports.checked).toBe(true);
    fireEvent.click(reports);
    await new Promise((r) => setTimeout(r, 0));
    expect(calls).toEqual(['request', 'remove']);
    expect(patches).toEqual([{ detectionReports: true }, { detectionReports: false }]);
  });

  it('signs out, exports and deletes local data after confirmation (German)', async () => {
    speak('de');
    let exported = 0;
    let deleted = 0;
    let signedOut = 0;
    renderOptions({
      onExport: () => exported++,
      bridge: fakeBridge({
        deleteLocalData: () => { deleted++; return Promise.resolve({ ok: true }); },
        signOut: () => { signedOut++; return Promise.resolve({ ok: true }); },
      }),
    });
    expect(screen.getByText('Angemeldet als anna@example.org')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Abmelden' }));
    fireEvent.click(screen.getByRole('button', { name: 'Lokale Daten exportieren' }));
    fireEvent.click(screen.getByRole('button', { name: 'Alle lokalen Daten löschen' }));
    expect(deleted).toBe(0);
    fireEvent.click(screen.getByRole('button', { name: 'Ja, löschen' }));
    expect(await screen.findByText('Alle lokalen Daten wurden gelöscht.')).toBeTruthy();
    expect([signedOut, exported, deleted]).toEqual([1, 1, 1]);
  });

  it('has personal suggestions on by default, says they stay on the device, and switches them off', async () => {
    speak('en');
    const patches: SettingsPatch[] = [];
    renderOptions({ onSaveSettings: (p) => { patches.push(p); return Promise.resolve(); } });
    const suggestions = screen.getByRole('switch', { name: 'Order offers by what I buy, and suggest partners' }) as HTMLInputElement;
    expect(suggestions.checked).toBe(true);
    expect(document.getElementById(suggestions.getAttribute('aria-describedby')!)!.textContent).toBe('Computed on this device from your receipts; nothing about it is sent.');
    fireEvent.click(suggestions);
    fireEvent.click(screen.getByRole('switch', { name: /^After a purchase, suggest one more partner/ }));
    await new Promise((r) => setTimeout(r, 0));
    expect(patches).toEqual([{ personalSuggestions: false }, { inpageSuggestions: false }]);
  });

  it('greys out the in-page suggestion while personal suggestions are off (German)', () => {
    speak('de');
    renderOptions({ settings: { apiBaseUrl: 'http://localhost:8787', notifications: true, mutedShops: [], personalSuggestions: false } });
    expect(screen.getByRole('heading', { name: 'Persönliche Vorschläge' })).toBeTruthy();
    expect((screen.getByRole('switch', { name: 'Angebote nach meinen Einkäufen ordnen und Partner vorschlagen' }) as HTMLInputElement).checked).toBe(false);
    const inpage = screen.getByRole('switch', { name: /^Nach einem Einkauf/ }) as HTMLInputElement;
    expect(inpage.checked).toBe(false);
    expect(inpage.disabled).toBe(true);
    expect(screen.getByText('Wird auf diesem Gerät aus Ihren Belegen berechnet; davon wird nichts gesendet.')).toBeTruthy();
  });
});
