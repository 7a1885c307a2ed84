/**
 * Bundled by esbuild into one IIFE and injected into a plain Chromium page:
 * the very detectors the content script runs, and a page-side timer, so the
 * figures are the page's own `performance.now()` with no round trip to the
 * driver inside the measurement.
 *
 * Chromium coarsens `performance.now()` (to 100 µs on a page that is not
 * cross-origin isolated), so runs are timed in batches and divided.
 */
import type { Partner } from '../../lib/contract/index.ts';
import { detect, isFinalCheckoutStep } from '../../lib/detect/index.ts';
import type { Candidate } from '../../lib/detect/types.ts';

export interface PageTimings {
  firstRunMs: number;
  detectMs: number[];
  titleQueryMs: number[];
  fullTextReadMs: number[];
  candidate: Candidate | null;
  timerResolutionMs: number;
}

function batches(count: number, perBatch: number, work: () => unknown): number[] {
  const samples: number[] = [];
  for (let b = 0; b < count; b++) {
    const start = performance.now();
    for (let i = 0; i < perBatch; i++) work();
    samples.push((performance.now() - start) / perBatch);
  }
  return samples;
}

function timerResolution(): number {
  let smallest = Infinity;
  for (let i = 0; i < 50; i++) {
    const a = performance.now();
    let b = performance.now();
    while (b === a) b = performance.now();
    smallest = Math.min(smallest, b - a);
  }
  return smallest;
}

function time(partner: Partner, href: string, count: number, perBatch: number, warmup: number): PageTimings {
  const url = new URL(href);
  let candidate: Candidate | null = null;
  const run = () => {
    candidate = detect(document, url, partner);
    // What the detector does on every partner page that is no confirmation: is it the final checkout step?
    if (candidate === null) isFinalCheckoutStep(document, url, partner);
  };
  const firstStart = performance.now();
  run();
  const firstRunMs = performance.now() - firstStart;
  for (let i = 0; i < warmup; i++) run();
  const detectMs = batches(count, perBatch, run);
  let sink = 0;
  const titleQueryMs = batches(count, perBatch * 100, () => {
    sink += document.querySelector('title') === null ? 0 : 1;
  });
  const fullTextReadMs = batches(count, perBatch, () => {
    sink += document.body.textContent?.length ?? 0;
  });
  if (sink < 0) throw new Error('unreachable: keeps the ceiling loops from being optimised away');
  return { firstRunMs, detectMs, titleQueryMs, fullTextReadMs, candidate, timerResolutionMs: timerResolution() };
}

(globalThis as unknown as { __sammelpunktBench: { time: typeof time } }).__sammelpunktBench = { time };
