/**
 * The icon set the stores and the toolbar need: every size rendered from
 * assets/icon.svg (scripts/icons.ts), in the manifest of every target, and
 * the files really of the size they claim.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import config from '../../wxt.config.ts';

type Manifest = Record<string, unknown>;
type ManifestFn = (env: { browser: string; manifestVersion: 2 | 3; mode: string; command: string }) => Manifest;

const ROOT = join(import.meta.dirname, '../..');
const SIZES = [16, 32, 48, 96, 128];

/** Width and height from a PNG's IHDR chunk. */
function pngSize(path: string): { width: number; height: number } {
  const bytes = readFileSync(path);
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe('the icons', () => {
  it.each(SIZES)('%i px exists, light and dark toolbar variants, at its size', (size) => {
    for (const name of [`${size}.png`, `on-dark-${size}.png`]) {
      const path = join(ROOT, 'public/icon', name);
      expect(existsSync(path), name).toBe(true);
      expect(pngSize(path)).toEqual({ width: size, height: size });
    }
  });

  it.each([
    { browser: 'chrome', manifestVersion: 3, actionKey: 'action' },
    { browser: 'firefox', manifestVersion: 2, actionKey: 'browser_action' },
    { browser: 'firefox', manifestVersion: 3, actionKey: 'action' },
  ] as const)('are in the $browser MV$manifestVersion manifest and on the toolbar button', ({ browser, manifestVersion, actionKey }) => {
    const manifest = (config.manifest as ManifestFn)({ browser, manifestVersion, mode: 'production', command: 'build' });
    expect(Object.keys(manifest.icons as object).map(Number)).toEqual(SIZES);
    const action = manifest[actionKey] as { default_icon: Record<string, string>; theme_icons?: Array<{ light: string; dark: string; size: number }> };
    expect(Object.keys(action.default_icon)).toEqual(['16', '32']);
    const files = [...Object.values(manifest.icons as Record<string, string>), ...Object.values(action.default_icon), ...(action.theme_icons ?? []).flatMap((t) => [t.light, t.dark])];
    for (const file of files) expect(existsSync(join(ROOT, 'public', file)), file).toBe(true);
    // Firefox alone knows theme_icons; Chrome would warn about the key.
    if (browser === 'firefox') expect(action.theme_icons?.map((t) => t.size)).toEqual([16, 32]);
    else expect(action.theme_icons).toBeUndefined();
  });
});
