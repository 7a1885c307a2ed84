import { afterEach, describe, expect, it } from 'vitest';
import { watchForConfirmation } from '../../../lib/detect/late.ts';
import type { Candidate } from '../../../lib/detect/types.ts';
import { loadHtml, type LoadedPage } from './load-page.ts';

const opened: LoadedPage[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((page) => page.close()));
});

const SHELL = '<!DOCTYPE html><html><body class="is-ctl-checkout is-act-finishpage"><main id="app"><div class="spinner">Bitte warten …</div></main></body></html>';
const FINISH = `<p class="finish-ordernumber">Ihre Bestellnummer: 10023</p>
  <dl><dt class="checkout-aside-summary-total">Gesamtsumme</dt><dd class="checkout-aside-summary-value checkout-aside-summary-total">123,45 €*</dd></dl>`;
const URL_FINISH = 'https://outdoor-stuebchen.de/checkout/finish';

/** Counts the observers the watcher starts and disconnects on this page's window. */
function countObservers(page: LoadedPage): { observed: number; disconnected: number } {
  const counts = { observed: 0, disconnected: 0 };
  const Original = page.window.MutationObserver;
  class Counted extends Original {
    override observe(...args: Parameters<InstanceType<typeof Original>['observe']>): void {
      counts.observed += 1;
      super.observe(...args);
    }
    override disconnect(): void {
      counts.disconnected += 1;
      super.disconnect();
    }
  }
  Object.defineProperty(page.window, 'MutationObserver', { value: Counted, configurable: true });
  return counts;
}

function shell(): LoadedPage & { observers: { observed: number; disconnected: number } } {
  const page = loadHtml(SHELL, URL_FINISH);
  opened.push(page);
  return { ...page, observers: countObservers(page) };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function renderLater(doc: Document, html: string): void {
  const app = doc.getElementById('app');
  if (app) app.innerHTML = html;
}

describe('watchForConfirmation', () => {
  it('reports a page that is already complete at once, without observing', () => {
    const page = loadHtml(SHELL.replace('<div class="spinner">Bitte warten …</div>', FINISH), URL_FINISH);
    opened.push(page);
    const found: Candidate[] = [];
    watchForConfirmation(page.doc, page.url, undefined, undefined, (candidate) => found.push(candidate));
    expect(found).toEqual([{ orderId: '10023', amountMinor: 12345, currency: 'EUR', method: 'shopware6' }]);
  });

  it('finds a confirmation rendered late, once, and stops observing', async () => {
    const { doc, url, observers } = shell();
    const found: Candidate[] = [];
    watchForConfirmation(doc, url, undefined, undefined, (candidate) => found.push(candidate), { debounceMs: 20, timeoutMs: 2000 });
    expect(found).toEqual([]);
    renderLater(doc, FINISH);
    await sleep(120);
    expect(found).toEqual([{ orderId: '10023', amountMinor: 12345, currency: 'EUR', method: 'shopware6' }]);
    expect(observers).toEqual({ observed: 1, disconnected: 1 });

    // Disconnected: a re-render with another order is not reported.
    renderLater(doc, FINISH.replace('10023', '10024'));
    await sleep(120);
    expect(found).toHaveLength(1);
  });

  it('follows a checkout that moves to its thank-you URL with pushState', async () => {
    const page = loadHtml('<!DOCTYPE html><html><body><main id="app"></main></body></html>', 'https://brightside.example/checkout');
    opened.push(page);
    let current = new URL('https://brightside.example/checkout');
    const found: Candidate[] = [];
    const ctx = { ga4Events: [] as unknown[] };
    watchForConfirmation(page.doc, () => current, undefined, ctx, (candidate) => found.push(candidate), { debounceMs: 20 });
    ctx.ga4Events.push({ event: 'purchase', ecommerce: { transaction_id: 'T-1', value: 19.99, currency: 'USD' } });
    current = new URL('https://brightside.example/checkout/thank-you');
    renderLater(page.doc, '<h1>Thank you!</h1>');
    await sleep(120);
    expect(found).toEqual([{ orderId: 'T-1', amountMinor: 1999, currency: 'USD', method: 'ga4' }]);
  });

  it('gives up after the timeout and ignores what renders afterwards', async () => {
    const { doc, url, observers } = shell();
    const found: Candidate[] = [];
    watchForConfirmation(doc, url, undefined, undefined, (candidate) => found.push(candidate), { debounceMs: 10, timeoutMs: 50 });
    await sleep(100);
    expect(observers).toEqual({ observed: 1, disconnected: 1 });
    renderLater(doc, FINISH);
    await sleep(80);
    expect(found).toEqual([]);
  });

  it('gives up after too many mutations', async () => {
    const { doc, url, observers } = shell();
    const found: Candidate[] = [];
    watchForConfirmation(doc, url, undefined, undefined, (candidate) => found.push(candidate), { debounceMs: 10, maxMutations: 5 });
    const app = doc.getElementById('app');
    for (let index = 0; index < 10; index += 1) app?.appendChild(doc.createElement('span'));
    await sleep(50);
    expect(observers.disconnected).toBe(1);
    renderLater(doc, FINISH);
    await sleep(80);
    expect(found).toEqual([]);
  });

  it('stops when asked to', async () => {
    const { doc, url, observers } = shell();
    const found: Candidate[] = [];
    const stop = watchForConfirmation(doc, url, undefined, undefined, (candidate) => found.push(candidate), { debounceMs: 10 });
    stop();
    expect(observers).toEqual({ observed: 1, disconnected: 1 });
    renderLater(doc, FINISH);
    await sleep(60);
    expect(found).toEqual([]);
  });
});
