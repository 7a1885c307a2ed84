/**
 * The pages the detection benchmark runs on, all about 200 KB of HTML:
 * each platform's padded confirmation page (committed under
 * test/fixtures/pages), and partner pages that are not confirmations —
 * the saved carts, checkout steps, product pages and order histories padded
 * here to the same size the same way, plus shop home pages, which no guard
 * rules out by URL, so every generic detector has to look and find nothing.
 */
import type { Partner } from '../../lib/contract/index.ts';
import type { Candidate } from '../../lib/detect/types.ts';
import { loadCorpus, readCorpusPage } from '../../test/fixtures/pages/corpus.ts';
import { makeLargePage } from '../../test/fixtures/pages/make-large.ts';

const NON_CONFIRMATION_KINDS = new Set(['cart', 'checkout-step', 'product', 'order-history']);
/** The platforms whose padded confirmations the benchmark has measured since the start; their other pages are padded alike. */
const BENCH_FOLDERS = new Set(['shopify', 'woocommerce', 'shopware6', 'magento2', 'prestashop']);

export interface BenchPage {
  file: string;
  kind: 'confirmation' | 'non-confirmation';
  url: string;
  html: string;
  expected: Candidate | null;
  partner: Partner;
}

function partnerFor(url: string, currency = 'EUR'): Partner {
  const host = new URL(url).hostname.replace(/^www\./, '');
  return {
    id: host.replace(/[^a-z0-9]+/g, '-'),
    name: host,
    domains: [host],
    category: 'shop',
    earn: { points: 1, per: 2 },
    currency,
    holdDays: 30,
    autoConfirm: true,
  };
}

const HOME_SHELLS: ReadonlyArray<readonly [file: string, url: string, html: string]> = [
  [
    'home-de (generated)',
    'https://gartenfreunde-shop.de/',
    '<!doctype html><html lang="de"><head><meta charset="utf-8"><title>Gartenfreunde – Alles für den Garten</title></head>' +
      '<body class="home page-template-default"><header><a href="/warenkorb/">Warenkorb (2)</a></header><main><h1>Frühlingsangebote</h1>' +
      '<p>Versandkostenfrei ab 49,00 €</p></main></body></html>',
  ],
  [
    'home-en (generated)',
    'https://northwind-outfitters.com/',
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Northwind Outfitters</title></head>' +
      '<body class="template-index"><header><a href="/cart">Cart (1)</a></header><main><h1>New season</h1>' +
      '<p>Free shipping on orders over $75.00</p></main></body></html>',
  ],
];

export function benchPages(): BenchPage[] {
  const pages: BenchPage[] = [];
  for (const e of loadCorpus().filter((page) => BENCH_FOLDERS.has(page.folder))) {
    const html = readCorpusPage(e);
    const file = e.file.slice(e.folder.length + 1);
    const expected = e.expected === null ? null : { ...e.expected, method: '' };
    if (e.large && expected) pages.push({ file, kind: 'confirmation', url: e.url, html, expected, partner: partnerFor(e.url, e.expected?.currency) });
    else if (e.kind && NON_CONFIRMATION_KINDS.has(e.kind))
      pages.push({ file: `${file} (padded)`, kind: 'non-confirmation', url: e.url, html: makeLargePage(html), expected: null, partner: partnerFor(e.url) });
  }
  for (const [file, url, shell] of HOME_SHELLS)
    pages.push({ file, kind: 'non-confirmation', url, html: makeLargePage(shell), expected: null, partner: partnerFor(url) });
  return pages;
}

/** The short label a page gets in figure names: `shopify-en-thank-you-large` → `shopify-en-thank-you-large`. */
export const pageLabel = (page: BenchPage) => page.file.replace(/\.html.*$/, '').replace(/ \(generated\)$/, '');
