/**
 * `record`: a purchase detected on a partner's confirmation page until its
 * receipt and outbox entry are committed in the extension's IndexedDB, in
 * headless Chromium with the built extension, consent given and a member
 * signed in, against `npm start`'s demo shops.
 *
 * Each run places a fresh order at the Schuhhaus demo shop (cart and
 * checkout posted with `fetch` from the shop's own origin, so the cookies
 * are the shop's), then opens its confirmation page in the shop's tab while
 * an extension page polls IndexedDB. Three instants, on the one wall clock
 * of the machine:
 *
 *  - detection: the background's on-demand read of the page's tracking
 *    objects (`readPageData` in the MAIN world) takes a copy of
 *    `window.dataLayer`, which the probe has made a `Proxy` that notes the
 *    instant. The detector runs the detectors as soon as that copy arrives,
 *    so this is just before the detection (the extension posts nothing on
 *    the page any more: a shop can only notice its own objects being read,
 *    docs/permissions.md);
 *  - record start: the receipt's `detectedAt`, which the background stamps
 *    as it starts `recordPurchase` (after the message hop and its catalogue
 *    and consent reads);
 *  - commit: the first read-only transaction over `purchases` and `outbox`
 *    that sees the new receipt. The receipt and its outbox entry are written
 *    in one read-write transaction over both stores, which a later read-only
 *    transaction over them cannot overlap, so that read sees both or
 *    neither (the outbox entry is checked).
 *
 * Ceiling: a bare read-write IndexedDB transaction putting two rows of the
 * same shape into a database of the same layout, from an extension page of
 * the same origin, in the same run.
 */
import type { Page } from 'playwright-core';
import { chromiumMissing } from './lib/chromium.ts';
import { startDemoServer, type DemoServer } from './lib/demo-server.ts';
import { buildExtension, countRows, signInThroughExtension, startExtension, type ExtensionUnderTest } from './lib/extension.ts';
import { PASSWORD, registerMember } from './lib/members.ts';
import { notMeasured, result } from './lib/result.ts';
import { median, percentile } from './lib/stats.ts';
import type { Measured } from './lib/types.ts';

const SHOP = 'schuhhaus';
const WARMUP = 2;
const RUNS = 12;
const CEILING_RUNS = 40;

/*
 * The page-side scripts below are source text rather than functions: tsx
 * wraps a function's inner arrow functions in a `__name` helper that does
 * not exist in the page.
 */

/** On the shop's tab, before its scripts: when the extension's MAIN-world read copies `dataLayer` (it slices it). */
const DETECTION_PROBE = `(() => {
  let resolveSeen;
  const seen = new Promise((resolve) => { resolveSeen = resolve; });
  window.dataLayer = new Proxy([], {
    get(target, key, receiver) {
      if (key === 'slice') resolveSeen(performance.now());
      return Reflect.get(target, key, receiver);
    },
  });
  Object.defineProperty(window, '__benchDetection', { value: seen });
})();`;

/** On a shop page: product → cart → checkout → place order, as the forms would post; answers the confirmation URL. */
const PLACE_ORDER = `async (productPath) => {
  const parse = async (response) => new DOMParser().parseFromString(await response.text(), 'text/html');
  const product = await parse(await fetch(productPath));
  const add = product.querySelector('form.add-to-cart');
  const cart = await fetch(add.getAttribute('action'), { method: 'POST', body: new URLSearchParams(new FormData(add)) });
  const checkoutLink = (await parse(cart)).querySelector('a.checkout-button');
  const checkout = await parse(await fetch(checkoutLink.getAttribute('href')));
  const form = checkout.querySelector('form.checkout-form');
  const placed = await fetch(form.getAttribute('action'), { method: 'POST', body: new URLSearchParams(new FormData(form)) });
  return placed.url;
}`;

/** On an extension page: polls until `purchases` holds more than `before` rows; the commit instant and what was committed. */
const WAIT_FOR_COMMIT = `async ({ before, timeoutMs }) => {
  const done = (request) => new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const db = await done(indexedDB.open('sammelpunkt'));
  const startedAt = performance.now();
  const deadline = Date.now() + timeoutMs;
  let polls = 0;
  try {
    for (;;) {
      const tx = db.transaction(['purchases', 'outbox'], 'readonly');
      const count = await done(tx.objectStore('purchases').count());
      polls++;
      if (count > before) {
        const committedAt = performance.timeOrigin + performance.now();
        const cursor = await done(tx.objectStore('purchases').index('by-detectedAt').openCursor(null, 'prev'));
        const receipt = cursor.value;
        const outbox = await done(tx.objectStore('outbox').get(receipt.id));
        return {
          committedAt,
          detectedAt: Date.parse(receipt.detectedAt),
          orderId: receipt.orderId,
          outboxCreatedAt: outbox ? Date.parse(outbox.createdAt) : null,
          pollMs: (performance.now() - startedAt) / polls,
        };
      }
      if (Date.now() > deadline) return null;
    }
  } finally {
    db.close();
  }
}`;

/** On an extension page: `runs` bare read-write transactions of two rows each; their durations in ms. */
const BARE_TRANSACTIONS = `async (runs) => {
  const name = 'sammelpunkt-bench-ceiling';
  const done = (request) => new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const open = indexedDB.open(name, 1);
  open.onupgradeneeded = () => {
    const purchases = open.result.createObjectStore('purchases', { keyPath: 'id' });
    purchases.createIndex('by-order', ['partnerId', 'orderId'], { unique: true });
    purchases.createIndex('by-detectedAt', 'detectedAt');
    open.result.createObjectStore('outbox', { keyPath: 'id' }).createIndex('by-nextAttemptAt', 'nextAttemptAt');
  };
  const db = await done(open);
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const at = new Date();
    const id = crypto.randomUUID();
    const receipt = { id, partnerId: 'schuhhaus', orderId: 'CEILING-' + i, amountMinor: 12900, currency: 'EUR', detectedAt: at.toISOString(),
      method: 'json-ld', pageOrigin: 'http://schuhhaus.localhost', pagePath: '/checkout/finish', estimatedPoints: 258 };
    const start = performance.now();
    const tx = db.transaction(['purchases', 'outbox'], 'readwrite');
    tx.objectStore('purchases').add(receipt);
    tx.objectStore('outbox').add({ id, attempts: 0, nextAttemptAt: at.getTime(), createdAt: receipt.detectedAt });
    await new Promise((resolve, reject) => {
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
    });
    samples.push(performance.now() - start);
  }
  db.close();
  await done(indexedDB.deleteDatabase(name));
  return samples;
}`;

interface Commit {
  committedAt: number;
  detectedAt: number;
  orderId: string;
  outboxCreatedAt: number | null;
  pollMs: number;
}

interface Run {
  /** Detection (main world sees the content script's request) → commit. */
  recordMs: number;
  /** The background's `detectedAt` → commit. */
  backgroundMs: number;
  /** Detection → the background's `detectedAt`: the message hop and the reads before recording. */
  handoffMs: number;
  navToDetectionMs: number;
  navToCommitMs: number;
  pollMs: number;
}

const call = <A, R>(page: Page, source: string, arg: A): Promise<R> => page.evaluate(`(${source})(${JSON.stringify(arg)})`) as Promise<R>;

async function productPath(shop: Page, api: DemoServer): Promise<string> {
  await shop.goto(api.shopUrl(SHOP));
  const href = await shop.locator('.product-card h3 a').first().getAttribute('href');
  if (href === null) throw new Error(`no product link on the ${SHOP} demo shop's home page`);
  return new URL(href, api.shopUrl(SHOP)).pathname;
}

async function recordOnce(ext: ExtensionUnderTest, shop: Page, product: string): Promise<Run> {
  const confirmation = await call<string, string>(shop, PLACE_ORDER, product);
  const before = await countRows(ext, 'purchases');
  const committed = call<{ before: number; timeoutMs: number }, Commit | null>(ext.blank, WAIT_FOR_COMMIT, { before, timeoutMs: 20_000 });
  await shop.goto(confirmation, { waitUntil: 'commit' });
  const commit = await committed;
  if (commit === null) throw new Error(`no receipt was committed within 20 s of opening ${confirmation}`);
  if (commit.outboxCreatedAt === null) throw new Error(`receipt of order ${commit.orderId} was committed without its outbox entry`);
  const page = (await shop.evaluate(
    `Promise.race([window.__benchDetection, new Promise((r) => setTimeout(() => r(NaN), 5000))]).then((ms) => ({ detectionMs: ms, timeOrigin: performance.timeOrigin }))`,
  )) as { detectionMs: number; timeOrigin: number };
  const detection = page.timeOrigin + page.detectionMs;
  return {
    recordMs: commit.committedAt - detection,
    backgroundMs: commit.committedAt - commit.detectedAt,
    handoffMs: commit.detectedAt - detection,
    navToDetectionMs: page.detectionMs,
    navToCommitMs: commit.committedAt - page.timeOrigin,
    pollMs: commit.pollMs,
  };
}

export async function runRecord(): Promise<Measured[]> {
  const missing = chromiumMissing();
  if (missing) return [notMeasured('record', null, missing)];
  const built = buildExtension();
  const api = await startDemoServer();
  let ext: ExtensionUnderTest | undefined;
  try {
    ext = await startExtension(api.baseUrl);
    const member = await registerMember(api.baseUrl, 'record');
    await signInThroughExtension(ext, member.email, PASSWORD);
    const shop = await ext.context.newPage();
    await shop.addInitScript(DETECTION_PROBE);
    const product = await productPath(shop, api);
    const runs: Run[] = [];
    for (let i = 0; i < WARMUP + RUNS; i++) {
      const run = await recordOnce(ext, shop, product);
      if (i >= WARMUP) runs.push(run);
      // Let the sync that each recording starts reach the API before the next order.
      await shop.waitForTimeout(1000);
    }
    const bare = await call<number, number[]>(ext.blank, BARE_TRANSACTIONS, CEILING_RUNS);
    const of = (key: keyof Run) => runs.map((r) => r[key]);
    const detected = runs.filter((r) => Number.isFinite(r.recordMs)).length;
    return [
      result({
        name: 'record',
        figures: {
          recordMs: median(of('recordMs')),
          recordMsP95: percentile(of('recordMs'), 95),
          backgroundMs: median(of('backgroundMs')),
          handoffMs: median(of('handoffMs')),
          navToDetectionMs: median(of('navToDetectionMs')),
          navToCommitMs: median(of('navToCommitMs')),
          pollMs: median(of('pollMs')),
        },
        ceiling: {
          name: 'a bare IndexedDB read-write transaction putting a receipt and an outbox row, from an extension page of the same origin',
          figures: { transactionMs: median(bare), transactionMsP95: percentile(bare, 95) },
        },
        compare: { figure: 'recordMs', ceilingFigure: 'transactionMs', lowerIsBetter: true },
        notes: [
          built,
          `median and p95 of ${RUNS} orders after ${WARMUP} warm-ups, each a fresh order at the ${SHOP} demo shop (its confirmation page opened in the same tab); ceiling: median of ${CEILING_RUNS} transactions`,
          'recordMs: detection (the extension\'s MAIN-world read copies the page\'s dataLayer, just before the detectors run on the copy) → the first read-only transaction over purchases and outbox that sees the receipt (its outbox entry checked in the same transaction)',
          'backgroundMs: the receipt\'s detectedAt (stamped by the background as recordPurchase starts) → commit; handoffMs: detection → detectedAt (message hop, the background\'s catalogue, partner and consent reads)',
          `navToDetectionMs / navToCommitMs: from the confirmation page's navigation start; pollMs: one IndexedDB poll from the extension page (the resolution of the commit instant); ${detected} of ${RUNS} runs saw the page data read`,
          'no DESIGN.md budget for this path; API: npm start\'s server on PGlite in a temporary directory; consent given on the onboarding page of a build copy that grants the demo partners\' origins; member signed in through the extension',
        ],
      }),
    ];
  } finally {
    await ext?.close();
    await api.stop();
  }
}
