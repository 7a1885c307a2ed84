/** Headless Chromium as TOOLCHAIN.md launches it, or the reason it cannot be used here. */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const BASE_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function chromiumMissing(): string | null {
  return existsSync(CHROMIUM_PATH) ? null : `no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`;
}

export interface Launched {
  context: BrowserContext;
  close(): Promise<void>;
}

/** A fresh profile every time; with `extensionDir`, the built extension loaded into it. */
export async function launchChromium(opts: { extensionDir?: string; extraArgs?: string[] } = {}): Promise<Launched> {
  const profile = mkdtempSync(join(tmpdir(), 'sammelpunkt-bench-'));
  const args = [...BASE_ARGS, ...(opts.extraArgs ?? [])];
  if (opts.extensionDir) args.push(`--disable-extensions-except=${opts.extensionDir}`, `--load-extension=${opts.extensionDir}`);
  else args.push('--disable-extensions');
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, headless: false, args });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
