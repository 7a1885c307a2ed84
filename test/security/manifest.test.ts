/**
 * SECURITY.md's claims about the manifest: what the extension may touch, and
 * what a web page may reach. Checked on the configuration for every target,
 * and on the built manifests in .output/ when a build is there.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
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

function expectLocked(manifest: Manifest): void {
  const permissions = (manifest.permissions ?? []) as string[];
  expect(permissions.sort()).toEqual(['activeTab', 'alarms', 'notifications', 'scripting']);
  for (const p of FORBIDDEN_PERMISSIONS) expect(permissions).not.toContain(p);
  // Host access is only ever optional, asked for per partner domain at run time.
  expect(manifest.host_permissions).toBeUndefined();
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
  it.each(TARGETS)('as configured for $browser MV$manifestVersion asks for little and exposes nothing', (target) => {
    const manifest = (config.manifest as ManifestFn)({ ...target, mode: 'production', command: 'build' });
    expectLocked(manifest);
  });

  it('registers the content script at run time, with no static matches', () => {
    const content = readFileSync(join(ROOT, 'entrypoints/content.ts'), 'utf8');
    expect(content).toMatch(/registration:\s*'runtime'/);
    expect(content).toMatch(/matches:\s*\[\]/);
  });

  it.skipIf(BUILT.length === 0)('as built in .output/ (%s) asks for little and exposes nothing', () => {
    for (const path of BUILT) expectLocked(JSON.parse(readFileSync(path, 'utf8')) as Manifest);
  });
});
