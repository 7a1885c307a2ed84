/**
 * `detect`: every detector on 200 KB confirmation pages of each platform and
 * on partner pages that are not confirmations, in Node (happy-dom) and in
 * headless Chromium when it is installed. Median and p99 ms per page; the
 * slowest page of each kind is held against its budget.
 */
import { chromiumMissing } from '../lib/chromium.ts';
import { notMeasured } from '../lib/result.ts';
import type { Measured } from '../lib/types.ts';
import { timeInChromium } from './chromium.ts';
import { timeInNode } from './node.ts';
import { benchPages } from './pages.ts';
import { linesFor } from './timings.ts';

export async function run(): Promise<Measured[]> {
  const pages = benchPages();
  const lines = linesFor('node', await timeInNode(pages), [
    'Node: happy-dom 21 with JavaScript evaluation off (as the detect CLI parses), each run timed alone with process.hrtime; 8 cold runs per page, each after an attribute change that empties happy-dom\'s query-result cache (a fresh page has none)',
    'worstCachedMedianMs: 200 repeated runs on an unchanged document, answered from happy-dom\'s cache; shown only to explain why a naive loop looks 1000× faster',
    'happy-dom\'s selector engine is far slower than a browser\'s, so Node figures bound the CLI and the tests; the Chromium lines are what a member\'s browser spends',
  ]);
  const missing = chromiumMissing();
  if (missing) {
    for (const kind of ['confirmation', 'non-confirmation'])
      lines.push(notMeasured(`detect.chromium.${kind}`, null, missing));
    return lines;
  }
  const { timings, timerResolutionMs } = await timeInChromium(pages);
  lines.push(
    ...linesFor('chromium', timings, [
      `Chromium: page served at its real URL, detectors injected as an esbuild IIFE (main world), timed page-side with performance.now() in batches (resolution seen: ${timerResolutionMs} ms); 60 batches per page after 20 warm-up runs`,
    ]),
  );
  return lines;
}
