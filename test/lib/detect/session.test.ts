/**
 * The page the final checkout step led to (lib/detect/session.ts): shops
 * whose confirmation is the order's own page, also shown later from the
 * account, record the order only when the browser saw the member come from
 * the final step; and coming from it never makes a failed payment, a cart or
 * a list of orders into an order.
 */
import { describe, expect, it } from 'vitest';
import { judge } from '../../../lib/detect/index.ts';
import { partnerFor } from '../../../scripts/detect-accuracy.ts';
import { parsePage } from '../../../scripts/lib/parse-html.ts';
import { loadCorpus, readCorpusPage, type CorpusPage } from '../../fixtures/pages/corpus.ts';

const CORPUS = loadCorpus();

function page(file: string): CorpusPage {
  const found = CORPUS.find((entry) => entry.file === file);
  if (found === undefined) throw new Error(`no corpus page ${file}`);
  return found;
}

function verdict(entry: CorpusPage, afterFinalStep: boolean) {
  return judge(parsePage(readCorpusPage(entry)), new URL(entry.url), partnerFor(entry), afterFinalStep ? { afterFinalStep } : undefined);
}

describe('the page the final checkout step led to', () => {
  const orderPages = CORPUS.filter((entry) => entry.afterFinalStep === true);

  it('is recorded where the shop shows no thank-you, only the order (ERPNext, Kirby Merx)', () => {
    expect(orderPages.map((entry) => entry.folder)).toEqual(expect.arrayContaining(['erpnext', 'merx']));
    for (const entry of orderPages) {
      const found = verdict(entry, true);
      expect(found.kind === 'order' ? { ...found.candidate, method: undefined } : found.kind, entry.file).toEqual({ ...entry.expected, method: undefined });
    }
  });

  it('the same order page opened any other way records nothing, when nothing else on it names a new order', () => {
    for (const file of ['erpnext/order-placed-en-gb.html', 'merx/order-de-paypal.html', 'merx/order-de-prepayment.html', 'erpnext/order-past-completed-en-gb.html']) {
      expect(verdict(page(file), false).kind, file).toBe('none');
    }
  });

  it('never turns a review step, a cart, a product, a failed payment or a newsletter thank-you into an order', () => {
    const kinds = new Set(['checkout-step', 'cart', 'product', 'failed-payment', 'newsletter']);
    const negatives = CORPUS.filter((entry) => entry.expected === null && entry.ask !== true && kinds.has(entry.kind ?? ''));
    expect(negatives.length).toBeGreaterThan(150);
    const recorded = negatives.filter((entry) => verdict(entry, true).kind !== 'none').map((entry) => entry.file);
    expect(recorded).toEqual([]);
  });

  it('does not take a list of several orders for the one just placed', () => {
    for (const file of ['abantecart/account_history-es.html', 'smartstore/account-orders-en-gb.html', 'reaction/profile-orders-de.html']) {
      expect(verdict(page(file), true).kind, file).toBe('none');
    }
  });
});
