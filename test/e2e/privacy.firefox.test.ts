/**
 * Privacy, proven in Firefox ESR: the member's journey (install, settings,
 * consent, sign-up, a purchase at a demo partner; the popup is Chromium's
 * test, as the driver cannot open it here), pages outside the catalogue and
 * a quiet spell, with every request going through the recording proxy
 * (Firefox's proxy prefs with loopback hijacking allowed and no direct
 * fallback). The same assertions as in Chromium, with two differences that
 * are Firefox's:
 * - the API is reached through the build's host permission for the API
 *   origin, so no CORS preflight is needed, and the `Origin` header carries
 *   this installation's random UUID, which the server never logs or stores
 *   (test/server/cors.test.ts); the figures record what was sent;
 * - Firefox has no DevTools protocol here to list a page's isolated worlds:
 *   the extension's own registered scripts are read instead, and must match
 *   no page outside the catalogue.
 */
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { ApiServer, FirefoxSession, memberToken, PASSWORD, serverPurchases, sleep, waitFor, withEvidence } from './harness.ts';
import { apiCalls, browserOwn, CONTRACT_PURCHASE_FIELDS, countsByWitness, describeAll, IDLE_MS, MOMENT_FINDING, READ_FINDING, probeScript, startOutsideSite, type OutsideSite } from './privacy.ts';
import { RecordingProxy, type RecordedRequest } from './recording-proxy.ts';

const SHOP = 'buecherwurm';
/** The Firefox build's id (wxt.config.ts), which is also its `runtime.id`. */
const GECKO_ID = 'extension@sammelpunkt.example';

let server: ApiServer;
let proxy: RecordingProxy;
let outside: OutsideSite;
let firefox: FirefoxSession;
let extensionTab: Page;
let partnerConfirmation = '<!doctype html><title>-</title>';
const email = `privacy-ff-${process.pid}-${Date.now()}@example.test`;
let brokenAt: string | undefined;

function step(name: string, body: () => Promise<void>, timeoutMs = 60_000): void {
  it(name, async (ctx: TestContext) => {
    if (brokenAt !== undefined) ctx.skip(`an earlier step failed: ${brokenAt}`);
    try {
      await withEvidence(`privacy firefox ${name}`, () => firefox.pages(), body, server);
    } catch (error) {
      brokenAt ??= name;
      throw error;
    }
  }, timeoutMs);
}

const apiHost = () => `localhost:${server.port}`;
const shopHost = () => `${SHOP}.localhost:${server.port}`;
const proxyPrefs = () => ({
  'network.proxy.type': 1,
  'network.proxy.http': '127.0.0.1',
  'network.proxy.http_port': proxy.port,
  'network.proxy.ssl': '127.0.0.1',
  'network.proxy.ssl_port': proxy.port,
  'network.proxy.no_proxies_on': '',
  'network.proxy.allow_hijacking_localhost': true,
  'network.proxy.failover_direct': false,
});

let ownTraffic: (r: RecordedRequest) => boolean = () => false;
const notBrowserOwn = (requests: RecordedRequest[]) => requests.filter((r) => !ownTraffic(r));

beforeAll(async () => {
  [server, proxy] = await Promise.all([ApiServer.start({ requestLog: true }), RecordingProxy.start()]);
  outside = await startOutsideSite(email, () => partnerConfirmation);
  proxy.injectIntoHtml = probeScript([GECKO_ID]);

  // The control run: the same browser and prefs without the extension.
  proxy.phase = 'control';
  const plain = await FirefoxSession.launchPlain({ prefs: proxyPrefs() });
  try {
    for (const url of [outside.pages[0]!.url, server.shopUrl(SHOP)]) {
      const page = await plain.newPage();
      await page.goto(url, { waitUntil: 'load' });
    }
    await sleep(3_000);
  } finally {
    await plain.close();
  }
  const pageHosts = new Set([new URL(outside.pages[0]!.url).host, shopHost()]);
  ownTraffic = browserOwn(new Set(proxy.during('control').filter((r) => !pageHosts.has(r.host)).map((r) => r.host)));

  proxy.phase = 'install';
  firefox = await FirefoxSession.launch(undefined, { prefs: proxyPrefs() });
});

afterAll(async () => {
  await firefox?.close();
  await Promise.all([server?.stop(), proxy?.close(), outside?.close()]);
});

async function pageShows(page: Page, text: string, timeoutMs = 15_000): Promise<void> {
  await waitFor(`"${text}" on ${page.url()}`, () => page.evaluate(() => document.body.innerText), (t) => t.includes(text), timeoutMs);
}

/** Moves the extension's tab to another of its pages by the page's own navigation (the driver may not). */
async function openInTab(tab: Page, path: string): Promise<void> {
  await tab.evaluate((to) => location.assign(to), path);
  await waitFor(`the extension tab to show ${path}`, () => tab.evaluate(() => `${location.pathname} ${document.readyState}`), (at) => at === `/${path} complete`);
  await sleep(500);
}

async function clickThrough(page: Page, selector: string): Promise<void> {
  const target = (await page.$$(selector))[0];
  if (target === undefined) throw new Error(`nothing to click at ${selector} on ${page.url()}`);
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), target.click()]);
}

async function probe(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __privacyProbe: () => string[] }).__privacyProbe());
}

async function phase(name: string, body: () => Promise<void>, settleMs = 2_000): Promise<RecordedRequest[]> {
  proxy.phase = name;
  await body();
  await sleep(settleMs);
  proxy.phase = `after ${name}`;
  return notBrowserOwn(proxy.during(name));
}

const figures: string[] = [];
function keep(name: string, requests: RecordedRequest[]): void {
  const api = requests.filter((r) => r.host === apiHost());
  figures.push(`${name}: ${api.length} to the API (${api.filter((r) => r.method === 'OPTIONS').length} preflights), ${requests.length - api.length} elsewhere`);
}

describe('Firefox ESR: only the configured API is contacted, only after consent, and only with the contract’s fields', () => {
  step('installing and opening the onboarding page sends nothing', async () => {
    extensionTab = await firefox.extensionTab('onboarding.html');
    await pageShows(extensionTab, 'Welcome to Sammelpunkt');
    await sleep(3_000);
    const sent = notBrowserOwn(proxy.during('install'));
    keep('install', sent);
    expect(sent, describeAll(sent)).toEqual([]);
  });

  step('pointing the extension at the API in the settings sends nothing', async () => {
    const sent = await phase('settings', async () => {
      await openInTab(extensionTab, 'options.html');
      await extensionTab.locator('#opt-api-url').fill(server.baseUrl);
      await extensionTab.locator('form button[type=submit]').click();
      await pageShows(extensionTab, 'Saved.');
    });
    keep('settings', sent);
    expect(sent, describeAll(sent)).toEqual([]);
  });

  step('agreeing makes the first request: the catalogue, once', async () => {
    const sent = await phase('consent', async () => {
      await openInTab(extensionTab, 'onboarding.html');
      await extensionTab.locator('button ::-p-text(Agree and allow on partner shops)').click();
      await pageShows(extensionTab, 'Thank you. Purchases at partner shops will be recorded.');
      // Firefox wants a click of its own for host access once the catalogue has arrived.
      await waitFor('the host-access step', () => extensionTab.evaluate(() => document.body.innerText), (t) => t.includes('Allow access to partner shops') || t.includes('Access to the partner shops is allowed.'));
      if ((await extensionTab.evaluate(() => document.body.innerText)).includes('Allow access to partner shops')) {
        await extensionTab.locator('button ::-p-text(Allow access to partner shops)').click();
      }
      await pageShows(extensionTab, 'Access to the partner shops is allowed.');
    });
    keep('consent', sent);
    expect(sent.filter((r) => r.host !== apiHost()), describeAll(sent)).toEqual([]);
    expect(apiCalls(sent, apiHost()), describeAll(sent)).toEqual({ calls: ['GET /v1/partners'], strayPreflights: [] });
  });

  step('signing up sends the email and password, then syncs', async () => {
    const sent = await phase('sign-up', async () => {
      await extensionTab.locator('button ::-p-text(New here? Create an account)').click();
      await extensionTab.locator('#onb-email').fill(email);
      await extensionTab.locator('#onb-password').fill(PASSWORD);
      await extensionTab.locator('button ::-p-text(Create account)').click();
      await pageShows(extensionTab, 'You are signed in. Happy collecting!');
    });
    keep('sign-up', sent);
    expect(sent.filter((r) => r.host !== apiHost()), describeAll(sent)).toEqual([]);
    expect(apiCalls(sent, apiHost()), describeAll(sent)).toEqual({
      calls: ['GET /v1/me/sync', 'GET /v1/offers', 'POST /v1/auth/register {email,password}'],
      strayPreflights: [],
    });
  });

  let shop: Page;
  step('a purchase at a partner shop: the shop sees only the moment; the API gets exactly the contract’s fields', async () => {
    const sent = await phase('purchase', async () => {
      shop = await firefox.browser.newPage();
      await shop.goto(server.shopUrl(SHOP), { waitUntil: 'load' });
      await clickThrough(shop, '.product-card h3 a');
      await clickThrough(shop, 'form.add-to-cart [type=submit]');
      await clickThrough(shop, 'a.checkout-button');
      await clickThrough(shop, 'form.checkout-form [type=submit]');
      const token = await memberToken(server, email);
      await waitFor('the purchase on the server', () => serverPurchases(server, token), (p) => p.length === 1, 20_000);
      await waitFor('the moment on the page', () => shop.evaluate(() => document.querySelectorAll('sammelpunkt-moment').length), (n) => n > 0, 10_000);
    });
    keep('purchase', sent);
    expect(sent.filter((r) => r.host !== apiHost() && r.host !== shopHost()), describeAll(sent)).toEqual([]);
    expect(apiCalls(sent, apiHost()), describeAll(sent)).toEqual({ calls: ['GET /v1/me/sync', 'POST /v1/purchases {purchases}'], strayPreflights: [] });
    const posted = sent.find((r) => r.host === apiHost() && r.method === 'POST' && r.path === '/v1/purchases');
    expect(posted?.bodyFields).toEqual(['purchases']);
    expect(posted?.purchaseFields).toEqual([CONTRACT_PURCHASE_FIELDS]);
    // The shop's own scripts saw the moment the member sees and, as they made dataLayer a Proxy, its being read; nothing else.
    const findings = await probe(shop);
    expect(findings).toEqual(expect.arrayContaining([MOMENT_FINDING, READ_FINDING]));
    expect(findings.filter((f) => f !== MOMENT_FINDING && f !== READ_FINDING)).toEqual([]);
    const confirmation = new URL(shop.url());
    partnerConfirmation = (await server.shopGet(SHOP, confirmation.pathname + confirmation.search)).body;
  });

  step('pages outside the catalogue (tracking ids, the member’s email, a look-alike host, a confirmation elsewhere): no request, no script, nothing noticed', async () => {
    const token = await memberToken(server, email);
    const before = await serverPurchases(server, token);
    const noticed: string[] = [];
    const sent = await phase('outside', async () => {
      for (const { what, url } of outside.pages) {
        const page = await firefox.browser.newPage();
        await page.goto(url, { waitUntil: 'load' });
        await sleep(1_500);
        const findings = await probe(page);
        if (findings.length > 0) noticed.push(`${what}: ${findings.join('; ')}`);
        await page.close();
      }
    });
    keep('outside', sent);
    expect(noticed).toEqual([]);
    const pageHosts = new Set(outside.pages.map((p) => new URL(p.url).host));
    expect(sent.filter((r) => !pageHosts.has(r.host)), describeAll(sent)).toEqual([]);
    expect(await serverPurchases(server, token)).toEqual(before);
    // The only scripts the extension registers match the partner shops, none of these pages.
    const registered = await extensionTab.evaluate(async () => {
      const api = (globalThis as unknown as { browser: { scripting: { getRegisteredContentScripts(): Promise<Array<{ id: string; matches?: string[]; world?: string }>> } } }).browser;
      return api.scripting.getRegisteredContentScripts();
    });
    expect(registered.map((s) => s.id)).toEqual(['sammelpunkt-detect']);
    expect(registered[0]?.world ?? 'ISOLATED').toBe('ISOLATED');
    for (const pattern of registered[0]?.matches ?? []) expect(pattern).toMatch(/^\*:\/\/(\*\.)?[a-z]+\.localhost\/\*$/);
    expect((registered[0]?.matches ?? []).some((p) => p.includes('evil') || p.includes('elsewhere'))).toBe(false);
  }, 90_000);

  step(`left alone for ${IDLE_MS / 1000} s, the extension sends nothing`, async () => {
    const sent = await phase('idle', () => sleep(IDLE_MS), 0);
    keep('idle', sent);
    expect(sent, describeAll(sent)).toEqual([]);
  });

  step('every request went to the API, a page the member opened, or is the browser’s own (as the control run without the extension shows)', async () => {
    const run = proxy.requests.filter((r) => r.phase !== 'control');
    const opened = new Set([apiHost(), shopHost(), ...outside.pages.map((p) => new URL(p.url).host)]);
    expect(run.filter((r) => !opened.has(r.host) && !ownTraffic(r)), describeAll(run)).toEqual([]);
    const own = run.filter(ownTraffic);
    const origins = new Set(run.filter((r) => r.host === apiHost()).map((r) => r.origin ?? '(none)'));
    figures.push(`the browser's own (refused by the proxy): ${own.length} requests to ${new Set(own.map((r) => r.host)).size} hosts; the control run: ${proxy.during('control').length}`);
    figures.push(`Origin on API requests: ${[...origins].map((o) => o.replace(/[0-9a-f-]{36}/, '<UUID>')).join(', ')}`);
    figures.push(...run.filter((r) => r.host === apiHost()).map((r) => `  ${r.method} ${r.path}: ${(r.origin ?? '(none)').replace(/[0-9a-f-]{36}/, '<UUID>')}`));
    // The API's own log agrees with the proxy, and holds no Origin value (in Firefox it names one installation).
    const witnesses = countsByWitness(server.requestLog, run, apiHost());
    expect(witnesses.apiLog).toEqual(witnesses.proxy);
    expect(JSON.stringify(server.requestLog)).not.toMatch(/moz-extension|chrome-extension/);
    figures.push(`the API's own log: ${server.requestLog.filter((l) => typeof l.route === 'string').length} request lines, none with an Origin`);
    console.log(`Firefox privacy figures:\n  ${figures.join('\n  ')}`);
  });
});
