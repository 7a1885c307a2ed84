/**
 * Before the end-to-end tests: build the extension for Chrome and Firefox when
 * a build is missing or older than its sources, then copy each build to
 * test-results/e2e/extension/, so the browsers load a fixed copy even if
 * someone rebuilds `.output/` while the tests run.
 *
 * One test-only change is made to each copy's manifest: the demo partners'
 * origins are listed as granted host permissions (`host_permissions` in
 * Chrome MV3, `permissions` in Firefox MV2). It stands in for the member's
 * click on "Allow" in the browser's permission prompt, which is browser UI
 * that automation cannot reach (headless Chromium denies the request). The
 * onboarding page still asks for exactly these origins and must see them
 * granted; nothing beyond the partner shops is granted, so the API origin
 * and every other host stay as the real build has them.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_API_BASE_URL } from '../../lib/db/schema.ts';
import { apiHostPattern } from '../../lib/ui/origins.ts';
import { DEMO_PARTNERS } from '../../server/catalog/seed.ts';
import { EXTENSION_DIRS, ROOT } from './harness.ts';

const SOURCES = ['entrypoints', 'components', 'lib', 'public', 'scripts/vite', 'wxt.config.ts', 'package.json', 'package-lock.json'];

const BUILDS = [
  { output: '.output/chrome-mv3', script: 'build', copy: EXTENSION_DIRS.chrome },
  { output: '.output/firefox-mv2', script: 'build:firefox', copy: EXTENSION_DIRS.firefox },
] as const;

/** The newest modification time under `path` (a file or a directory tree), 0 when absent. */
function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

export default function setup(): void {
  const sourcesChanged = Math.max(...SOURCES.map((s) => newestMtime(join(ROOT, s))));
  for (const build of BUILDS) {
    // Someone else may be building into .output at the same moment (wxt empties the
    // folder first): build again until a complete build could be copied.
    for (let attempt = 1; ; attempt++) {
      const manifest = join(ROOT, build.output, 'manifest.json');
      const builtAt = existsSync(manifest) ? statSync(manifest).mtimeMs : 0;
      // A store build (`npm run zip` with WXT_API_URL) talks to another API: build for the demo one.
      if (builtAt < sourcesChanged || attempt > 1 || !builtForDemoApi(manifest)) {
        console.log(`e2e: building ${build.output} (npm run ${build.script})`);
        execFileSync('npm', ['run', '-s', build.script], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
      }
      rmSync(build.copy, { recursive: true, force: true });
      mkdirSync(build.copy, { recursive: true });
      cpSync(join(ROOT, build.output), build.copy, { recursive: true });
      const missing = missingFiles(build.copy);
      if (missing.length === 0) break;
      if (attempt === 3) throw new Error(`e2e: the build in ${build.output} lacks ${missing.join(', ')}`);
    }
  }
  grantForTests(EXTENSION_DIRS.chrome, 'host_permissions', demoPartnerOrigins());
  grantForTests(EXTENSION_DIRS.firefox, 'permissions', demoPartnerOrigins());
}

/** The files the manifest names (and the content script the background registers) that are not in `dir`. */
function missingFiles(dir: string): string[] {
  const path = join(dir, 'manifest.json');
  if (!existsSync(path)) return ['manifest.json'];
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as {
    background?: { service_worker?: string; scripts?: string[] };
    action?: { default_popup?: string };
    browser_action?: { default_popup?: string };
    options_ui?: { page?: string };
  };
  const wanted = [
    manifest.background?.service_worker,
    ...(manifest.background?.scripts ?? []),
    manifest.action?.default_popup ?? manifest.browser_action?.default_popup,
    manifest.options_ui?.page,
    'onboarding.html',
    'detector.js',
  ].filter((f): f is string => f !== undefined);
  return wanted.filter((f) => !existsSync(join(dir, f)));
}

/** A development build: Chrome's carries the demo id, Firefox's host access to the demo API. */
function builtForDemoApi(manifestPath: string): boolean {
  if (!existsSync(manifestPath)) return false;
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { key?: string; permissions?: string[]; host_permissions?: string[] };
  if (manifestPath.includes('chrome')) return manifest.key !== undefined;
  return [...(manifest.permissions ?? []), ...(manifest.host_permissions ?? [])].includes(apiHostPattern(DEMO_API_BASE_URL));
}

/** What the onboarding page asks for: each partner domain and its subdomains, any scheme. */
function demoPartnerOrigins(): string[] {
  return DEMO_PARTNERS.flatMap((p) => p.domains.flatMap((d) => [`*://${d}/*`, `*://*.${d}/*`]));
}

function grantForTests(dir: string, key: 'host_permissions' | 'permissions', origins: string[]): void {
  const path = join(dir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  const present = Array.isArray(manifest[key]) ? (manifest[key] as string[]) : [];
  manifest[key] = [...new Set([...present, ...origins])];
  writeFileSync(path, JSON.stringify(manifest, null, 2));
}
