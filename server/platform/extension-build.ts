/**
 * `npm start` with the demo on builds the extension when its Chrome build is
 * missing or older than its sources, so a newcomer can load it right away.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const SOURCES = ['entrypoints', 'components', 'lib', 'public', 'wxt.config.ts', 'package.json'];
export const CHROME_BUILD = '.output/chrome-mv3';

function newestMtimeMs(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtimeMs(join(path, entry)));
  return newest;
}

/** True when the Chrome build is missing or any source is newer than it. */
export function extensionBuildIsStale(root: string): boolean {
  const manifest = join(root, CHROME_BUILD, 'manifest.json');
  if (!existsSync(manifest)) return true;
  const builtAt = statSync(manifest).mtimeMs;
  return SOURCES.some((source) => newestMtimeMs(join(root, source)) > builtAt);
}

/** Builds the Chrome extension if it is stale; a failed build is reported, never fatal to the API. */
export function ensureExtensionBuilt(root: string, log: (line: string) => void): void {
  if (!extensionBuildIsStale(root)) return;
  log(`Building the extension into ${CHROME_BUILD} (its sources changed since the last build)…`);
  const result = spawnSync('npx', ['wxt', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (result.status !== 0) log('The extension build failed; the API starts anyway. Run `npm run build` to see why.');
}

export function loadInstructions(port: number): string[] {
  return [
    'Load the extension:',
    `  Chrome:  chrome://extensions → Developer mode → "Load unpacked" → ${CHROME_BUILD}`,
    '  Firefox: npm run build:firefox, then about:debugging#/runtime/this-firefox → "Load Temporary Add-on…" → .output/firefox-mv2/manifest.json',
    `  On the onboarding page agree, allow the partner shops, and sign up; the API base URL is http://localhost:${port} (options page).`,
  ];
}
