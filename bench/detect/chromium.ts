/**
 * Detection timed inside headless Chromium: each page is served at its real
 * URL (requests are answered by the driver, nothing leaves the machine), the
 * detectors are injected as one esbuild bundle and timed page-side.
 */
import { build } from 'esbuild';
import { launchChromium } from '../lib/chromium.ts';
import type { PageTimings } from './page-entry.ts';
import type { BenchPage } from './pages.ts';
import type { PageTiming } from './timings.ts';

const BATCHES = Number(process.env.BENCH_DETECT_BATCHES ?? 60);
const WARMUP = 20;

async function bundleDetector(): Promise<string> {
  const out = await build({
    entryPoints: [new URL('./page-entry.ts', import.meta.url).pathname],
    bundle: true,
    format: 'iife',
    target: 'chrome120',
    write: false,
    minify: true,
  });
  return out.outputFiles[0]!.text;
}

export async function timeInChromium(pages: readonly BenchPage[]): Promise<{ timings: PageTiming[]; timerResolutionMs: number }> {
  const bundle = await bundleDetector();
  const browser = await launchChromium();
  const timings: PageTiming[] = [];
  let timerResolutionMs = Number.NaN;
  try {
    const tab = await browser.context.newPage();
    for (const page of pages) {
      // Requests never carry the URL's #fragment.
      const documentUrl = new URL(page.url);
      documentUrl.hash = '';
      await tab.unroute('**/*');
      await tab.route('**/*', (route) =>
        route.request().url() === documentUrl.href
          ? route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: page.html })
          : route.fulfill({ status: 404, body: '' }),
      );
      await tab.goto(page.url, { waitUntil: 'load' });
      // Evaluated, not added as a <script> element: the detectors would otherwise read their own bundle as one of the page's scripts.
      await tab.evaluate(bundle);
      // Confirmation pages take milliseconds per run, guarded pages microseconds: size batches so each spans well over the timer's 100 µs grain.
      const perBatch = page.kind === 'confirmation' ? 5 : 50;
      const args = JSON.stringify([page.partner, page.url, BATCHES, perBatch, WARMUP]);
      const measured = (await tab.evaluate(`globalThis.__sammelpunktBench.time(...${args})`)) as PageTimings;
      timerResolutionMs = measured.timerResolutionMs;
      timings.push({ page, firstRunMs: measured.firstRunMs, detectMs: measured.detectMs, titleQueryMs: measured.titleQueryMs, fullTextReadMs: measured.fullTextReadMs, candidate: measured.candidate });
    }
  } finally {
    await browser.close();
  }
  return { timings, timerResolutionMs };
}
