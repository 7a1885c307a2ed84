/** Detection timed in Node on linkedom, the way the `detect` CLI parses a saved page (no script runs). */
import { detect, isFinalCheckoutStep } from '../../lib/detect/index.ts';
import { parsePage } from '../../scripts/lib/parse-html.ts';
import type { Candidate } from '../../lib/detect/types.ts';
import { nowNs } from '../lib/stats.ts';
import type { BenchPage } from './pages.ts';
import type { PageTiming } from './timings.ts';

const WARMUP = 5;
const SAMPLES = 20;
const COLD_SAMPLES = 8;

function sample(count: number, perSample: number, work: () => void): number[] {
  const samples: number[] = [];
  for (let s = 0; s < count; s++) {
    const start = nowNs();
    for (let i = 0; i < perSample; i++) work();
    samples.push((nowNs() - start) / perSample / 1e6);
  }
  return samples;
}

export async function timeInNode(pages: readonly BenchPage[]): Promise<PageTiming[]> {
  const timings: PageTiming[] = [];
  for (const page of pages) {
    const doc = parsePage(page.html);
    const url = new URL(page.url);
    let candidate: Candidate | null = null;
    const run = () => {
      candidate = detect(doc, url, page.partner);
      // What the detector does on every partner page that is no confirmation: is it the final checkout step?
      if (candidate === null) isFinalCheckoutStep(doc, url, page.partner);
    };
    for (let i = 0; i < WARMUP; i++) run();
    // A DOM may cache query results until the document changes; an attribute
    // change before each cold run makes every cold run a fresh page.
    const detectMs: number[] = [];
    for (let i = 0; i < COLD_SAMPLES; i++) {
      doc.documentElement.setAttribute('data-bench-run', String(i));
      detectMs.push(...sample(1, 1, run));
    }
    const cachedMs = sample(SAMPLES, 1, run);
    let sink = 0;
    const titleQueryMs = sample(SAMPLES, 100, () => {
      sink += doc.querySelector('title') === null ? 0 : 1;
    });
    const fullTextReadMs = sample(Math.min(SAMPLES, 50), 1, () => {
      sink += doc.body.textContent?.length ?? 0;
    });
    if (sink < 0) throw new Error('unreachable');
    timings.push({ page, detectMs, cachedMs, titleQueryMs, fullTextReadMs, candidate });
  }
  return timings;
}
