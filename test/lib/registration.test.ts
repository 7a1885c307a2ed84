import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import {
  CONTENT_SCRIPT_ID,
  LEGACY_GA4_SCRIPT_ID,
  hostPermissionOrigins,
  originsForDomain,
  syncRegistration,
  type ContentScriptRegistration,
  type PermissionsLike,
  type ScriptingLike,
} from '../../lib/registration.ts';
import { buchladen, schuhhaus } from './support.ts';

/**
 * fakeBrowser does not implement `scripting` or `permissions`; these fakes
 * behave like Chrome's: unregistering an unknown id or registering a taken
 * one throws.
 */
function fakeScripting() {
  const registered = new Map<string, ContentScriptRegistration>();
  const calls: string[] = [];
  const scripting: ScriptingLike = {
    async registerContentScripts(scripts) {
      for (const script of scripts) {
        if (registered.has(script.id)) throw new Error(`Duplicate script ID '${script.id}'`);
      }
      // Like Chrome, report file paths without their leading slash.
      for (const script of scripts) registered.set(script.id, { ...structuredClone(script), js: script.js?.map((f) => f.replace(/^\//, '')) });
      calls.push(`register ${scripts.map((s) => s.id).join(',')}`);
    },
    async unregisterContentScripts(filter) {
      const ids = filter?.ids ?? [...registered.keys()];
      for (const id of ids) if (!registered.has(id)) throw new Error(`Nonexistent script ID '${id}'`);
      for (const id of ids) registered.delete(id);
      calls.push(`unregister ${ids.join(',')}`);
    },
    async getRegisteredContentScripts(filter) {
      return [...registered.values()].filter((s) => filter?.ids === undefined || filter.ids.includes(s.id)).map((s) => structuredClone(s));
    },
  };
  return { scripting, registered, calls };
}

function grantedFor(domains: string[]): PermissionsLike {
  const granted = new Set(domains.flatMap(originsForDomain));
  return { contains: async ({ origins }) => origins.every((o) => granted.has(o)) };
}

const allGranted = grantedFor(['schuhhaus-example.de', 'schuhhaus-example.at', 'buchladen.example']);

beforeEach(() => fakeBrowser.reset());

describe('registration: what must happen', () => {
  it('registers the detector alone, for exactly the catalogue’s domains, and nothing in the page’s own world', async () => {
    const { scripting, registered } = fakeScripting();
    const result = await syncRegistration({ scripting, permissions: allGranted, partners: [schuhhaus, buchladen], consentGiven: true });
    expect(result).toEqual({ domains: ['buchladen.example', 'schuhhaus-example.at', 'schuhhaus-example.de'], changed: true });
    expect([...registered.keys()]).toEqual([CONTENT_SCRIPT_ID]);
    const content = registered.get(CONTENT_SCRIPT_ID);
    expect(content?.matches).toEqual([
      '*://*.buchladen.example/*',
      '*://*.schuhhaus-example.at/*',
      '*://*.schuhhaus-example.de/*',
      '*://buchladen.example/*',
      '*://schuhhaus-example.at/*',
      '*://schuhhaus-example.de/*',
    ]);
    expect(content).toMatchObject({ js: ['detector.js'], runAt: 'document_idle', allFrames: false });
    expect(content?.world).toBeUndefined();
  });

  it('changes nothing when called again with the same catalogue', async () => {
    const { scripting, calls } = fakeScripting();
    await syncRegistration({ scripting, permissions: allGranted, partners: [schuhhaus, buchladen], consentGiven: true });
    const again = await syncRegistration({ scripting, permissions: allGranted, partners: [buchladen, schuhhaus], consentGiven: true });
    expect(again.changed).toBe(false);
    expect(calls).toEqual([`register ${CONTENT_SCRIPT_ID}`]);
  });

  it('re-registers under the same ids when the catalogue changes', async () => {
    const { scripting, registered } = fakeScripting();
    await syncRegistration({ scripting, permissions: allGranted, partners: [schuhhaus], consentGiven: true });
    const result = await syncRegistration({ scripting, permissions: allGranted, partners: [buchladen], consentGiven: true });
    expect(result).toMatchObject({ domains: ['buchladen.example'], changed: true });
    expect([...registered.keys()]).toEqual([CONTENT_SCRIPT_ID]);
    expect(registered.get(CONTENT_SCRIPT_ID)?.matches).toEqual(['*://*.buchladen.example/*', '*://buchladen.example/*']);
  });

  it('removes the MAIN-world GA4 reader an earlier version registered (registrations outlive updates)', async () => {
    const { scripting, registered } = fakeScripting();
    await scripting.registerContentScripts([
      { id: CONTENT_SCRIPT_ID, matches: ['*://*.schuhhaus-example.de/*', '*://schuhhaus-example.de/*'], js: ['/detector.js'], runAt: 'document_idle' },
      { id: LEGACY_GA4_SCRIPT_ID, matches: ['*://schuhhaus-example.de/*'], js: ['/ga4-main.js'], world: 'MAIN' },
    ]);
    const result = await syncRegistration({ scripting, permissions: grantedFor(['schuhhaus-example.de']), partners: [{ domains: ['schuhhaus-example.de'] }], consentGiven: true });
    expect(result.changed).toBe(true);
    expect([...registered.keys()]).toEqual([CONTENT_SCRIPT_ID]);
  });

  it('lists the origins the onboarding page asks for', () => {
    expect(hostPermissionOrigins([schuhhaus, { domains: ['Schuhhaus-Example.de.'] }])).toEqual([
      '*://schuhhaus-example.at/*',
      '*://*.schuhhaus-example.at/*',
      '*://schuhhaus-example.de/*',
      '*://*.schuhhaus-example.de/*',
    ]);
  });
});

describe('registration: what must not happen', () => {
  it('registers nothing before consent is recorded', async () => {
    const { scripting, registered, calls } = fakeScripting();
    const result = await syncRegistration({ scripting, permissions: allGranted, partners: [schuhhaus], consentGiven: false });
    expect(result).toEqual({ domains: [], changed: false });
    expect(registered.size).toBe(0);
    expect(calls).toEqual([]);
  });

  it('unregisters everything when consent is revoked', async () => {
    const { scripting, registered } = fakeScripting();
    await syncRegistration({ scripting, permissions: allGranted, partners: [schuhhaus], consentGiven: true });
    const result = await syncRegistration({ scripting, permissions: allGranted, partners: [schuhhaus], consentGiven: false });
    expect(result).toMatchObject({ domains: [], changed: true });
    expect(registered.size).toBe(0);
  });

  it('skips partner domains without granted host access', async () => {
    const { scripting, registered } = fakeScripting();
    const result = await syncRegistration({ scripting, permissions: grantedFor(['buchladen.example']), partners: [schuhhaus, buchladen], consentGiven: true });
    expect(result.domains).toEqual(['buchladen.example']);
    expect(registered.get(CONTENT_SCRIPT_ID)?.matches?.some((m) => m.includes('schuhhaus'))).toBe(false);
  });

  it('registers nothing with an empty catalogue or no host access at all', async () => {
    const { scripting, registered } = fakeScripting();
    await syncRegistration({ scripting, permissions: grantedFor([]), partners: [schuhhaus], consentGiven: true });
    await syncRegistration({ scripting, permissions: allGranted, partners: [], consentGiven: true });
    expect(registered.size).toBe(0);
  });

  it('leaves other scripts alone', async () => {
    const { scripting, registered } = fakeScripting();
    await scripting.registerContentScripts([{ id: 'someone-else', matches: ['*://*.example/*'], js: ['/x.js'] }]);
    await syncRegistration({ scripting, permissions: allGranted, partners: [schuhhaus], consentGiven: true });
    await syncRegistration({ scripting, permissions: allGranted, partners: [schuhhaus], consentGiven: false });
    expect([...registered.keys()]).toEqual(['someone-else']);
  });
});
