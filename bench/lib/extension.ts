/**
 * The built extension in headless Chromium as the benchmarks that drive it
 * need it: a fresh build, a copy whose manifest grants the demo partners'
 * origins, consent given on its own onboarding page, and a member signed in
 * through the same message the popup sends. Shared by `overhead`, `popup`,
 * `record` and `sync`.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { DEMO_PARTNERS } from '../../server/catalog/seed.ts';
import { launchChromium, type Launched } from './chromium.ts';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const EXTENSION_DIR = join(ROOT, '.output', 'chrome-mv3');

/**
 * A static page written into the benchmark's copy of the build (never into
 * the product): an extension page on which none of our scripts run. It is
 * the ceiling for the popup's paint (its `.balance-number` is what the paint
 * probe waits for) and the place from which benchmarks read IndexedDB and
 * send the popup's messages.
 */
export const BLANK_PAGE = 'bench-blank.html';
const BLANK_HTML =
  '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>bench</title></head>' +
  '<body><p><span class="balance-number">1,234</span> points available</p></body></html>\n';

/** `npm run build` into .output/chrome-mv3, unless BENCH_NO_BUILD=1 and a build exists; says which. */
export function buildExtension(): string {
  if (process.env.BENCH_NO_BUILD === '1' && existsSync(join(EXTENSION_DIR, 'manifest.json'))) {
    return `measured the existing build (BENCH_NO_BUILD=1), built ${statSync(join(EXTENSION_DIR, 'manifest.json')).mtime.toISOString()}`;
  }
  execFileSync('npm', ['run', '-s', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  return 'built with npm run build for this run';
}

export function extensionBuildMissing(): string | null {
  return existsSync(join(EXTENSION_DIR, 'manifest.json')) ? null : `no built extension in ${EXTENSION_DIR} (npm run build)`;
}

/**
 * A copy of the build whose manifest lists the demo partners' origins (and
 * the local API's) as granted host permissions. It stands in for the
 * member's click on "Allow" in the browser's permission prompt, which
 * headless Chromium denies; the end-to-end tests do the same. Nothing
 * outside the demo partners and localhost is granted, so a page outside the
 * catalogue is exactly as reachable as in the real build. The copy also
 * gets BLANK_PAGE; the product's own files are left as built.
 */
export function grantedCopy(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'sammelpunkt-bench-ext-'));
  cpSync(EXTENSION_DIR, dir, { recursive: true });
  const path = join(dir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  const present = Array.isArray(manifest.host_permissions) ? (manifest.host_permissions as string[]) : [];
  const partners = DEMO_PARTNERS.flatMap((p) => p.domains.flatMap((d) => [`*://${d}/*`, `*://*.${d}/*`]));
  manifest.host_permissions = [...new Set([...present, ...partners, 'http://localhost/*'])];
  writeFileSync(path, JSON.stringify(manifest, null, 2));
  writeFileSync(join(dir, BLANK_PAGE), BLANK_HTML);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function extensionId(context: BrowserContext): Promise<string> {
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 15_000 }));
  return new URL(worker.url()).host;
}

/** Consent and host access on the onboarding page, with the API base URL set first in the options. */
export async function giveConsent(context: BrowserContext, id: string, apiBaseUrl: string): Promise<void> {
  const options = await context.newPage();
  await options.goto(`chrome-extension://${id}/options.html`);
  await options.getByLabel('API base URL').fill(apiBaseUrl);
  await options.getByRole('button', { name: 'Save' }).click();
  await options.getByText('Saved.').waitFor({ timeout: 10_000 });
  await options.close();
  const onboardingUrl = `chrome-extension://${id}/onboarding.html`;
  const onboarding = context.pages().find((p) => p.url().startsWith(onboardingUrl)) ?? (await context.newPage());
  if (!onboarding.url().startsWith(onboardingUrl)) await onboarding.goto(onboardingUrl);
  await onboarding.bringToFront();
  await onboarding.getByRole('button', { name: 'Agree and allow on partner shops' }).click();
  const granted = onboarding.getByText('Access to the partner shops is allowed.');
  const allow = onboarding.getByRole('button', { name: 'Allow access to partner shops' });
  await granted.or(allow).first().waitFor({ timeout: 15_000 });
  if (await allow.isVisible()) {
    const deadline = Date.now() + 15_000;
    while (!(await allow.isEnabled()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    await allow.click();
  }
  await granted.waitFor({ timeout: 15_000 }).catch(async (err: unknown) => {
    throw new Error(`host access was not granted; the onboarding page says: ${(await onboarding.locator('body').innerText()).slice(0, 600)}`, { cause: err });
  });
  await onboarding.close();
}

export interface ExtensionUnderTest {
  context: BrowserContext;
  id: string;
  /** An open BLANK_PAGE of the extension: its origin's IndexedDB and `chrome.runtime` are reachable from here. */
  blank: Page;
  url(path: string): string;
  close(): Promise<void>;
}

/** The granted copy in a fresh Chromium profile, pointed at `apiBaseUrl`, with consent and host access given. */
export async function startExtension(apiBaseUrl: string): Promise<ExtensionUnderTest> {
  const copy = grantedCopy();
  let launched: Launched | undefined;
  try {
    launched = await launchChromium({ extensionDir: copy.dir, extraArgs: ['--lang=en-US'] });
    const { context } = launched;
    const id = await extensionId(context);
    await giveConsent(context, id, apiBaseUrl);
    const url = (path: string) => `chrome-extension://${id}/${path.replace(/^\//, '')}`;
    const blank = await context.newPage();
    await blank.goto(url(BLANK_PAGE));
    const browser = launched;
    return {
      context,
      id,
      blank,
      url,
      async close() {
        await browser.close();
        copy.remove();
      },
    };
  } catch (error) {
    await launched?.close();
    copy.remove();
    throw error;
  }
}

/**
 * Signs the member in as the popup's sign-in form does: the `popup:sign-in`
 * message to the background, sent from an extension page. The background
 * stores the token and starts a sync, as after a member's own sign-in.
 */
export async function signInThroughExtension(ext: ExtensionUnderTest, email: string, password: string): Promise<void> {
  const answer = await ext.blank.evaluate(
    async (message) => {
      // `chrome` is the extension page's own global; the driver's types do not know it.
      const { chrome } = globalThis as unknown as { chrome: { runtime: { sendMessage(m: unknown): Promise<{ ok: boolean; error?: string }> } } };
      return chrome.runtime.sendMessage(message);
    },
    { type: 'popup:sign-in', mode: 'login', email, password },
  );
  if (!answer.ok) throw new Error(`the extension could not sign in: ${answer.error ?? 'no reason given'}`);
}

/** How many rows a store of the extension's database holds, read from an extension page. */
export async function countRows(ext: ExtensionUnderTest, store: 'purchases' | 'outbox'): Promise<number> {
  return ext.blank.evaluate(async (name) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('sammelpunkt');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    try {
      if (!db.objectStoreNames.contains(name)) return 0;
      return await new Promise<number>((resolve, reject) => {
        const request = db.transaction(name, 'readonly').objectStore(name).count();
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    } finally {
      db.close();
    }
  }, store);
}

/** Polls `read` every `everyMs` until `done` accepts its value; throws with the last value seen when time runs out. */
export async function waitUntil<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await read();
    if (done(last)) return last;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** One record of the extension's database (a store's `current` record, or a row by id), as JSON, read from an extension page. */
export async function readRecord<T>(ext: ExtensionUnderTest, store: string, key: string): Promise<T | undefined> {
  return ext.blank.evaluate(
    async ({ store: name, key: id }) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open('sammelpunkt');
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      try {
        if (!db.objectStoreNames.contains(name)) return undefined;
        return await new Promise<unknown>((resolve, reject) => {
          const request = db.transaction(name, 'readonly').objectStore(name).get(id);
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => reject(request.error);
        });
      } finally {
        db.close();
      }
    },
    { store, key },
  ) as Promise<T | undefined>;
}
