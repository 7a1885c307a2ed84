/**
 * The detection corpus as a gate:
 *
 *   npm run detect:accuracy [-- --only <folder>] [-- --explain]
 *
 * Runs the detectors on every page under test/fixtures/pages/ (as on a
 * partner page: the partner's currency known, no detection rules for it, as
 * for a shop nobody here has configured) and prints a table per shop
 * system: confirmations found exactly, found with a wrong value, asked about
 * (the member would have to confirm), missed, and pages that are not an
 * order but were recorded or asked about (false positives). Exits 1 below
 * 100 % exact or above 0 false positives.
 */
import type { Partner } from '../lib/contract/index.ts';
import { currencyOfLocale } from '../lib/detect/currency.ts';
import { explainVerdict, judge } from '../lib/detect/index.ts';
import type { Verdict } from '../lib/detect/types.ts';
import { contextFor, loadCorpus, readCorpusPage, type CorpusPage } from '../test/fixtures/pages/corpus.ts';
import { parsePage } from './lib/parse-html.ts';

type Outcome = 'exact' | 'wrong' | 'asked' | 'missed' | 'correct-negative' | 'false-positive';

export interface PageResult {
  page: CorpusPage;
  outcome: Outcome;
  verdict: Verdict;
  ms: number;
}

export function classify(page: CorpusPage, verdict: Verdict): Outcome {
  const { expected } = page;
  if (expected === null) {
    if (verdict.kind === 'order') return 'false-positive';
    if (verdict.kind === 'ambiguous') return page.ask === true ? 'correct-negative' : 'false-positive';
    return page.ask === true ? 'missed' : 'correct-negative';
  }
  // A confirmation that shows no total (or no number) at all: asking the member is the right answer.
  if (verdict.kind === 'ambiguous') return page.ask === true ? 'exact' : 'asked';
  if (verdict.kind === 'none') return 'missed';
  const { orderId, amountMinor, currency } = verdict.candidate;
  return orderId === expected.orderId && amountMinor === expected.amountMinor && currency === expected.currency ? 'exact' : 'wrong';
}

/**
 * The partner a page is judged for, as on a partner's page in the browser:
 * the catalogue gives each partner its currency, which is what a tag that
 * names no currency (Matomo, ga.js) is counted in. Nothing else of the
 * partner is known (no detection rules).
 */
export function partnerFor(page: CorpusPage): Partner {
  const currency = page.expected?.currency ?? currencyOfLocale(page.locale) ?? 'EUR';
  return { id: 'corpus', name: 'Corpus shop', domains: [new URL(page.url).hostname], category: 'corpus', earn: { points: 1, per: 1 }, currency, holdDays: 30, autoConfirm: false };
}

export function runCorpus(pages: CorpusPage[]): PageResult[] {
  return pages.map((page) => {
    const doc = parsePage(readCorpusPage(page));
    const started = performance.now();
    const verdict = judge(doc, new URL(page.url), partnerFor(page), contextFor(page));
    const ms = performance.now() - started;
    return { page, outcome: classify(page, verdict), verdict, ms };
  });
}

function describe(result: PageResult): string {
  const { verdict, page } = result;
  const want = page.expected === null ? (page.ask ? 'ask the member' : 'nothing') : `${page.expected.orderId} ${page.expected.amountMinor} ${page.expected.currency}`;
  let got: string;
  if (verdict.kind === 'order') got = `${verdict.candidate.orderId} ${verdict.candidate.amountMinor} ${verdict.candidate.currency} (${verdict.candidate.method})`;
  else if (verdict.kind === 'ambiguous') got = `asked: ${verdict.reason} ids [${verdict.choices.orderIds.join(', ')}] totals [${verdict.choices.totals.map((t) => `${t.amountMinor} ${t.currency}`).join(', ')}]`;
  else got = `nothing: ${verdict.reason}`;
  return `${result.outcome.padEnd(15)} ${page.file}\n    expected ${want}\n    got      ${got}`;
}

function main(argv: string[]): number {
  const onlyAt = argv.indexOf('--only');
  const only = onlyAt === -1 ? undefined : argv[onlyAt + 1];
  const explain = argv.includes('--explain');
  const pages = loadCorpus().filter((page) => only === undefined || page.folder === only || page.file === only);
  const results = runCorpus(pages);

  const rows = new Map<string, Record<Outcome, number>>();
  for (const { page, outcome } of results) {
    const row = rows.get(page.system) ?? { exact: 0, wrong: 0, asked: 0, missed: 0, 'correct-negative': 0, 'false-positive': 0 };
    row[outcome] += 1;
    rows.set(page.system, row);
  }
  const header = ['system', 'confirmations', 'exact', 'wrong value', 'asked', 'missed', 'negatives', 'false positive'];
  const table = [...rows.entries()].map(([system, row]) => {
    const confirmations = row.exact + row.wrong + row.asked + row.missed;
    const negatives = row['correct-negative'] + row['false-positive'];
    return [system, confirmations, row.exact, row.wrong, row.asked, row.missed, negatives, row['false-positive']].map(String);
  });
  const widths = header.map((title, column) => Math.max(title.length, ...table.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join('  ');
  console.log(line(header));
  for (const row of table) console.log(line(row));

  const failures = results.filter(({ outcome }) => outcome !== 'exact' && outcome !== 'correct-negative');
  for (const failure of failures) {
    console.log(`\n${describe(failure)}`);
    if (explain) {
      const thorough = judge(parsePage(readCorpusPage(failure.page)), new URL(failure.page.url), partnerFor(failure.page), contextFor(failure.page), { thorough: true });
      for (const text of explainVerdict(thorough)) console.log(`      ${text}`);
    }
  }
  const positives = results.filter(({ page }) => page.expected !== null);
  const exact = positives.filter(({ outcome }) => outcome === 'exact').length;
  const falsePositives = results.filter(({ outcome }) => outcome === 'false-positive').length;
  const systems = new Set(results.map(({ page }) => page.system)).size;
  const slowest = Math.max(0, ...results.map(({ ms }) => ms));
  console.log(
    `\n${results.length} pages from ${systems} shop systems: ${exact} of ${positives.length} confirmations exact ` +
      `(${positives.length === 0 ? 100 : ((exact / positives.length) * 100).toFixed(1)} %), ${falsePositives} false positives; ` +
      `slowest page ${slowest.toFixed(1)} ms in Node (linkedom)`,
  );
  return exact === positives.length && falsePositives === 0 && results.every(({ outcome }) => outcome !== 'missed') ? 0 : 1;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = main(process.argv.slice(2));
