/** Detection timed in Node on happy-dom, the way the `detect` CLI parses a saved page (no script runs). */
import { Window } from 'happy-dom';
import { detect } from '../../lib/detect/index.ts';
import type { Candidate } from '../../lib/detect/types.ts';
import { nowNs } from '../lib/stats.ts';
import type { BenchPage } from './pages.ts';
import type { PageTiming } from './timings.ts';

const WARMUP = 5;
const SAMPLES = 200;
const COLD_SAMPLES = 8;

function parse(page: BenchPage): Window {
  const window = new Window({
    url: page.url,
    settings: {
      enableJavaScriptEvaluation: false,
      disableJavaScriptFileLoading: true,
      disableCSSFileLoading: true,
      disableComputedStyleRendering: true,
      handleDisabledFileLoadingAsSuccess: true,
      navigation: { disableMainFrameNavigation: true, disableChildFrameNavigation: true, disableChildPageNavigation: true },
    },
  });
  window.document.write(page.html);
  return window;
}

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
    const window = parse(page);
    const doc = window.document as unknown as Document;
    const url = new URL(page.url);
    let candidate: Candidate | null = null;
    const run = () => {
      candidate = detect(doc, url, page.partner);
    };
    for (let i = 0; i < WARMUP; i++) run();
    // happy-dom caches query results until the document changes, so a repeated
    // detect() on an unchanged page is a cache hit. A fresh page has no such
    // cache: an attribute change before each cold run empties it.
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
    await window.happyDOM.abort();
    window.close();
  }
  return timings;
}
