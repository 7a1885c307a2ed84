/**
 * Regenerates the screenshots in docs/screenshots/ from the built extension:
 *
 *     npx tsx scripts/screenshots.ts            # builds first
 *     npx tsx scripts/screenshots.ts --no-build # uses .output/chrome-mv3 as it is
 *     npx tsx scripts/screenshots.ts --store    # also the store's pictures, in store/screenshots/
 *     npx tsx scripts/screenshots.ts --mobile   # also the phone layout (360×640, touch), in docs/screenshots/
 *     npx tsx scripts/screenshots.ts --skip-desktop --mobile   # only the phone layout
 *     npx tsx scripts/screenshots.ts --missions # also the popup's missions section, in docs/screenshots/
 *
 * `--store` adds, for English and German, the five 1280×800 screenshots the
 * listings show (the reminder on a partner shop, the popup over it, the
 * recorded purchase, the onboarding, the privacy policy) and the 440×280
 * promotional tile. `--mobile` adds the popup, the onboarding and a partner
 * shop with its reminder as Firefox for Android shows them on a small phone.
 *
 * What it does, so the pictures show what a member really sees:
 * 1. builds the extension (`npm run build`) and copies .output/chrome-mv3 to a
 *    temporary folder;
 * 2. starts the real API with its demo partner shops (`server/main.ts`, DEMO
 *    on, a throw-away PGlite directory, a free port);
 * 3. creates a member and books purchases in every state through the API:
 *    ingested as the extension would, then confirmed, cancelled or returned
 *    by the partners with signed confirmations;
 * 4. for English and German, light and dark, starts Debian's Chromium headless
 *    with the extension (`--lang`, `LANGUAGE`, `colorScheme`), stores the
 *    member's sign-in and consent in the extension's IndexedDB, visits a demo
 *    shop (the first-visit reminder appears), opens the popup beside it at
 *    380×600 and, in light mode, buys something (the "points pending" moment).
 *
 * One change is made to the copy's manifest: the demo shops' and the API's
 * origins are listed as granted host permissions. It stands in for the
 * member's "Allow" in Chromium's permission prompt, which automation cannot
 * click (test/e2e/global-setup.ts does the same).
 *
 * German needs Debian's `chromium-l10n` next to `chromium`: without its
 * locale files Chromium runs in English whatever `--lang` says.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page, type Worker } from 'playwright-core';
import { DEMO_PARTNERS, demoPartnerSecret } from '../server/catalog/seed.ts';

/** The demo partners' secrets are derived from this, so the script can sign as them. */
const DEMO_PARTNER_SECRET = 'screenshots-demo-partner-secret';
/** The operator's token of the throw-away API, for defining missions. */
const ADMIN_TOKEN = 'screenshots-admin-token-0123456789';
import { uuidv7 } from '../lib/uuid.ts';

const ROOT = resolve(import.meta.dirname, '..');
const OUT_DIR = join(ROOT, 'docs/screenshots');
const STORE_DIR = join(ROOT, 'store/screenshots');
/** The size the Chrome Web Store, Edge Add-ons and AMO all take. */
const STORE_VIEWPORT = { width: 1280, height: 800 };
const PROMO_TILE = { width: 440, height: 280 };
/** A small phone: the popup and the onboarding must work here (Firefox for Android). */
const PHONE = { width: 360, height: 640 };
const CHROMIUM = '/usr/bin/chromium';
const DAY_MS = 86_400_000;
const POPUP = { width: 380, height: 600 };
const SHOP_VIEWPORT = { width: 900, height: 560 };

/** The little of `chrome.*` used inside functions evaluated in the extension (there it is the real global). */
declare const chrome: {
  runtime: { sendMessage(message: object): Promise<unknown> };
  tabs: {
    query(q: { active: boolean; lastFocusedWindow: boolean }): Promise<Array<{ windowId: number }>>;
    create(p: { url: string; active: boolean; windowId?: number }): Promise<unknown>;
  };
};

type Lang = 'en' | 'de';
type Theme = 'light' | 'dark';

interface MemberSession {
  token: string;
  member: { id: string; email: string; memberNumber: string; createdAt: string };
}

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => done(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- the API and the member's history

async function startApi(port: number, dataDir: string): Promise<ChildProcess> {
  // Always the embedded PGlite in a throw-away directory, even where DATABASE_URL is set.
  const { DATABASE_URL: _ignored, ...env } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: { ...env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, DEMO: '1', DEMO_PARTNER_SECRET, ADMIN_TOKEN, BUILD_EXTENSION: '0', LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  // Up to two minutes: PGlite starts in seconds on a quiet machine, far slower on a loaded one.
  for (let i = 0; i < 480 && child.exitCode === null; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) return child;
    } catch {
      // not up yet
    }
    await sleep(250);
  }
  child.kill('SIGTERM');
  throw new Error(`the API did not answer /health (exit code ${child.exitCode})`);
}

async function api<T>(base: string, method: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<T> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

/** What the partner reports about an order after the member bought it. */
type Outcome = 'pending' | 'confirmed' | 'cancelled' | 'returned';

const HISTORY: ReadonlyArray<{ partnerId: string; orderId: string; amountMinor: number; currency: string; daysAgo: number; outcome: Outcome }> = [
  { partnerId: 'buecherwurm', orderId: 'WC-2187', amountMinor: 4290, currency: 'EUR', daysAgo: 3, outcome: 'pending' },
  { partnerId: 'technikwelt', orderId: '400000317', amountMinor: 34_900, currency: 'EUR', daysAgo: 9, outcome: 'pending' },
  { partnerId: 'modehaus', orderId: 'M-77812', amountMinor: 5990, currency: 'EUR', daysAgo: 12, outcome: 'cancelled' },
  { partnerId: 'gartenglueck', orderId: '1042', amountMinor: 8995, currency: 'EUR', daysAgo: 21, outcome: 'confirmed' },
  { partnerId: 'feinkost', orderId: 'F-3321', amountMinor: 13_000, currency: 'EUR', daysAgo: 33, outcome: 'returned' },
  { partnerId: 'technikwelt', orderId: '400000122', amountMinor: 89_900, currency: 'EUR', daysAgo: 45, outcome: 'confirmed' },
];

/**
 * Missions over the member's history (docs/missions.md): three shops, two of
 * them still awaiting the shop; a first garden purchase, completed; a spend
 * target with part of it pending. Defined before the history is booked, so
 * the confirmations book the completed one.
 */
async function defineMissions(base: string): Promise<void> {
  const now = Date.now();
  const window = (fromDaysAgo: number, forDays: number) => ({
    startsAt: new Date(now - fromDaysAgo * DAY_MS).toISOString(),
    endsAt: new Date(now + forDays * DAY_MS).toISOString(),
  });
  const missions = [
    { id: 'drei-shops', title: { de: 'Drei Shops in diesem Monat', en: 'Three shops this month' }, rule: { kind: 'distinct-partners', count: 3 }, bonusPoints: 300, ...window(25, 12) },
    { id: 'erster-gartenkauf', title: { de: 'Ihr erster Gartenkauf', en: 'Your first garden purchase' }, rule: { kind: 'category-purchase', category: 'Garten', first: true }, bonusPoints: 50, ...window(30, 20) },
    { id: 'herbst-1500', title: { de: '1.500 € im Herbst', en: '€1,500 this autumn' }, rule: { kind: 'spend', amountMinor: 150_000, currency: 'EUR' }, bonusPoints: 500, ...window(50, 30) },
  ];
  for (const mission of missions) await api(base, 'PUT', `/v1/admin/missions/${mission.id}`, mission, { authorization: `Bearer ${ADMIN_TOKEN}` });
}

async function signPartner(base: string, partnerId: string, orders: unknown[]): Promise<void> {
  if (!DEMO_PARTNERS.some((p) => p.id === partnerId)) throw new Error(`no demo partner ${partnerId}`);
  const secret = demoPartnerSecret(DEMO_PARTNER_SECRET, partnerId);
  const body = JSON.stringify({ orders });
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  const response = await fetch(`${base}/v1/partner-api/confirmations`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'X-Sammelpunkt-Partner': partnerId,
      'X-Sammelpunkt-Timestamp': timestamp,
      'X-Sammelpunkt-Signature': `sha256=${signature}`,
    },
    body,
  });
  if (!response.ok) throw new Error(`confirmation for ${partnerId}: ${response.status} ${await response.text()}`);
}

/** A member with a history: purchases ingested as the extension sends them, then settled by the partners. */
async function createMember(base: string): Promise<MemberSession> {
  const session = await api<MemberSession>(base, 'POST', '/v1/auth/register', { email: 'anna.beispiel@example.org', password: 'correct horse battery' });
  const auth = { authorization: `Bearer ${session.token}` };
  const now = Date.now();
  const purchases = HISTORY.map((h) => ({
    id: uuidv7(now - h.daysAgo * DAY_MS),
    partnerId: h.partnerId,
    orderId: h.orderId,
    amountMinor: h.amountMinor,
    currency: h.currency,
    detectedAt: new Date(now - h.daysAgo * DAY_MS).toISOString(),
    method: 'json-ld',
  }));
  await api(base, 'POST', '/v1/purchases', { purchases }, auth);
  for (const h of HISTORY) {
    if (h.outcome === 'pending') continue;
    if (h.outcome === 'returned') await signPartner(base, h.partnerId, [{ orderId: h.orderId, status: 'confirmed' }]);
    const status = h.outcome === 'cancelled' ? 'cancelled' : h.outcome;
    await signPartner(base, h.partnerId, [{ orderId: h.orderId, status }]);
  }
  return session;
}

// ---------------------------------------------------------------- the extension in Chromium

function prepareExtension(build: boolean, port: number): string {
  if (build) execFileSync('npm', ['run', '-s', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  const dir = mkdtempSync(join(tmpdir(), 'sammelpunkt-shots-ext-'));
  cpSync(join(ROOT, '.output/chrome-mv3'), dir, { recursive: true });
  const manifestPath = join(dir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
  const granted = [
    ...DEMO_PARTNERS.flatMap((p) => p.domains.flatMap((d) => [`*://${d}/*`, `*://*.${d}/*`])),
    `http://localhost:${port}/*`,
  ];
  manifest['host_permissions'] = granted;
  writeFileSync(manifestPath, JSON.stringify(manifest));
  return dir;
}

async function launch(extensionDir: string, lang: Lang, theme: Theme, device: { viewport: { width: number; height: number }; mobile?: boolean } = { viewport: SHOP_VIEWPORT }): Promise<{ context: BrowserContext; worker: Worker; profile: string }> {
  const profile = mkdtempSync(join(tmpdir(), 'sammelpunkt-shots-profile-'));
  const locale = lang === 'de' ? 'de-DE' : 'en-GB';
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: false,
    locale,
    colorScheme: theme,
    viewport: device.viewport,
    deviceScaleFactor: 1,
    ...(device.mobile ? { isMobile: true, hasTouch: true } : {}),
    env: { ...process.env, LANGUAGE: lang, LANG: `${locale.replace('-', '_')}.UTF-8` },
    args: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--lang=${locale}`,
      `--disable-extensions-except=${extensionDir}`,
      `--load-extension=${extensionDir}`,
    ],
  });
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 15_000 }));
  return { context, worker, profile };
}

/**
 * Stores the sign-in, the consent and the API address in the extension's
 * IndexedDB (the shapes of lib/db/schema.ts), as the onboarding page and the
 * sign-in form would have.
 */
async function seedExtension(worker: Worker, apiBase: string, session: MemberSession): Promise<void> {
  const now = new Date().toISOString();
  const seed = {
    settings: { apiBaseUrl: apiBase, notifications: true, mutedShops: [], consent: { given: true, at: now } },
    account: { token: session.token, member: session.member, signedInAt: now },
  };
  await worker.evaluate(async (data) => {
    // The background creates the database at install; wait for it rather than create a version-less one.
    for (let i = 0; i < 100 && !(await indexedDB.databases()).some((d) => d.name === 'sammelpunkt'); i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const db = await new Promise<IDBDatabase>((done, fail) => {
      const open = indexedDB.open('sammelpunkt');
      open.onsuccess = () => done(open.result);
      open.onerror = () => fail(open.error);
    });
    await new Promise<void>((done, fail) => {
      const tx = db.transaction(['settings', 'account'], 'readwrite');
      tx.objectStore('settings').put(data.settings, 'current');
      tx.objectStore('account').put(data.account, 'current');
      tx.oncomplete = () => done();
      tx.onerror = () => fail(tx.error);
    });
    db.close();
  }, seed);
}

/** Asks the background, from one of the extension's own pages, to fetch the catalogue, register the content script and sync. */
async function wakeBackground(context: BrowserContext, extensionId: string): Promise<void> {
  const page = await context.newPage();
  await page.goto(`chrome-extension://${extensionId}/options.html`);
  // No named functions inside: tsx would wrap them in a `__name` helper that the page does not have.
  await page.evaluate(async () => {
    for (const type of ['popup:refresh-catalog', 'options:permissions-changed', 'popup:sync-now']) await chrome.runtime.sendMessage({ type });
  });
  await page.close();
}

/** The popup as the member opens it on `shop`: it reads the active tab, so it opens as a background tab beside the shop. */
async function openPopupBeside(context: BrowserContext, worker: Worker, extensionId: string, shop: Page): Promise<Page> {
  await shop.bringToFront();
  const url = `chrome-extension://${extensionId}/popup.html`;
  const opened = context.waitForEvent('page', { predicate: (p) => p.url().startsWith(url), timeout: 15_000 });
  await worker.evaluate(async (popupUrl) => {
    const [active] = await chrome.tabs.query({ active: true, lastFocusedWindow: true });
    await chrome.tabs.create({ url: popupUrl, active: false, windowId: active?.windowId });
  }, url);
  const popup = await opened;
  await popup.setViewportSize(POPUP);
  // A toolbar popup grows by its scrollbar's width; a 380 px tab does not, so hide the tab's scrollbars instead.
  await popup.addStyleTag({ content: 'html { scrollbar-width: none; }' });
  await popup.waitForLoadState('domcontentloaded');
  // The popup paints from IndexedDB, then syncs and paints again; let it settle.
  await popup.waitForSelector('.balance-number', { timeout: 15_000 });
  await sleep(2500);
  await popup.bringToFront();
  await sleep(300);
  return popup;
}

/** The in-page moment's card, inside its closed shadow root: wait until its host is on the page and painted. */
async function waitForMoment(page: Page): Promise<void> {
  await page.waitForSelector('sammelpunkt-moment', { state: 'attached', timeout: 15_000 });
  await sleep(600);
}

/** Buys the first product the way a customer clicks through the shop. */
async function buySomething(page: Page): Promise<void> {
  await page.locator('.product-card h3 a').first().click();
  await page.locator('form.add-to-cart [type=submit]').first().click();
  await page.locator('a.checkout-button').first().click();
  await page.locator('form.checkout-form [type=submit]').first().click();
  await page.waitForLoadState('domcontentloaded');
}

async function shoot(page: Page, name: string, dir = OUT_DIR): Promise<void> {
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path });
  console.log(`  ${path.slice(ROOT.length + 1)}`);
}

const dataUrl = (png: Buffer) => `data:image/png;base64,${png.toString('base64')}`;

/** Renders `html` at `size` in a fresh tab of `context` and saves it. */
async function render(context: BrowserContext, size: { width: number; height: number }, html: string, path: string): Promise<void> {
  const page = await context.newPage();
  await page.setViewportSize(size);
  await page.setContent(html);
  await page.waitForLoadState('load');
  await page.screenshot({ path });
  await page.close();
  console.log(`  ${path.slice(ROOT.length + 1)}`);
}

/** The popup as it opens from the toolbar: over the shop page, in the top right corner. */
function popupOverShop(shop: Buffer, popup: Buffer): string {
  return `<body style="margin:0;overflow:hidden"><img src="${dataUrl(shop)}" style="position:absolute;inset:0;filter:brightness(.85)">` +
    `<img src="${dataUrl(popup)}" style="position:absolute;top:12px;right:48px;border-radius:10px;box-shadow:0 12px 40px rgba(0,0,0,.35)"></body>`;
}

/** The small promotional tile: the brand mark, the name and the manifest's description. */
function promoTile(lang: Lang): string {
  const icon = readFileSync(join(ROOT, 'assets/icon.svg'), 'utf8');
  const messages = JSON.parse(readFileSync(join(ROOT, `public/_locales/${lang}/messages.json`), 'utf8')) as Record<string, { message: string }>;
  const text = (s: string) => s.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!);
  return `<body style="margin:0;width:440px;height:280px;display:flex;align-items:center;gap:22px;padding:0 30px;box-sizing:border-box;` +
    `background:linear-gradient(135deg,#0f766e,#115e59);color:#fff;font-family:system-ui,sans-serif">` +
    `<img src="data:image/svg+xml;base64,${Buffer.from(icon).toString('base64')}" width="112" height="112" style="flex:none">` +
    `<div><div style="font-size:34px;font-weight:700;letter-spacing:-.5px">${text(messages.extName!.message)}</div>` +
    `<div style="font-size:17px;line-height:1.35;margin-top:8px;opacity:.92">${text(messages.extDescription!.message)}</div></div></body>`;
}

/** The five store screenshots and the promotional tile, in one language. */
async function runStore(extensionDir: string, apiBase: string, port: number, session: MemberSession, lang: Lang): Promise<void> {
  const { context, worker, profile } = await launch(extensionDir, lang, 'light', { viewport: STORE_VIEWPORT });
  try {
    const extensionId = new URL(worker.url()).host;
    await seedExtension(worker, apiBase, session);
    await wakeBackground(context, extensionId);
    const shopHost = lang === 'de' ? 'schuhhaus' : 'buecherwurm';
    const shop = await context.newPage();
    await shop.goto(`http://${shopHost}.localhost:${port}/`);
    await waitForMoment(shop);
    await shoot(shop, `${lang}-1-reminder`, STORE_DIR);
    const shopPicture = await shop.screenshot();

    const popup = await openPopupBeside(context, worker, extensionId, shop);
    const popupPicture = await popup.screenshot();
    await popup.close();
    await render(context, STORE_VIEWPORT, popupOverShop(shopPicture, popupPicture), join(STORE_DIR, `${lang}-2-popup.png`));

    await shop.bringToFront();
    await buySomething(shop);
    await waitForMoment(shop);
    await shoot(shop, `${lang}-3-recorded`, STORE_DIR);

    for (const [n, name] of [[4, 'onboarding'], [5, 'privacy']] as const) {
      const page = await context.newPage();
      await page.goto(`chrome-extension://${extensionId}/${name}.html`);
      await page.waitForLoadState('load');
      await sleep(800);
      await shoot(page, `${lang}-${n}-${name}`, STORE_DIR);
      await page.close();
    }
    await render(context, PROMO_TILE, promoTile(lang), join(STORE_DIR, `${lang}-promo-tile-440x280.png`));
  } finally {
    await context.close().catch(() => undefined);
    rmSync(profile, { recursive: true, force: true });
  }
}

/** The phone layout: the popup, the onboarding and a partner shop's reminder at 360×640 with touch. */
async function runMobile(extensionDir: string, apiBase: string, port: number, session: MemberSession, lang: Lang): Promise<void> {
  const { context, worker, profile } = await launch(extensionDir, lang, 'light', { viewport: PHONE, mobile: true });
  try {
    const extensionId = new URL(worker.url()).host;
    await seedExtension(worker, apiBase, session);
    await wakeBackground(context, extensionId);
    const shop = await context.newPage();
    await shop.goto(`http://${lang === 'de' ? 'schuhhaus' : 'buecherwurm'}.localhost:${port}/`);
    await waitForMoment(shop);
    await shoot(shop, `mobile-inpage-reminder-${lang}`);
    const popup = await openPopupBeside(context, worker, extensionId, shop);
    await popup.setViewportSize(PHONE);
    await sleep(300);
    await shoot(popup, `mobile-popup-${lang}`);
    await popup.close();
    const onboarding = await context.newPage();
    await onboarding.goto(`chrome-extension://${extensionId}/onboarding.html`);
    await sleep(800);
    await shoot(onboarding, `mobile-onboarding-${lang}`);
  } finally {
    await context.close().catch(() => undefined);
    rmSync(profile, { recursive: true, force: true });
  }
}

/** The popup's missions section alone, as a member with missions sees it. */
async function runMissions(extensionDir: string, apiBase: string, port: number, session: MemberSession, lang: Lang): Promise<void> {
  const { context, worker, profile } = await launch(extensionDir, lang, 'light');
  try {
    const extensionId = new URL(worker.url()).host;
    await seedExtension(worker, apiBase, session);
    await wakeBackground(context, extensionId);
    const shop = await context.newPage();
    await shop.goto(`http://gartenglueck.localhost:${port}/`);
    const popup = await openPopupBeside(context, worker, extensionId, shop);
    const section = popup.locator('section.missions');
    await section.waitFor({ timeout: 15_000 });
    const path = join(OUT_DIR, `popup-missions-${lang}-light.png`);
    await section.screenshot({ path });
    console.log(`  ${path.slice(ROOT.length + 1)}`);
  } finally {
    await context.close().catch(() => undefined);
    rmSync(profile, { recursive: true, force: true });
  }
}

async function run(extensionDir: string, apiBase: string, port: number, session: MemberSession, lang: Lang, theme: Theme): Promise<void> {
  const { context, worker, profile } = await launch(extensionDir, lang, theme);
  try {
    const extensionId = new URL(worker.url()).host;
    await seedExtension(worker, apiBase, session);
    await wakeBackground(context, extensionId);

    // A German member meets the German shoe shop; an English one the English bookshop.
    const shopHost = lang === 'de' ? 'schuhhaus' : 'buecherwurm';
    const shop = await context.newPage();
    await shop.goto(`http://${shopHost}.localhost:${port}/`);
    await waitForMoment(shop);
    await shoot(shop, `inpage-reminder-${lang}-${theme}`);

    const popup = await openPopupBeside(context, worker, extensionId, shop);
    await shoot(popup, `popup-${lang}-${theme}`);
    await popup.close();

    if (theme === 'light') {
      await shop.bringToFront();
      await buySomething(shop);
      await waitForMoment(shop);
      await shoot(shop, `inpage-recorded-${lang}-${theme}`);
    }
  } finally {
    await context.close().catch(() => undefined);
    rmSync(profile, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (!existsSync('/usr/lib/chromium/locales/de.pak')) {
    throw new Error('Chromium has no German locale: apt-get install -y --no-install-recommends chromium chromium-l10n');
  }
  const build = !process.argv.includes('--no-build');
  const port = await freePort();
  const apiBase = `http://localhost:${port}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'sammelpunkt-shots-data-'));
  const extensionDir = prepareExtension(build, port);
  const server = await startApi(port, dataDir);
  try {
    if (process.argv.includes('--missions')) await defineMissions(`http://127.0.0.1:${port}`);
    const session = await createMember(`http://127.0.0.1:${port}`);
    mkdirSync(OUT_DIR, { recursive: true });
    for (const lang of process.argv.includes('--skip-desktop') ? [] : (['en', 'de'] as const)) {
      for (const theme of ['light', 'dark'] as const) await run(extensionDir, apiBase, port, session, lang, theme);
    }
    if (process.argv.includes('--store')) {
      mkdirSync(STORE_DIR, { recursive: true });
      for (const lang of ['en', 'de'] as const) await runStore(extensionDir, apiBase, port, session, lang);
    }
    if (process.argv.includes('--mobile')) {
      for (const lang of ['en', 'de'] as const) await runMobile(extensionDir, apiBase, port, session, lang);
    }
    if (process.argv.includes('--missions')) {
      for (const lang of ['en', 'de'] as const) await runMissions(extensionDir, apiBase, port, session, lang);
    }
  } finally {
    server.kill('SIGTERM');
    rmSync(extensionDir, { recursive: true, force: true });
    await sleep(500);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
