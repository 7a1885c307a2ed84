/**
 * The whole corpus (test/fixtures/pages/), each page written from a shop
 * system's template source: every confirmation gives its order number and
 * grand total, nothing else gives an order, and the URL is only a hint.
 */
import { describe, expect, it } from 'vitest';
import { judge } from '../../../lib/detect/index.ts';
import { CONFIRMATION_MARKERS, hasConfirmationMarker } from '../../../lib/detect/platforms.ts';
import { parsePage } from '../../../scripts/lib/parse-html.ts';
import { classify, partnerFor } from '../../../scripts/detect-accuracy.ts';
import { contextFor, readCorpusPage } from '../../fixtures/pages/corpus.ts';
import { CORPUS } from './load-page.ts';

const confirmations = CORPUS.filter((page) => page.expected !== null && page.ask !== true);
const negatives = CORPUS.filter((page) => page.expected === null && page.ask !== true);
const asks = CORPUS.filter((page) => page.ask === true);

/** Judged as on the partner's page: its currency known from the catalogue, no rules of its own. */
function verdictOn(file: string, url: string) {
  const page = CORPUS.find((entry) => entry.file === file);
  if (page === undefined) throw new Error(file);
  return judge(parsePage(readCorpusPage(page)), new URL(url), partnerFor(page), contextFor(page));
}

describe('the corpus', () => {
  it('covers at least 15 shop systems with 60 confirmations and 20 pages that are not orders, in 8 currencies and locales', () => {
    const systems = new Set(confirmations.map((page) => page.system));
    expect(CORPUS.length).toBeGreaterThanOrEqual(80);
    expect(confirmations.length).toBeGreaterThanOrEqual(60);
    expect(negatives.length).toBeGreaterThanOrEqual(20);
    expect(systems.size).toBeGreaterThanOrEqual(15);
    expect(new Set(confirmations.map((page) => page.expected?.currency)).size).toBeGreaterThanOrEqual(8);
    expect(new Set(CORPUS.map((page) => page.locale?.toLowerCase())).size).toBeGreaterThanOrEqual(8);
  });

  it('has the final review step of every shop system, and every other kind of page that must not count', () => {
    const platforms = new Set(confirmations.map((page) => page.folder));
    // Custom shops and tags are not one shop system with one review step.
    for (const folder of ['custom', 'custom2', 'tracking', 'tags2', 'json-ld']) platforms.delete(folder);
    // VTEX hosts its checkout in an app, and Hyvä's checkout is a commercial module: no public template holds their
    // review steps. The sixth and seventh blind batches wrote Shopsys', CoreShop's and WP EasyCart's account and
    // failure pages but not their review steps, nor did the sixteenth Crystallize's (still to come).
    for (const folder of ['vtex-io', 'hyva', 'shopsys', 'coreshop', 'wp-easycart', 'crystallize-furniture']) platforms.delete(folder);
    for (const folder of platforms) {
      expect(CORPUS.some((page) => page.folder === folder && page.kind === 'checkout-step'), `${folder} has its review step`).toBe(true);
    }
    const kinds = new Set(negatives.map((page) => page.kind));
    expect(asks.length).toBeGreaterThan(0);
    for (const kind of ['checkout-step', 'cart', 'product', 'order-history', 'failed-payment', 'newsletter']) expect(kinds).toContain(kind);
  });

  it('says for every page which template source it follows', () => {
    for (const page of CORPUS) expect(page.source.length, page.file).toBeGreaterThan(10);
  });
});

describe('.happy: every confirmation gives its order number, grand total and currency', () => {
  it.each(confirmations.map((page) => [page.file, page] as const))('%s', (file, page) => {
    const verdict = verdictOn(file, page.url);
    expect(verdict.kind === 'order' ? { ...verdict.candidate, method: undefined } : verdict.kind).toEqual({ ...page.expected, method: undefined });
  });
});

describe('.error: pages that are not a new order give nothing, wherever they are', () => {
  it.each(negatives.map((page) => [page.file, page] as const))('%s', (file, page) => {
    // A past order's own page at a confirmation's address would look like one; every other page must not.
    const urls = [page.url, 'https://shop.example/page', ...(page.kind === 'order-history' ? [] : ['https://shop.example/checkout/thank-you'])];
    for (const url of urls) {
      const verdict = verdictOn(file, url);
      expect(verdict.kind, `at ${url}`).toBe('none');
      if (verdict.kind === 'none') expect(verdict.reason).toMatch(/\S/);
    }
  });

  it.each(asks.map((page) => [page.file, page] as const))('%s is a confirmation without its number or total on the page: the member is asked', (file, page) => {
    expect(verdictOn(file, page.url).kind).toBe('ambiguous');
    expect(['exact', 'correct-negative']).toContain(classify(page, verdictOn(file, page.url)));
  });
});

describe('.happy: the address is a hint, not the judge', () => {
  it('at a neutral address nearly every confirmation is still found, and none with another value', () => {
    const outcomes = confirmations.filter((page) => !page.large).map((page) => classify(page, verdictOn(page.file, 'https://shop.example/page')));
    const exact = outcomes.filter((outcome) => outcome === 'exact').length;
    expect(outcomes.filter((outcome) => outcome === 'wrong')).toEqual([]);
    expect(exact / outcomes.length).toBeGreaterThanOrEqual(0.95);
  });
});

describe('the cheap marker probe', () => {
  it('finds a confirmation marker on exactly the corpus pages the whole selector list matches', () => {
    const differ = CORPUS.filter((page) => {
      const doc = parsePage(readCorpusPage(page));
      return hasConfirmationMarker(doc) !== (doc.querySelector(CONFIRMATION_MARKERS) !== null);
    }).map((page) => page.file);
    expect(differ).toEqual([]);
    // The probe is asked something on enough pages to mean anything.
    expect(CORPUS.filter((page) => hasConfirmationMarker(parsePage(readCorpusPage(page)))).length).toBeGreaterThan(30);
  });
});

/**
 * A shop nobody here has seen may carry no tag, no structured data, no
 * platform class and an address that says nothing. The page as a member
 * reads it: scripts, classes, ids, title and address taken away.
 */
function strippedVerdict(page: (typeof CORPUS)[number]) {
  const doc = parsePage(readCorpusPage(page));
  for (const element of Array.from(doc.querySelectorAll('script, noscript, template'))) element.remove();
  for (const element of Array.from(doc.querySelectorAll('[class], [id]'))) {
    element.removeAttribute('class');
    element.removeAttribute('id');
  }
  const title = doc.querySelector('title');
  if (title !== null) title.textContent = 'Shop';
  return judge(doc, new URL(`https://${new URL(page.url).hostname}/s7f3a`), partnerFor(page));
}

describe('.happy: the words on the page are enough', () => {
  it('with scripts, classes, title and address taken away, no confirmation gives another value, and nearly all are found or asked about', () => {
    const outcomes = CORPUS.filter((page) => page.expected !== null && !page.large).map((page) => [page.file, classify(page, strippedVerdict(page))] as const);
    expect(outcomes.filter(([, outcome]) => outcome === 'wrong')).toEqual([]);
    const foundOrAsked = outcomes.filter(([, outcome]) => outcome === 'exact' || outcome === 'asked').length;
    expect(foundOrAsked / outcomes.length).toBeGreaterThanOrEqual(0.95);
  });

  it('with the same taken away, no page that is not an order becomes one or is asked about', () => {
    const wrong = negatives.filter((page) => !page.large && classify(page, strippedVerdict(page)) === 'false-positive').map((page) => page.file);
    expect(wrong).toEqual([]);
  });
});
