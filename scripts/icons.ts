/**
 * Renders the extension's icons from the one brand mark, assets/icon.svg:
 *
 *     npx tsx scripts/icons.ts
 *
 * writes public/icon/<size>.png (the icon on light toolbars, the stores and
 * the notifications) and public/icon/on-dark-<size>.png (Firefox's
 * `theme_icons` variant for dark toolbars), at 16, 32, 48, 96 and 128 px.
 * The PNGs are committed; run this again after changing the SVG.
 *
 * It renders with the Chromium the browser tests already use (Debian's
 * /usr/bin/chromium through playwright-core), so no image library joins the
 * dependencies: an SVG renderer from npm (sharp, @resvg/resvg-js) brings a
 * native binary per platform for a job done once per design change.
 * `--force-color-profile=srgb` keeps the colours exactly as written.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const ROOT = resolve(import.meta.dirname, '..');
const SOURCE = join(ROOT, 'assets/icon.svg');
const OUT_DIR = join(ROOT, 'public/icon');
export const ICON_SIZES = [16, 32, 48, 96, 128] as const;

/** The brand colours in the SVG, and their swap for dark toolbars: a light tile with dark dots. */
const BRAND = '#0f766e';
const DOTS = '#ffffff';
const ON_DARK = { [BRAND]: '#5eead4', [DOTS]: '#042f2e' } as const;

function onDark(svg: string): string {
  return svg.replace(/#0f766e|#ffffff/g, (colour) => ON_DARK[colour as keyof typeof ON_DARK]);
}

async function main(): Promise<void> {
  const svg = readFileSync(SOURCE, 'utf8');
  if (!svg.includes(BRAND) || !svg.includes(DOTS)) throw new Error(`${SOURCE} no longer uses ${BRAND} and ${DOTS}: update scripts/icons.ts`);
  mkdirSync(OUT_DIR, { recursive: true });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--force-color-profile=srgb', '--disable-background-networking', '--disable-component-update'],
  });
  try {
    for (const [prefix, source] of [['', svg], ['on-dark-', onDark(svg)]] as const) {
      const dataUrl = `data:image/svg+xml;base64,${Buffer.from(source).toString('base64')}`;
      for (const size of ICON_SIZES) {
        const page = await browser.newPage({ viewport: { width: size, height: size }, deviceScaleFactor: 1 });
        await page.setContent(`<!doctype html><html><body style="margin:0;background:transparent"><img src="${dataUrl}" width="${size}" height="${size}" style="display:block"></body></html>`);
        await page.locator('img').evaluate((img: HTMLImageElement) => img.decode());
        const png = await page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
        await page.close();
        const path = join(OUT_DIR, `${prefix}${size}.png`);
        writeFileSync(path, png);
        console.log(`${path.slice(ROOT.length + 1)}  ${png.length} B`);
      }
    }
  } finally {
    await browser.close();
  }
}

await main();
