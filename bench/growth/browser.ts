/**
 * `growth-browser` (issue 17 item 1, the browser half): how the popup's
 * paint and the extension's storage grow with the member's history. For
 * 10, 1,000 and 10,000 purchases, each on a fresh server and browser
 * profile, the purchases are booked through the API and pulled into
 * IndexedDB by the extension's own sign-in sync (popup-paint.ts), and the
 * popup is opened alternately with a static page of the same extension
 * that holds the same element and no script of ours (the ceiling).
 *
 * Budget (issue 17): the paint at 10,000 purchases within 1.5× of that
 * static page's paint in the same run. Storage is reported per size and per
 * purchase: `navigator.storage.estimate()` of the extension's origin.
 *
 * The 10,000-purchase offline drain is the `sync` benchmark.
 */
import { chromiumMissing } from '../lib/chromium.ts';
import { buildExtension } from '../lib/extension.ts';
import { notMeasured, result } from '../lib/result.ts';
import type { Budget, Measured } from '../lib/types.ts';
import { paintFigures, paintRun, type PaintRun } from '../popup-paint.ts';

const SIZES = (process.env.BENCH_BROWSER_SIZES ?? '10,1000,10000').split(',').map(Number);
const OPENINGS = 15;
const BUDGET: Budget & { figure: string } = {
  text: 'popup paint at 10,000 purchases within 1.5× of the empty extension page (issue 17)',
  limit: 1.5,
  direction: 'atMost',
  figure: 'paintRatioToEmptyPage',
};

export async function run(): Promise<Measured[]> {
  const missing = chromiumMissing();
  if (missing) return [notMeasured('growth.browser.popupPaint', BUDGET, missing)];
  const built = buildExtension();
  const runs = new Map<number, PaintRun>();
  for (const size of SIZES) runs.set(size, await paintRun({ purchases: size, openings: OPENINGS }));

  const largest = Math.max(...SIZES);
  const smallest = Math.min(...SIZES);
  const atLargest = runs.get(largest)!;
  const figures: Record<string, number> = {};
  for (const [size, run] of runs) {
    const { paintMs, paintMsP95 } = paintFigures(run.popup);
    figures[`paintMsAt${size}`] = paintMs;
    figures[`paintMsP95At${size}`] = paintMsP95;
    figures[`emptyPagePaintMsAt${size}`] = paintFigures(run.ceiling).paintMs;
    figures[`storageBytesAt${size}`] = run.storageBytes;
    figures[`purchasesInIndexedDbAt${size}`] = run.purchasesInIndexedDb;
  }
  const emptyPage = paintFigures(atLargest.ceiling).paintMs;
  figures.paintRatioToEmptyPage = paintFigures(atLargest.popup).paintMs / emptyPage;
  figures.paintRatioLargestToSmallest = paintFigures(atLargest.popup).paintMs / paintFigures(runs.get(smallest)!.popup).paintMs;
  const storageGrowth = (atLargest.storageBytes - runs.get(smallest)!.storageBytes) / (largest - smallest);
  figures.storageBytesPerPurchase = storageGrowth;

  return [
    result({
      name: 'growth.browser.popupPaint',
      figures,
      ceiling: {
        name: `a static page of the same extension with the same element and probe, opened alternately with the popup, at ${largest} purchases`,
        figures: { paintMs: emptyPage },
      },
      compare: { figure: `paintMsAt${largest}`, ceilingFigure: 'paintMs', lowerIsBetter: true },
      budget: BUDGET,
      notes: [
        built,
        `sizes ${SIZES.join(', ')} purchases, each on a fresh server (npm start's, PGlite) and a fresh browser profile; ${OPENINGS} openings of the popup after 3 warm-ups, alternating with the static page; paint timed as in popup.paint`,
        'the purchases reach IndexedDB through the product\'s own paths: booked through POST /v1/purchases for a registered member, pulled by the sync the extension\'s sign-in starts',
        'storageBytes: navigator.storage.estimate().usage of the extension\'s origin after the openings (IndexedDB with its indexes and the rest of the origin\'s storage); storageBytesPerPurchase: the growth from the smallest to the largest size per purchase',
        'the popup reads the newest page of purchases (PURCHASES_PAGE) and the stored balance, so its paint does not depend on the history\'s length; what grows is IndexedDB\'s own work',
      ],
    }),
  ];
}
