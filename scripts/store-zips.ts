/**
 * Builds the store archives and checks them, as CI does before a release:
 *
 *     WXT_API_URL=https://api.sammelpunkt.example npx tsx scripts/store-zips.ts
 *
 * 1. `npm run zip` and `npm run zip:firefox`: the Chrome (and Edge) archive,
 *    the Firefox archive and the sources archive AMO asks for;
 * 2. the same again: every archive must come out byte for byte the same
 *    (WXT 0.21 writes its zips with sorted entries and no timestamps, so the
 *    bytes depend on the built files alone);
 * 3. the sources archive unpacked in a fresh folder builds the same Firefox
 *    archive, byte for byte (what an AMO reviewer does, in another path);
 * 4. each archive's manifest: the icons present in the archive, no demo id,
 *    the permissions exactly those docs/permissions.md documents, host access
 *    to the configured API alone (Firefox), the data-collection declaration;
 * 5. `web-ext lint` on the Firefox archive's contents: 0 errors, 0 warnings.
 *
 * Exits 1 on the first difference, naming it. Leaves the archives in .output/.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { apiHostPattern } from '../lib/ui/origins.ts';
import { apiTarget } from './vite/api-url.ts';

const ROOT = resolve(import.meta.dirname, '..');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const ARCHIVES = { chrome: `sammelpunkt-${VERSION}-chrome.zip`, firefox: `sammelpunkt-${VERSION}-firefox.zip`, sources: `sammelpunkt-${VERSION}-sources.zip` };
const ICON_SIZES = ['16', '32', '48', '96', '128'];

type Manifest = {
  manifest_version: number;
  key?: string;
  icons?: Record<string, string>;
  action?: { default_icon?: Record<string, string> };
  browser_action?: { default_icon?: Record<string, string> };
  permissions?: string[];
  optional_permissions?: string[];
  host_permissions?: string[];
  optional_host_permissions?: string[];
  browser_specific_settings?: { gecko?: { id?: string; data_collection_permissions?: { required?: string[]; optional?: string[] } } };
};

function fail(message: string): never {
  console.error(`store-zips: ${message}`);
  process.exit(1);
}

function run(cwd: string, script: string): void {
  execFileSync('npm', ['run', '-s', script], { cwd, stdio: ['ignore', 'ignore', 'inherit'], env: process.env });
}

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

function buildAll(cwd: string): Record<keyof typeof ARCHIVES, string> {
  run(cwd, 'zip');
  run(cwd, 'zip:firefox');
  const sums = Object.fromEntries(Object.entries(ARCHIVES).map(([k, name]) => [k, sha256(join(cwd, '.output', name))]));
  return sums as Record<keyof typeof ARCHIVES, string>;
}

function unzip(archive: string, into: string): void {
  execFileSync('unzip', ['-q', archive, '-d', into]);
}

/** The permissions docs/permissions.md lists in its table, by kind. */
function documentedPermissions(): { required: string[]; optional: string[] } {
  const doc = readFileSync(join(ROOT, 'docs/permissions.md'), 'utf8');
  const rows = [...doc.matchAll(/^\| `([^`]+)` \| (required|optional)/gm)];
  return {
    required: rows.filter((r) => r[2] === 'required').map((r) => r[1]!),
    optional: rows.filter((r) => r[2] === 'optional').map((r) => r[1]!),
  };
}

const same = (a: readonly string[], b: readonly string[]) => JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());

function checkManifest(dir: string, browser: 'chrome' | 'firefox', apiBaseUrl: string): void {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
  const where = `${browser} archive`;
  for (const size of ICON_SIZES) {
    const icon = manifest.icons?.[size];
    if (icon === undefined) fail(`${where}: no ${size} px icon in the manifest`);
    readFileSync(join(dir, icon)); // throws when the archive lacks the file
  }
  const action = manifest.action ?? manifest.browser_action;
  for (const icon of Object.values(action?.default_icon ?? {})) readFileSync(join(dir, icon));
  if (Object.keys(action?.default_icon ?? {}).length === 0) fail(`${where}: the toolbar button has no icon`);
  if (manifest.key !== undefined) fail(`${where}: carries the demo build's key; the store assigns the id`);

  const documented = documentedPermissions();
  const apiHost = apiHostPattern(apiBaseUrl);
  const all = [...(manifest.permissions ?? []), ...(manifest.host_permissions ?? [])];
  const hosts = all.filter((p) => p.includes('://'));
  const named = all.filter((p) => !p.includes('://'));
  if (!same(named, documented.required.filter((p) => !p.includes('://')))) fail(`${where}: permissions ${named.join(', ')} are not those docs/permissions.md documents (${documented.required.join(', ')})`);
  if (!same(hosts, browser === 'firefox' ? [apiHost] : [])) fail(`${where}: host access ${hosts.join(', ') || 'none'}; documented: ${browser === 'firefox' ? apiHost : 'none'}`);
  const optional = [...(manifest.optional_permissions ?? []), ...(manifest.optional_host_permissions ?? [])];
  if (!same(optional, documented.optional)) fail(`${where}: optional permissions ${optional.join(', ')}, documented ${documented.optional.join(', ')}`);
  if (browser === 'firefox') {
    const dataCollection = manifest.browser_specific_settings?.gecko?.data_collection_permissions;
    const declared = dataCollection?.required ?? [];
    if (declared.length === 0) fail(`${where}: no data_collection_permissions`);
    // The detection-health counters are sent only after the member opts in: never required.
    if (!same(dataCollection?.optional ?? [], ['technicalAndInteraction'])) fail(`${where}: optional data collection ${(dataCollection?.optional ?? []).join(', ') || 'none'}; documented: technicalAndInteraction`);
    const doc = readFileSync(join(ROOT, 'docs/permissions.md'), 'utf8');
    for (const kind of [...declared, ...(dataCollection?.optional ?? [])]) if (!doc.includes(`\`${kind}\``)) fail(`${where}: declares ${kind}, which docs/permissions.md does not explain`);
  }
  console.log(`store-zips: ${where}: icons, permissions and host access as documented`);
}

function main(): void {
  const api = apiTarget(process.env);
  if (!api.production) fail('set WXT_API_URL to the API the store build talks to');

  const first = buildAll(ROOT);
  const second = buildAll(ROOT);
  for (const key of Object.keys(ARCHIVES) as Array<keyof typeof ARCHIVES>) {
    if (first[key] !== second[key]) fail(`${ARCHIVES[key]} differs between two builds of the same sources (${first[key]} / ${second[key]})`);
    console.log(`store-zips: ${ARCHIVES[key]} reproducible, sha256 ${first[key]}`);
  }

  const work = mkdtempSync(join(tmpdir(), 'sammelpunkt-store-'));
  try {
    const sources = join(work, 'sources');
    unzip(join(ROOT, '.output', ARCHIVES.sources), sources);
    // The reviewer runs `npm ci`; the same lock file is already installed here.
    symlinkSync(join(ROOT, 'node_modules'), join(sources, 'node_modules'), 'dir');
    run(sources, 'zip:firefox');
    const rebuilt = sha256(join(sources, '.output', ARCHIVES.firefox));
    if (rebuilt !== first.firefox) fail(`the sources archive builds another Firefox archive (${rebuilt}, submitted ${first.firefox})`);
    console.log('store-zips: the sources archive, unpacked elsewhere, builds the same Firefox archive');

    for (const browser of ['chrome', 'firefox'] as const) {
      const dir = join(work, browser);
      unzip(join(ROOT, '.output', ARCHIVES[browser]), dir);
      checkManifest(dir, browser, api.baseUrl);
    }
    execFileSync('npx', ['web-ext', 'lint', '--source-dir', join(work, 'firefox'), '--self-hosted', '--warnings-as-errors'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    console.log('store-zips: web-ext lint on the Firefox archive: 0 errors, 0 warnings');
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main();
