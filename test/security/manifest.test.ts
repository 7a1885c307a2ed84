/**
 * SECURITY.md's claims about the manifest: what the extension may touch, and
 * what a web page may reach. Checked on the configuration for every target,
 * and on the built manifests in .output/ when a build is there.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEMO_API_BASE_URL } from '../../lib/db/schema.ts';
import { apiHostPattern } from '../../lib/ui/origins.ts';
import config from '../../wxt.config.ts';

type Manifest = Record<string, unknown>;
type ManifestFn = (env: { browser: string; manifestVersion: 2 | 3; mode: string; command: string }) => Manifest;

const ROOT = join(import.meta.dirname, '../..');
const TARGETS = [
  { browser: 'chrome', manifestVersion: 3 },
  { browser: 'firefox', manifestVersion: 2 },
  { browser: 'firefox', manifestVersion: 3 },
] as const;
const BUILT = ['chrome-mv3', 'firefox-mv2', 'firefox-mv3'].map((dir) => join(ROOT, '.output', dir, 'manifest.json')).filter((p) => existsSync(p));

const FORBIDDEN_PERMISSIONS = ['tabs', 'history', 'webNavigation', '<all_urls>', 'cookies', 'webRequest', 'webRequestBlocking', 'storage', 'unlimitedStorage', 'debugger', 'management', 'nativeMessaging', 'clipboardRead', 'downloads', 'bookmarks'];

/**
 * Firefox alone holds host access to the API origin: its random per-installation
 * origin gets no CORS answer from the API (docs/permissions.md). MV2 lists it
 * among `permissions`. A development build's API is the demo server; a store
 * build's is WXT_API_URL (scripts/store-zips.ts checks those archives).
 */
const DEMO_API_HOST = apiHostPattern(DEMO_API_BASE_URL);

/** The one host a built Firefox manifest may name: the API's, a single concrete host. */
function builtApiHost(manifest: Manifest): string {
  const hosts = [...((manifest.permissions ?? []) as string[]), ...((manifest.host_permissions ?? []) as string[])].filter((p) => p.includes('://'));
  expect(hosts).toHaveLength(1);
  expect(hosts[0]).toMatch(/^https?:\/\/[^*/]+\/\*$/);
  return hosts[0]!;
}

function expectLocked(manifest: Manifest, browser: 'chrome' | 'firefox', manifestVersion: 2 | 3, apiHost = DEMO_API_HOST): void {
  const permissions = (manifest.permissions ?? []) as string[];
  const apiInPermissions = browser === 'firefox' && manifestVersion === 2 ? [apiHost] : [];
  expect(permissions.sort()).toEqual(['activeTab', 'alarms', 'notifications', 'scripting', ...apiInPermissions].sort());
  for (const p of FORBIDDEN_PERMISSIONS) expect(permissions).not.toContain(p);
  // Partner hosts are only ever optional, asked for per partner domain at run time.
  if (browser === 'firefox' && manifestVersion === 3) expect(manifest.host_permissions).toEqual([apiHost]);
  else expect(manifest.host_permissions).toBeUndefined();
  expect(JSON.stringify(manifest)).not.toContain('<all_urls>');
  // No page can reach into the extension: nothing web-accessible, no external messaging.
  expect(manifest.web_accessible_resources).toBeUndefined();
  expect(manifest.externally_connectable).toBeUndefined();
  // No content script in the manifest: it is registered at run time for granted partner domains only.
  expect(manifest.content_scripts).toBeUndefined();
  // The default CSP of extension pages stands (no remote code, no eval).
  expect(manifest.content_security_policy).toBeUndefined();
}

describe('.security: the manifest', () => {
  // A development build, whatever the shell of whoever runs the tests says.
  beforeEach(() => vi.stubEnv('WXT_API_URL', ''));
  afterEach(() => vi.unstubAllEnvs());

  it.each(TARGETS)('as configured for $browser MV$manifestVersion asks for little and exposes nothing', (target) => {
    const manifest = (config.manifest as ManifestFn)({ ...target, mode: 'production', command: 'build' });
    // WXT moves MV2's host_permissions into permissions when it builds; the configuration still names them apart.
    const configured = target.manifestVersion === 2 && Array.isArray(manifest.host_permissions)
      ? { ...manifest, permissions: [...((manifest.permissions ?? []) as string[]), ...(manifest.host_permissions as string[])], host_permissions: undefined }
      : manifest;
    expectLocked(configured, target.browser, target.manifestVersion);
  });

  it.each(TARGETS)('a store build for $browser MV$manifestVersion names its API alone and carries no demo id', (target) => {
    vi.stubEnv('WXT_API_URL', 'https://api.sammelpunkt.example/');
    const manifest = (config.manifest as ManifestFn)({ ...target, mode: 'production', command: 'build' });
    expect(manifest.key).toBeUndefined();
    const hosts = [...((manifest.permissions ?? []) as string[]), ...((manifest.host_permissions ?? []) as string[])].filter((p) => p.includes('://'));
    expect(hosts).toEqual(target.browser === 'firefox' ? ['https://api.sammelpunkt.example/*'] : []);
  });

  it('the detector is no manifest content script: an unlisted script, registered at run time', () => {
    expect(existsSync(join(ROOT, 'entrypoints/content.ts'))).toBe(false);
    const detector = readFileSync(join(ROOT, 'entrypoints/detector.ts'), 'utf8');
    expect(detector).toMatch(/defineUnlistedScript\(/);
  });

  it.skipIf(BUILT.length === 0)('as built in .output/ (%s) asks for little and exposes nothing', () => {
    for (const path of BUILT) {
      const built = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
      const browser = path.includes('firefox') ? 'firefox' : 'chrome';
      expectLocked(built, browser, built.manifest_version === 2 ? 2 : 3, browser === 'firefox' ? builtApiHost(built) : DEMO_API_HOST);
    }
  });
});
