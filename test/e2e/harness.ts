/**
 * The end-to-end harness: the real sync API as a child process on a free
 * port with its own data directory, the built extension in Debian's Chromium
 * (playwright-core) or Firefox ESR (puppeteer-core over WebDriver BiDi), and
 * the helpers a test needs to shop, to act as a partner and to read what the
 * server booked.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type CDPSession, type Locator, type Page, type Worker } from 'playwright-core';
import puppeteer, { type Browser as FirefoxBrowser, type Page as FirefoxPage } from 'puppeteer-core';
import { DEMO_PARTNERS, demoPartnerSecret } from '../../server/catalog/seed.ts';

export const ROOT = resolve(import.meta.dirname, '../..');
export const RESULTS_DIR = join(ROOT, 'test-results/e2e');
/** Where global-setup puts the copies of the built extension the browsers load. */
export const EXTENSION_DIRS = {
  chrome: join(RESULTS_DIR, 'extension/chrome-mv3'),
  firefox: join(RESULTS_DIR, 'extension/firefox-mv2'),
} as const;

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const FIREFOX_PATH = '/usr/bin/firefox-esr';
export const ADMIN_TOKEN = 'e2e-admin-token-0123456789';
export const PASSWORD = 'correct horse battery';
/** The demo partners' secrets are derived from this (the server draws its own unless told). */
export const DEMO_PARTNER_SECRET = 'e2e-demo-partner-secret-0123456789';

/** A free TCP port on loopback, as the operating system hands it out. */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolvePort(port));
    });
  });
}

export async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

/** Polls `read` until `done` accepts its value; throws with the last value seen when time runs out. */
export async function waitFor<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      last = await read();
      if (done(last)) return last;
    } catch (error) {
      lastError = error;
    }
    await sleep(250);
  }
  const seen = last === undefined ? `error ${String(lastError)}` : JSON.stringify(last);
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${seen}`);
}

// ---------------------------------------------------------------------------
// The sync API
// ---------------------------------------------------------------------------

export interface CallOptions {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * `npm start`'s server (`server/main.ts`) in a child process: DEMO on, its
 * own PGlite directory, silent logs. It can be stopped and started again on
 * the same port and data directory, as when the API goes away for a while.
 */
export class ApiServer {
  private child: ChildProcess | undefined;
  private output: string[] = [];
  /** The API's own log, one parsed line per request, when started with `requestLog: true`. */
  readonly requestLog: Array<Record<string, unknown>> = [];

  private constructor(
    readonly port: number,
    readonly dataDir: string,
    private readonly logRequests: boolean,
  ) {}

  static async start(options: { requestLog?: boolean } = {}): Promise<ApiServer> {
    const dataDir = await mkdtemp(join(tmpdir(), 'sammelpunkt-e2e-data-'));
    const server = new ApiServer(await freePort(), dataDir, options.requestLog === true);
    await server.resume();
    return server;
  }

  get baseUrl(): string {
    return `http://localhost:${this.port}`;
  }

  /** A demo shop's home page, e.g. `http://schuhhaus.localhost:PORT/`. */
  shopUrl(shopId: string, path = '/'): string {
    return `http://${shopId}.localhost:${this.port}${path}`;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null;
  }

  /** Starts the process (again) and waits for `/health`. */
  async resume(): Promise<void> {
    if (this.running) return;
    // The e2e server always runs on its own PGlite directory, even where CI sets DATABASE_URL for the unit tests.
    const { DATABASE_URL: _unused, ...inherited } = process.env;
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: ROOT,
      env: {
        ...inherited,
        PORT: String(this.port),
        HOST: '127.0.0.1',
        DATA_DIR: this.dataDir,
        ADMIN_TOKEN,
        DEMO: '1',
        DEMO_PARTNER_SECRET,
        // Fast hashing for the test accounts (production: 17).
        SCRYPT_LOG_N: '10',
        // The run builds its own copy of the extension first; the server must not rebuild beside it.
        BUILD_EXTENSION: '0',
        LOG_LEVEL: this.logRequests ? 'info' : 'silent',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (lines: string[]) => {
      this.output.push(...lines.filter((l) => l !== ''));
      this.output = this.output.slice(-80);
    };
    let partial = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      // Whole lines only: a request's log line may arrive split across chunks.
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      if (this.logRequests) {
        for (const l of lines) if (l.startsWith('{"time"')) this.requestLog.push(JSON.parse(l) as Record<string, unknown>);
      }
      keep(lines);
    });
    child.stderr?.on('data', (chunk: Buffer) => keep(chunk.toString().split('\n')));
    this.child = child;
    try {
      await waitFor('the API to answer /health', async () => {
        if (child.exitCode !== null) return -1;
        return (await fetch(`${this.baseUrl}/health`)).status;
      }, (status) => status === 200 || status === -1, 150_000);
      if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    } catch (error) {
      throw new Error(`${String(error)}\nserver output:\n${this.log()}`);
    }
  }

  /** SIGTERM, as an operator's restart does; waits until the process has gone. */
  async halt(): Promise<void> {
    const child = this.child;
    if (child === undefined || child.exitCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(killer);
  }

  async stop(): Promise<void> {
    await this.halt();
    await rm(this.dataDir, { recursive: true, force: true });
  }

  /** The server's recent output, for failure messages. */
  log(): string {
    return this.output.join('\n');
  }

  async call(method: string, path: string, opts: CallOptions = {}): Promise<Response> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token !== undefined) headers['Authorization'] = `Bearer ${opts.token}`;
    let body: string | undefined;
    if (opts.body !== undefined) {
      body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
      headers['Content-Type'] = 'application/json';
    }
    return fetch(`${this.baseUrl}${path}`, { method, headers, body });
  }

  async json<T>(method: string, path: string, opts: CallOptions = {}): Promise<T> {
    const response = await this.call(method, path, opts);
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
    return JSON.parse(text) as T;
  }

  /** GET on a demo shop's host. Node does not resolve `*.localhost`, so this sends the Host header to loopback. */
  async shopGet(shopId: string, path: string): Promise<{ status: number; body: string }> {
    return new Promise((resolveGet, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port: this.port, path, method: 'GET', headers: { Host: `${shopId}.localhost:${this.port}` } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolveGet({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end();
    });
  }

  /** The orders a demo shop has taken, as its `/__demo/orders.json` lists them. */
  async shopOrders(shopId: string): Promise<DemoOrder[]> {
    const { status, body } = await this.shopGet(shopId, '/__demo/orders.json');
    if (status !== 200) throw new Error(`orders.json of ${shopId} answered ${status}`);
    return (JSON.parse(body) as { orders: DemoOrder[] }).orders;
  }
}

export interface DemoOrder {
  orderId: string;
  amountMinor: number;
  currency: string;
}

// ---------------------------------------------------------------------------
// What the server booked
// ---------------------------------------------------------------------------

export interface Balance {
  available: number;
  pending: number;
  lifetime: number;
}

export interface ServerPurchase {
  id: string;
  partnerId: string;
  orderId: string;
  amountMinor: number;
  status: string;
  points: number;
  method?: string;
}

export interface Me {
  member: { id: string; email: string; memberNumber?: string; emailVerified?: boolean };
  tier: string;
  balance: Balance;
}

/** Signs in as the member through the API, as a second device would, to read the server's state. */
export async function memberToken(server: ApiServer, email: string): Promise<string> {
  const { token } = await server.json<{ token: string }>('POST', '/v1/auth/login', { body: { email, password: PASSWORD } });
  return token;
}

/** The code of the newest mail to `email`, read from the server's outbox as the operator would (no mail is sent in tests). */
export async function mailedCode(server: ApiServer, email: string): Promise<string> {
  const { mails } = await server.json<{ mails: { code?: string }[] }>('GET', `/v1/admin/outbox?to=${encodeURIComponent(email)}`, { token: ADMIN_TOKEN });
  const code = mails.find((m) => m.code !== undefined)?.code;
  if (code === undefined) throw new Error(`no mail with a code to ${email}`);
  return code;
}

export async function getMe(server: ApiServer, token: string): Promise<Me> {
  return server.json<Me>('GET', '/v1/me', { token });
}

/** Every purchase the server holds for the member, following the sync cursor from the start. */
export async function serverPurchases(server: ApiServer, token: string): Promise<ServerPurchase[]> {
  const byId = new Map<string, ServerPurchase>();
  let cursor = '0';
  for (let page = 0; page < 50; page++) {
    const body = await server.json<{ purchases: ServerPurchase[]; cursor: string; hasMore: boolean }>(
      'GET',
      `/v1/me/sync?cursor=${encodeURIComponent(cursor)}`,
      { token },
    );
    for (const p of body.purchases) byId.set(p.id, p);
    cursor = body.cursor;
    if (!body.hasMore) break;
  }
  return [...byId.values()];
}

// ---------------------------------------------------------------------------
// The partner's side
// ---------------------------------------------------------------------------

export type PartnerReport = { orderId: string; status: 'confirmed' | 'returned' | 'cancelled'; amountMinor?: number };

export interface ConfirmationResult {
  orderId: string;
  status: 'applied' | 'unchanged' | 'unknown' | 'invalid';
  purchase?: { status: string; points: number };
}

/** The demo partner's secret, as `npm start` derives it from DEMO_PARTNER_SECRET. */
export function demoSecret(partnerId: string): string {
  if (!DEMO_PARTNERS.some((p) => p.id === partnerId)) throw new Error(`no demo partner ${partnerId}`);
  return demoPartnerSecret(DEMO_PARTNER_SECRET, partnerId);
}

/**
 * Reports orders as the partner's own system does: HMAC-SHA256 over
 * `<timestamp>.<raw body>` with the partner's secret (DESIGN.md, "Partner
 * signatures"), computed here independently of the server's code.
 */
export async function reportOrders(server: ApiServer, partnerId: string, orders: PartnerReport[]): Promise<ConfirmationResult[]> {
  const body = JSON.stringify({ orders });
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = createHmac('sha256', demoSecret(partnerId)).update(`${timestamp}.${body}`).digest('hex');
  const { results } = await server.json<{ results: ConfirmationResult[] }>('POST', '/v1/partner-api/confirmations', {
    body,
    headers: {
      'X-Sammelpunkt-Partner': partnerId,
      'X-Sammelpunkt-Timestamp': timestamp,
      'X-Sammelpunkt-Signature': `sha256=${signature}`,
    },
  });
  return results;
}

// ---------------------------------------------------------------------------
// Chromium with the extension
// ---------------------------------------------------------------------------

/** The part of `chrome.*` the tests use from the extension's service worker. */
export interface ChromeApi {
  runtime: { id: string; getURL(path: string): string };
  tabs: {
    query(q: { active?: boolean; lastFocusedWindow?: boolean; url?: string | string[] }): Promise<Array<{ id?: number; windowId: number; url?: string }>>;
    create(p: { url: string; active?: boolean; windowId?: number }): Promise<{ id?: number }>;
  };
  action: { getBadgeText(d: { tabId: number }): Promise<string> };
  permissions: { getAll(): Promise<{ origins?: string[]; permissions?: string[] }> };
  scripting: { getRegisteredContentScripts(): Promise<Array<{ id: string; matches?: string[]; js?: string[]; world?: string }>> };
  alarms: { get(name: string): Promise<{ name: string; scheduledTime: number } | undefined> };
}

/** `chrome` inside a function evaluated in the service worker. */
export type InWorker<A, R> = (chrome: ChromeApi, arg: A) => Promise<R>;

const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--lang=en-US',
];

export class ChromiumSession {
  private constructor(
    readonly context: BrowserContext,
    readonly extensionId: string,
    private readonly userDataDir: string,
  ) {}

  /** Chromium without the extension: the privacy test's control run, to tell the browser's own traffic apart. */
  static async launchPlain(extraArgs: string[] = []): Promise<BrowserContext> {
    const userDataDir = await mkdtemp(join(tmpdir(), 'sammelpunkt-e2e-chromium-'));
    return chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: false,
      locale: 'en-US',
      args: [...CHROMIUM_ARGS, ...extraArgs],
    });
  }

  /** `device`: a phone instead of the desktop window (viewport, touch, mobile meta viewport), as mobile.chromium.test.ts uses. */
  static async launch(
    extensionDir: string = EXTENSION_DIRS.chrome,
    extraArgs: string[] = [],
    device: { viewport: { width: number; height: number }; isMobile?: boolean; hasTouch?: boolean } = { viewport: { width: 1100, height: 900 } },
  ): Promise<ChromiumSession> {
    if (!existsSync(join(extensionDir, 'manifest.json'))) throw new Error(`no built extension in ${extensionDir} (global-setup builds it)`);
    const userDataDir = await mkdtemp(join(tmpdir(), 'sammelpunkt-e2e-chromium-'));
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: false,
      locale: 'en-US',
      ...device,
      args: [...CHROMIUM_ARGS, ...extraArgs, `--disable-extensions-except=${extensionDir}`, `--load-extension=${extensionDir}`],
    });
    const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 15_000 }));
    const session = new ChromiumSession(context, new URL(worker.url()).host, userDataDir);
    session.watch(worker);
    context.on('serviceworker', (w) => session.watch(w));
    return session;
  }

  private consoleLines: string[] = [];

  private watch(worker: Worker): void {
    worker.on('console', (message) => {
      this.consoleLines.push(`[${message.type()}] ${message.text()}`);
      this.consoleLines = this.consoleLines.slice(-40);
    });
  }

  /** What the extension's service worker logged lately (e.g. "catalogue refresh failed"). */
  log(): string {
    return this.consoleLines.join('\n');
  }

  /** The extension's service worker (a new one if Chromium restarted it). */
  async worker(): Promise<Worker> {
    const prefix = `chrome-extension://${this.extensionId}/`;
    const current = this.context.serviceWorkers().find((w) => w.url().startsWith(prefix));
    return current ?? this.context.waitForEvent('serviceworker', { predicate: (w) => w.url().startsWith(prefix), timeout: 15_000 });
  }

  /** Runs `fn(chrome, arg)` in the extension's service worker. */
  async inWorker<A, R>(fn: InWorker<A, R>, arg: A): Promise<R> {
    const worker = await this.worker();
    // Playwright sends an expression string to the worker as it is (through the DevTools protocol),
    // so `fn` must use only its parameters: `chrome` is the worker's own global there.
    const result: unknown = await worker.evaluate(`(${fn.toString()})(chrome, ${JSON.stringify(arg) ?? 'undefined'})`);
    return result as R;
  }

  extensionUrl(path: string): string {
    return `chrome-extension://${this.extensionId}/${path.replace(/^\//, '')}`;
  }

  /** The page the extension opened by itself on install (onboarding), or undefined. */
  findPage(prefix: string): Page | undefined {
    return this.context.pages().find((p) => p.url().startsWith(prefix));
  }

  async openPage(url: string): Promise<Page> {
    const page = await this.context.newPage();
    await page.goto(url);
    return page;
  }

  /**
   * Opens the popup for the tab `shop` as a member would by clicking the
   * toolbar button: the popup asks for the active tab of its window, so it is
   * opened as a background tab beside the shop's tab, which stays active.
   */
  async openPopupBeside(shop: Page): Promise<Page> {
    await shop.bringToFront();
    const popupUrl = this.extensionUrl('popup.html');
    const opened = this.context.waitForEvent('page', { predicate: (p) => p.url().startsWith(popupUrl), timeout: 15_000 });
    await this.inWorker(async (chrome, url) => {
      const [active] = await chrome.tabs.query({ active: true, lastFocusedWindow: true });
      await chrome.tabs.create({ url, active: false, windowId: active?.windowId });
    }, popupUrl);
    const popup = await opened;
    await popup.waitForLoadState('domcontentloaded');
    return popup;
  }

  /** The badge text the extension set on the tab showing `page`. */
  async badgeFor(page: Page): Promise<string> {
    return this.inWorker(async (chrome, url) => {
      const tabs = await chrome.tabs.query({});
      const tab = tabs.find((t) => t.url === url);
      return tab?.id === undefined ? `no tab at ${url}` : chrome.action.getBadgeText({ tabId: tab.id });
    }, page.url());
  }

  async close(): Promise<void> {
    await this.context.close().catch(() => undefined);
    await rm(this.userDataDir, { recursive: true, force: true }).catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------
// Firefox ESR with the extension (puppeteer-core over WebDriver BiDi)
// ---------------------------------------------------------------------------

export interface FirefoxOptions {
  prefs?: Record<string, unknown>;
  env?: Record<string, string>;
}

export class FirefoxSession {
  private constructor(
    readonly browser: FirefoxBrowser,
    readonly addonId: string,
  ) {}

  /** Firefox without the extension: the privacy test's control run, to tell the browser's own traffic apart. */
  static async launchPlain(options: FirefoxOptions = {}): Promise<FirefoxBrowser> {
    return puppeteer.launch({
      browser: 'firefox',
      executablePath: FIREFOX_PATH,
      headless: true,
      extraPrefsFirefox: { 'intl.locale.requested': 'en-US', 'intl.accept_languages': 'en-US', ...options.prefs },
      env: { ...process.env, ...options.env },
    });
  }

  static async launch(extensionDir: string = EXTENSION_DIRS.firefox, options: FirefoxOptions = {}): Promise<FirefoxSession> {
    if (!existsSync(join(extensionDir, 'manifest.json'))) throw new Error(`no built extension in ${extensionDir} (global-setup builds it)`);
    const browser = await FirefoxSession.launchPlain(options);
    try {
      return new FirefoxSession(browser, await browser.installExtension(extensionDir));
    } catch (error) {
      await browser.close();
      throw error;
    }
  }

  async pages(): Promise<FirefoxPage[]> {
    return this.browser.pages();
  }

  /**
   * A tab showing one of the extension's own pages. The driver may not open
   * moz-extension:// addresses, but it can work in a tab the extension opened
   * itself (the onboarding page, opened on install).
   */
  async extensionTab(path: string, timeoutMs = 15_000): Promise<FirefoxPage> {
    const found = await waitFor(`a tab with the extension's ${path}`, async () => {
      for (const page of await this.pages()) {
        const href = await page.evaluate(() => location.href).catch(() => '');
        if (href.startsWith('moz-extension://') && new URL(href).pathname === `/${path}`) return page;
      }
      return undefined;
    }, (page) => page !== undefined, timeoutMs);
    if (found === undefined) throw new Error(`no tab with ${path}`);
    return found;
  }

  async close(): Promise<void> {
    await this.browser.close().catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------
// Shopping with real clicks
// ---------------------------------------------------------------------------

export interface ShoppingSteps {
  product: string;
  cart: string;
  checkout: string;
  confirmation: string;
}

/** Home page → the first product → add to cart; leaves the page on the cart. */
export async function addToCart(page: Page, homeUrl: string, productIndex = 0): Promise<{ product: string; cart: string }> {
  await page.goto(homeUrl);
  await page.locator('.product-card h3 a').nth(productIndex).click();
  await page.waitForLoadState('load');
  const product = page.url();
  await Promise.all([page.waitForURL((u) => u.href !== product), page.locator('form.add-to-cart [type=submit]').first().click()]);
  await page.waitForLoadState('load');
  return { product, cart: page.url() };
}

/** Cart → checkout (the page before the order). */
export async function goToCheckout(page: Page): Promise<string> {
  const cart = page.url();
  await Promise.all([page.waitForURL((u) => u.href !== cart), page.locator('a.checkout-button').first().click()]);
  await page.waitForLoadState('load');
  return page.url();
}

/** Checkout → "place order" → the confirmation page. */
export async function placeOrder(page: Page): Promise<string> {
  const checkout = page.url();
  await Promise.all([page.waitForURL((u) => u.href !== checkout), page.locator('form.checkout-form [type=submit]').first().click()]);
  await page.waitForLoadState('load');
  return page.url();
}

export async function shopThrough(page: Page, homeUrl: string, productIndex = 0): Promise<ShoppingSteps> {
  const { product, cart } = await addToCart(page, homeUrl, productIndex);
  const checkout = await goToCheckout(page);
  const confirmation = await placeOrder(page);
  return { product, cart, checkout, confirmation };
}

// ---------------------------------------------------------------------------
// The in-page moment
// ---------------------------------------------------------------------------

/**
 * The in-page moment lives in a closed shadow root, which no page script and
 * no Playwright locator can reach (that is the point). The DevTools protocol
 * can: it lists closed shadow roots when asked to pierce, and the controls
 * found there are used the way a member uses them (a value typed, an option
 * chosen, a button clicked), with the events a browser sends.
 */
export class InPageMoment {
  private constructor(
    private readonly cdp: CDPSession,
    /** The closed shadow root itself, resolved by the protocol: functions called on it see the card. */
    private readonly rootObjectId: string,
  ) {}

  /** Waits until the page shows a moment whose text contains `text`. */
  static async waitFor(page: Page, text: string, timeoutMs = 20_000): Promise<InPageMoment> {
    const cdp = await page.context().newCDPSession(page);
    return waitFor(
      `the in-page moment saying "${text}"`,
      async () => {
        const { root } = (await cdp.send('DOM.getDocument', { depth: -1, pierce: true })) as { root: DomNode };
        for (const host of findNodes(root, (n) => n.localName === 'sammelpunkt-moment')) {
          const shadow = host.shadowRoots?.[0];
          if (shadow === undefined) continue;
          const { object } = (await cdp.send('DOM.resolveNode', { backendNodeId: shadow.backendNodeId })) as { object: { objectId?: string } };
          if (object.objectId === undefined) continue;
          const moment = new InPageMoment(cdp, object.objectId);
          if ((await moment.text()).includes(text)) return moment;
        }
        return undefined;
      },
      (found) => found !== undefined,
      timeoutMs,
    ) as Promise<InPageMoment>;
  }

  /** The card's text (labels and buttons included; the fields' values are read with `value`). */
  async text(): Promise<string> {
    return this.call<string>('function () { return this.textContent; }');
  }

  /** The current value of the field named `name`. */
  async value(name: string): Promise<string> {
    return this.call<string>(`function () { const f = this.querySelector('[name="${name}"]'); return f ? f.value : ''; }`);
  }

  /** The options of the select named `name`, as shown. */
  async options(name: string): Promise<string[]> {
    return this.call<string[]>(`function () { const f = this.querySelector('select[name="${name}"]'); return f ? [...f.options].map((o) => o.textContent) : []; }`);
  }

  /** Chooses the option whose text is `label` in the select named `name`. */
  async choose(name: string, label: string): Promise<void> {
    await this.call(`function () {
      const f = this.querySelector('select[name="${name}"]');
      const option = [...f.options].find((o) => o.textContent === ${JSON.stringify(label)});
      if (!option) throw new Error('no option ' + ${JSON.stringify(label)});
      f.value = option.value;
      f.dispatchEvent(new Event('change', { bubbles: true }));
    }`);
  }

  async click(buttonText: string): Promise<void> {
    await this.call(`function () {
      const button = [...this.querySelectorAll('button')].find((b) => b.textContent.trim() === ${JSON.stringify(buttonText)});
      if (!button) throw new Error('no button ' + ${JSON.stringify(buttonText)});
      button.click();
    }`);
  }

  /** Where the card is on the screen (its viewport rectangle). */
  async rect(): Promise<{ left: number; top: number; right: number; bottom: number }> {
    return this.call('function () { const r = this.querySelector(".moment").getBoundingClientRect(); return { left: r.left, top: r.top, right: r.right, bottom: r.bottom }; }');
  }

  private async call<T>(functionDeclaration: string): Promise<T> {
    const { result, exceptionDetails } = (await this.cdp.send('Runtime.callFunctionOn', {
      objectId: this.rootObjectId,
      functionDeclaration,
      returnByValue: true,
    })) as { result: { value: T }; exceptionDetails?: { exception?: { description?: string } } };
    if (exceptionDetails !== undefined) throw new Error(exceptionDetails.exception?.description ?? 'the moment could not be read');
    return result.value;
  }
}

interface DomNode {
  backendNodeId: number;
  localName?: string;
  children?: DomNode[];
  shadowRoots?: DomNode[];
  contentDocument?: DomNode;
}

function findNodes(node: DomNode, match: (node: DomNode) => boolean, found: DomNode[] = []): DomNode[] {
  if (match(node)) found.push(node);
  for (const child of [...(node.children ?? []), ...(node.shadowRoots ?? [])]) findNodes(child, match, found);
  return found;
}

// ---------------------------------------------------------------------------
// Evidence on failure
// ---------------------------------------------------------------------------

/** A page of either driver (playwright or puppeteer) that can be photographed. */
export interface Snapshottable {
  url(): string;
  isClosed(): boolean;
  screenshot(options: { path: string; fullPage: boolean }): Promise<unknown>;
}

export type PageList = () => Snapshottable[] | Promise<Snapshottable[]>;

/** Screenshots every open page of `pages()` into test-results/e2e/ and returns the file paths. */
export async function screenshotAll(label: string, pages: PageList): Promise<string[]> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const safe = label.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').slice(0, 80);
  const paths: string[] = [];
  let n = 0;
  for (const page of await pages()) {
    if (page.isClosed()) continue;
    n++;
    const where = (() => {
      try {
        const u = new URL(page.url());
        return `${u.host}${u.pathname}`.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
      } catch {
        return 'blank';
      }
    })();
    const path = join(RESULTS_DIR, `${safe}-${stamp}-${n}-${where}.png`);
    try {
      await Promise.race([
        page.screenshot({ path, fullPage: true }),
        sleep(10_000).then(() => Promise.reject(new Error('screenshot timed out'))),
      ]);
      paths.push(`${path}  (${page.url()})`);
    } catch (error) {
      paths.push(`(no screenshot of ${page.url()}: ${String(error).split('\n')[0]})`);
    }
  }
  return paths;
}

/**
 * Runs a test body; when it fails, saves a screenshot of every open page and
 * adds their paths (and the server's last output) to the failure message,
 * for the reader of the CI log.
 */
export async function withEvidence(
  label: string,
  pages: PageList,
  body: () => Promise<void>,
  server?: ApiServer,
  extensionLog?: () => string,
): Promise<void> {
  try {
    await body();
  } catch (error) {
    const shots = await screenshotAll(label, pages).catch((e: unknown) => [`(screenshots failed: ${String(e)})`]);
    const note = `\nScreenshots of the open pages:\n${shots.map((s) => `  ${s}`).join('\n') || '  (no pages open)'}` +
      (server ? `\nAPI server output (last lines):\n${server.log() || '  (none)'}` : '') +
      (extensionLog ? `\nExtension service worker console (last lines):\n${extensionLog() || '  (none)'}` : '');
    if (error instanceof Error) {
      error.message += note;
      throw error;
    }
    throw new Error(`${String(error)}${note}`);
  }
}

// ---------------------------------------------------------------------------
// Reading pages (playwright-core has no web-first assertions: these wait instead)
// ---------------------------------------------------------------------------

/** The visible text of the first element `locator` finds, trimmed; waits for it to exist. */
export async function textOf(locator: Locator): Promise<string> {
  return (await locator.first().innerText({ timeout: 5_000 })).trim();
}

/** Waits until `locator` is visible; the failure names what was missing. */
export async function shown(locator: Locator, timeoutMs = 5_000): Promise<void> {
  await locator.first().waitFor({ state: 'visible', timeout: timeoutMs });
}
