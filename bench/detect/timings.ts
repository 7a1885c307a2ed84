/** One page's timings, and how a set of them becomes result lines. */
import type { Candidate } from '../../lib/detect/types.ts';
import { result } from '../lib/result.ts';
import { median, percentile } from '../lib/stats.ts';
import type { Figures, Measured } from '../lib/types.ts';
import { type BenchPage, pageLabel } from './pages.ts';

export interface PageTiming {
  page: BenchPage;
  /** Runs as the content script meets the page: no query result cached from an earlier run. */
  detectMs: number[];
  /** happy-dom only: repeated runs on an unchanged document, answered from its query cache. */
  cachedMs?: number[];
  /** Chromium only: the first call after the bundle was injected into a freshly loaded page (cold JIT). */
  firstRunMs?: number;
  titleQueryMs: number[];
  fullTextReadMs: number[];
  candidate: Candidate | null;
}

const sameCandidate = (a: Candidate | null, b: Candidate | null) =>
  a === b || (a !== null && b !== null && a.orderId === b.orderId && a.amountMinor === b.amountMinor && a.currency === b.currency);

const BUDGETS = {
  confirmation: { text: 'detection on a 200 KB confirmation page ≤ 5 ms', limit: 5 },
  'non-confirmation': { text: 'detection on a partner page that is not a confirmation ≤ 0.5 ms', limit: 0.5 },
} as const;

/** One line per kind of page: the slowest page's median is held against the budget; every page's median is listed. */
export function linesFor(where: 'node' | 'chromium', timings: readonly PageTiming[], notes: string[]): Measured[] {
  const lines: Measured[] = [];
  for (const kind of ['confirmation', 'non-confirmation'] as const) {
    const ofKind = timings.filter((t) => t.page.kind === kind);
    if (ofKind.length === 0) continue;
    const worst = ofKind.reduce((a, b) => (median(a.detectMs) >= median(b.detectMs) ? a : b));
    const figures: Figures = {
      pages: ofKind.length,
      worstMedianMs: median(worst.detectMs),
      worstP99Ms: Math.max(...ofKind.map((t) => percentile(t.detectMs, 99))),
    };
    const firstRuns = ofKind.flatMap((t) => (t.firstRunMs === undefined ? [] : [t.firstRunMs]));
    if (firstRuns.length > 0) figures.worstFirstRunMs = Math.max(...firstRuns);
    const cached = ofKind.flatMap((t) => (t.cachedMs === undefined ? [] : [median(t.cachedMs)]));
    if (cached.length > 0) figures.worstCachedMedianMs = Math.max(...cached);
    for (const t of ofKind) figures[`${pageLabel(t.page)}.medianMs`] = median(t.detectMs);
    const wrong = ofKind.filter((t) => !sameCandidate(t.candidate, t.page.expected)).map((t) => `${t.page.file} gave ${JSON.stringify(t.candidate)}`);
    lines.push(
      result({
        name: `detect.${where}.${kind}`,
        figures,
        ceiling: {
          name: `document.querySelector('title') on the slowest page (${pageLabel(worst.page)})`,
          figures: { medianMs: median(worst.titleQueryMs), fullTextReadMedianMs: median(worst.fullTextReadMs) },
        },
        compare: { figure: 'worstMedianMs', ceilingFigure: 'medianMs', lowerIsBetter: true },
        budget: { ...BUDGETS[kind], direction: 'atMost', figure: 'worstMedianMs' },
        notes: [
          `slowest page: ${worst.page.file}`,
          ...notes,
          'ceiling.fullTextReadMedianMs is one read of document.body.textContent: a single pass over the whole page, for scale',
          ...(wrong.length > 0 ? [`WRONG RESULTS (a detector bug, not a timing matter): ${wrong.join('; ')}`] : ['every page gave its expected result']),
        ],
      }),
    );
  }
  return lines;
}
