/**
 * `detect`: every detector on 200 KB confirmation pages of each platform and
 * on partner pages that are not confirmations, in Node and in
 * headless Chromium when it is installed (Node parses with linkedom, as the CLI does). Median and p99 ms per page; the
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
    'Node: linkedom 0.18 (as the detect CLI parses; no script runs), each run timed alone with process.hrtime; 8 cold runs per page, each after an attribute change',
    'worstCachedMedianMs: 20 repeated runs on an unchanged document',
    'linkedom answers selectors and walks the tree far slower than a browser, so Node figures bound the CLI and the tests; the Chromium lines are what a member\'s browser spends',
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
