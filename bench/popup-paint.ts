/**
 * `popup.paint`: opening `chrome-extension://<id>/popup.html` to the balance
 * on screen, in headless Chromium, for a signed-in member with 1,000
 * purchases in the extension's IndexedDB.
 *
 * The purchases get there through the product's own paths: a member
 * registered through the API books 1,000 purchases there (as their other
 * device would), signs in through the extension, and the sign-in's sync
 * pulls them into IndexedDB. The balance is then known: nothing available,
 * the sum of the booked points pending.
 *
 * Each opening is timed page-side from the popup's navigation start
 * (`performance.now()` is 0 there): a probe added before any of the page's
 * scripts (`page.addInitScript`) watches for `.balance-number` holding a
 * number, then waits for the next animation frame and one task after it, by
 * which time that frame has been painted. The ceiling is the same probe on a
 * static extension page holding the same element and no script of ours,
 * opened alternately with the popup.
 */
import type { Page } from 'playwright-core';
import { chromiumMissing } from './lib/chromium.ts';
import { startDemoServer, type DemoServer } from './lib/demo-server.ts';
import { BLANK_PAGE, countRows, readRecord, signInThroughExtension, startExtension, waitUntil, type ExtensionUnderTest } from './lib/extension.ts';
import { makePurchases, PASSWORD, postPurchases, registerMember } from './lib/members.ts';
import { notMeasured, result } from './lib/result.ts';
import { median, percentile } from './lib/stats.ts';
import type { Budget, Measured } from './lib/types.ts';

const PURCHASES = 1000;
const WARMUP = 3;
const OPENINGS = 31;

/** How many purchases the member has, and how often the popup is opened (after `WARMUP` openings). */
export interface PaintSetup {
  purchases: number;
  openings: number;
}
/** A demo partner without running offers: 1 point per euro (server/catalog/seed.ts). */
const PARTNER = { id: 'gartenglueck', currency: 'EUR' } as const;
const BUDGET: Budget & { figure: string } = { text: 'balance painted ≤ 150 ms after opening', limit: 150, direction: 'atMost', figure: 'paintMs' };

interface Opening {
  /** Navigation start → `.balance-number` with a number in the DOM (a MutationObserver callback). */
  domMs: number;
  /** Navigation start → the task after the first animation frame that followed: the frame is on screen. */
  paintMs: number;
  /** The popup's own `sammelpunkt:balance-painted` mark, if the page sets it. */
  markMs: number;
  /** first-contentful-paint of the page. */
  fcpMs: number;
  /** The driver's request to open the page → paintMs: adds the time before the navigation starts. */
  fromRequestMs: number;
  balanceText: string;
  pendingText: string;
}

/**
 * Runs in the opened page before its own scripts. It is source text, not a
 * function, because tsx would wrap a function's inner arrow functions in a
 * `__name` helper that does not exist in the page.
 */
const PAINT_PROBE = `(() => {
  const painted = new Promise((resolve) => {
    const seen = () => {
      const element = document.querySelector('.balance-number');
      if (element === null || !/\\d/.test(element.textContent || '')) return false;
      const domMs = performance.now();
      requestAnimationFrame(() => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => resolve({
          domMs,
          paintMs: performance.now(),
          balanceText: element.textContent || '',
          pendingText: (document.querySelector('.balance-pending') || {}).textContent || '',
        });
        channel.port2.postMessage(null);
      });
      return true;
    };
    if (seen()) return;
    const observer = new MutationObserver(() => {
      if (seen()) observer.disconnect();
    });
    observer.observe(document, { childList: true, subtree: true, characterData: true });
  });
  Object.defineProperty(window, '__benchPainted', { value: painted });
})();`;

async function open(ext: ExtensionUnderTest, path: string): Promise<Opening> {
  const page: Page = await ext.context.newPage();
  try {
    await page.addInitScript(PAINT_PROBE);
    const requestedAt = Date.now();
    await page.goto(ext.url(path), { waitUntil: 'commit' });
    const seen = await page.evaluate(async () => {
      type Seen = { domMs: number; paintMs: number; balanceText: string; pendingText: string };
      const { domMs, paintMs, balanceText, pendingText } = await (window as unknown as { __benchPainted: Promise<Seen> }).__benchPainted;
      const mark = performance.getEntriesByName('sammelpunkt:balance-painted')[0];
      // The browser reports a paint entry once the frame is presented, a little after it was produced.
      const fcpMs = await new Promise<number>((resolve) => {
        const observer = new PerformanceObserver((list) => {
          const entry = list.getEntriesByName('first-contentful-paint')[0];
          if (entry !== undefined) resolve(entry.startTime);
        });
        observer.observe({ type: 'paint', buffered: true });
        setTimeout(() => resolve(Number.NaN), 3000);
      });
      return { domMs, paintMs, balanceText, pendingText, markMs: mark?.startTime ?? Number.NaN, fcpMs, timeOrigin: performance.timeOrigin };
    });
    // The popup syncs right after it paints (its sync button is aria-busy meanwhile) and then paints
    // again; let that finish so the next opening does not meet it. A missed start only shortens the wait.
    if (path === 'popup.html') {
      const busy = 'section.sync [aria-busy="true"]';
      await page.waitForSelector(busy, { timeout: 5_000 }).catch(() => undefined);
      await page.waitForSelector(busy, { state: 'detached', timeout: 20_000 }).catch(() => undefined);
      await page.waitForTimeout(500);
    }
    return { ...seen, fromRequestMs: seen.timeOrigin + seen.paintMs - requestedAt };
  } finally {
    await page.close();
  }
}

const summary = (runs: readonly Opening[], key: keyof Omit<Opening, 'balanceText' | 'pendingText'>) => runs.map((r) => r[key]);

async function prepare(api: DemoServer, ext: ExtensionUnderTest, count: number): Promise<number> {
  const member = await registerMember(api.baseUrl, 'popup');
  const purchases = makePurchases(count, PARTNER.id, PARTNER.currency, `POPUP-${process.pid}-${count}`);
  let pending = 0;
  for (let i = 0; i < purchases.length; i += 100) {
    for (const r of await postPurchases(api.baseUrl, member.token, purchases.slice(i, i + 100))) {
      if (r.status !== 'accepted' || r.purchase === undefined) throw new Error(`the API did not accept a seeded purchase: ${JSON.stringify(r)}`);
      pending += r.purchase.points;
    }
  }
  await signInThroughExtension(ext, member.email, PASSWORD);
  await waitUntil(`${count} purchases pulled into IndexedDB`, () => countRows(ext, 'purchases'), (n) => n === count, 90_000 + count * 30);
  await waitUntil(
    'the pulled balance',
    async () => (await readRecord<{ balance?: { pending: number } }>(ext, 'syncState', 'current'))?.balance?.pending,
    (p) => p === pending,
    30_000,
  );
  return pending;
}

/** One size: the popup and the ceiling page opened alternately, with `purchases` in IndexedDB. */
export interface PaintRun {
  popup: Opening[];
  ceiling: Opening[];
  pending: number;
  purchasesInIndexedDb: number;
  /** `navigator.storage.estimate()` of the extension's origin, from an extension page: IndexedDB and the rest it stores. */
  storageBytes: number;
}

/** Opens the popup `setup.openings` times (after warm-ups) for a member with `setup.purchases` purchases, on a fresh server and profile. */
export async function paintRun(setup: PaintSetup): Promise<PaintRun> {
  const api = await startDemoServer();
  let ext: ExtensionUnderTest | undefined;
  try {
    ext = await startExtension(api.baseUrl);
    const pending = await prepare(api, ext, setup.purchases);
    const popup: Opening[] = [];
    const ceiling: Opening[] = [];
    for (let i = 0; i < WARMUP + setup.openings; i++) {
      const p = await open(ext, 'popup.html');
      const c = await open(ext, BLANK_PAGE);
      if (i < WARMUP) continue;
      popup.push(p);
      ceiling.push(c);
    }
    const storageBytes = await ext.blank.evaluate(async () => (await navigator.storage.estimate()).usage ?? Number.NaN);
    return { popup, ceiling, pending, purchasesInIndexedDb: await countRows(ext, 'purchases'), storageBytes };
  } finally {
    await ext?.close();
    await api.stop();
  }
}

export const paintFigures = (runs: readonly Opening[]) => ({
  paintMs: median(summary(runs, 'paintMs')),
  paintMsP95: percentile(summary(runs, 'paintMs'), 95),
});

export async function measurePaint(built: string): Promise<Measured> {
  const missing = chromiumMissing();
  if (missing) return notMeasured('popup.paint', BUDGET, missing);

  const { popup, ceiling, pending, purchasesInIndexedDb } = await paintRun({ purchases: PURCHASES, openings: OPENINGS });
  const last = popup[popup.length - 1];
  const shownPending = Number((last?.pendingText ?? '').replace(/\D/g, ''));
  const paint = summary(popup, 'paintMs');
  const ceilingPaint = summary(ceiling, 'paintMs');
  return result({
    name: 'popup.paint',
    figures: {
      paintMs: median(paint),
      paintMsP95: percentile(paint, 95),
      paintMsMax: Math.max(...paint),
      domMs: median(summary(popup, 'domMs')),
      markMs: median(summary(popup, 'markMs')),
      firstContentfulPaintMs: median(summary(popup, 'fcpMs')),
      fromRequestMs: median(summary(popup, 'fromRequestMs')),
      purchasesInIndexedDb,
      pendingPoints: pending,
      pendingShownMatches: shownPending === pending ? 1 : 0,
    },
    ceiling: {
      name: `a static page of the same extension (${BLANK_PAGE}, no script) with the same element, same probe`,
      figures: {
        paintMs: median(ceilingPaint),
        paintMsP95: percentile(ceilingPaint, 95),
        firstContentfulPaintMs: median(summary(ceiling, 'fcpMs')),
        fromRequestMs: median(summary(ceiling, 'fromRequestMs')),
      },
    },
    compare: { figure: 'paintMs', ceilingFigure: 'paintMs', lowerIsBetter: true },
    budget: BUDGET,
    notes: [
      built,
      `median, p95 and max of ${OPENINGS} openings after ${WARMUP} warm-ups, each in a new tab, alternating with the ceiling page`,
      'paintMs: from the popup navigation start (performance.now() = 0) to the task after the first animation frame that follows .balance-number holding a number, seen by a MutationObserver added with page.addInitScript before the page\'s scripts',
      'domMs: the balance in the DOM; markMs: the popup\'s own performance.mark(\'sammelpunkt:balance-painted\') right after its first render; fromRequestMs: the driver\'s request to open the page to paintMs (adds tab creation and navigation start)',
      `${PURCHASES} purchases booked through POST /v1/purchases for a member registered through the API (demo partner ${PARTNER.id}), pulled into IndexedDB by the sync that the extension's sign-in (the popup's popup:sign-in message) starts; the popup renders every one of them`,
      `balance known: 0 available, ${pending} pending (the sum of the points the API answered); the popup showed "${last?.balanceText ?? ''}" available and "${last?.pendingText ?? ''}"`,
      'API: npm start\'s server on PGlite in a temporary directory; the build is loaded from a copy that grants the demo partners\' origins, with consent given on the onboarding page',
    ],
  });
}
