/**
 * The detector on partner pages. Not in the manifest: the background
 * registers it at run time for the catalogue's domains, after consent and
 * host access (lib/registration.ts). It asks the background which partner
 * this tab belongs to, watches for an order confirmation and reports the
 * first one it finds. It also draws the in-page moments: the reminder on the
 * first visit of the day, the confirmation that an order was recorded, and
 * "Did you just order?" on a confirmation whose values are unclear
 * (components/inpage/). Pages with evidence of an order but no record add to
 * the detection-health counters (a reason code, nothing about the page).
 *
 * Quiet on purpose: the shop's own scripts must not learn that the visitor
 * is a member beyond the moment the member sees. So this is an unlisted
 * script rather than a WXT content script (whose context announces itself
 * on the page, see lib/inpage/lifetime.ts); it posts no window message,
 * dispatches no event and wraps nothing of the page. What the page's own
 * scripts hold (`dataLayer`, Shopify's objects, affiliate tags) is read on
 * demand by the background in the page's MAIN world and handed back here
 * through the extension's messaging (`content:read-page-data`).
 */
import { browser } from 'wxt/browser';
import { defineUnlistedScript } from 'wxt/utils/define-unlisted-script';
import type { Partner } from '@/lib/contract/index.ts';
import type { DetectContext } from '@/lib/detect/context.ts';
import { detect, isFinalCheckoutStep } from '@/lib/detect/index.ts';
import { watchForConfirmation } from '@/lib/detect/late.ts';
import type { Candidate, Verdict } from '@/lib/detect/types.ts';
import { STRONG_EVIDENCE } from '@/lib/detect/verdict.ts';
import { DETECTOR_VERSION } from '@/lib/detect/version.ts';
import { askMomentFor } from '@/lib/inpage/ask.ts';
import { HEALTH_REASONS } from '@/lib/inpage/health.ts';
import { createLifetime, watchLocation, type Lifetime } from '@/lib/inpage/lifetime.ts';
import { sendTyped } from '@/lib/messages.ts';
import { showAsk, showRecorded, showReminder } from '@/components/inpage/index.tsx';
import { momentHost, type MomentHost } from '@/components/inpage/mount.tsx';

const WATCH_TIMEOUT_MS = 15_000;
/** When the page's tracking objects are read again after the first read: tags often push the purchase after load. */
const PAGE_DATA_REREADS_MS = [1_500, 4_000, 9_000];

type Send = (message: unknown) => Promise<unknown>;

export default defineUnlistedScript(() => {
  const lifetime = createLifetime(() => browser.runtime?.id !== undefined);
  void run(lifetime).catch((error: unknown) => console.warn('Sammelpunkt: the detector stopped', error));
});

async function run(lifetime: Lifetime): Promise<void> {
  const send: Send = (message) => browser.runtime.sendMessage(message);
  const { partner, afterFinalStep } = await sendTyped<'content:get-partner'>(send, { type: 'content:get-partner' });
  if (partner === null || lifetime.isInvalid) return;

  const moments = momentHost(lifetime);
  const detectContext: DetectContext = afterFinalStep === true ? { afterFinalStep } : {};
  // The final checkout step: the page it leads to (loaded next in this tab, or shown in its place) is judged as that.
  let atFinalStep = false;
  const noteFinalStep = () => {
    if (atFinalStep || lifetime.isInvalid || !isFinalCheckoutStep(document, new URL(location.href), partner)) return;
    atFinalStep = true;
    void sendTyped<'content:at-final-step'>(send, { type: 'content:at-final-step' }).catch(() => undefined);
  };
  let reported = false;
  // Declared before the first watch: a page that is already the confirmation reports during `watch()`.
  let stopWatching: () => void = () => undefined;
  const report = (candidate: Candidate) => {
    if (reported || lifetime.isInvalid) return;
    reported = true;
    stopWatching();
    void sendTyped<'content:purchase-detected'>(send, {
      type: 'content:purchase-detected',
      partnerId: partner.id,
      candidate,
      page: { origin: location.origin, path: location.pathname },
    })
      .then((answer) => {
        if (answer.moment !== undefined && !lifetime.isInvalid) return showRecorded(moments, answer.moment);
      })
      .catch((error: unknown) => console.warn('Sammelpunkt: could not report the purchase', error));
  };

  const readPageData = async () => {
    if (reported || lifetime.isInvalid) return;
    const { pageData } = await sendTyped<'content:read-page-data'>(send, { type: 'content:read-page-data' }).catch(() => ({ pageData: null }));
    if (pageData === null || reported || lifetime.isInvalid) return;
    detectContext.pageData = pageData;
    const found = detect(document, new URL(location.href), partner, detectContext);
    if (found !== null) report(found);
  };

  const health = (reason: string) =>
    void sendTyped<'content:detection-report'>(send, { type: 'content:detection-report', reason, detectorVersion: DETECTOR_VERSION }).catch(() => undefined);
  let asked = false;
  // The watch ended without an order: ask the member about an unclear confirmation; count a page with strong evidence but no verdict.
  const unresolved = (verdict: Exclude<Verdict, { kind: 'order' }>) => {
    if (reported || asked || lifetime.isInvalid) return;
    const moment = askMomentFor(verdict, partner);
    if (moment === null || verdict.kind !== 'ambiguous') {
      if (verdict.score >= STRONG_EVIDENCE) health(HEALTH_REASONS.noRecord);
      return;
    }
    asked = true;
    health(verdict.reason);
    void showAsk(moments, moment).then((answer) => {
      if (answer === 'not-an-order') health(HEALTH_REASONS.memberDeclined);
      else if (answer !== null) report(answer);
    });
  };

  await readPageData();
  if (reported || lifetime.isInvalid) return;
  noteFinalStep();
  stopWatching = watch(partner, detectContext, report, unresolved);
  for (const delay of PAGE_DATA_REREADS_MS) lifetime.setTimeout(() => void readPageData(), delay);
  // A page that is already the confirmation gets the confirmation, not the reminder.
  if (!reported) void remind(partner, moments, send, () => reported || lifetime.isInvalid);
  // Single-page checkouts move to their thank-you URL without a page load.
  watchLocation(lifetime, () => location.href, () => {
    if (reported) return;
    stopWatching();
    // A single-page checkout that leaves its final step: the view it shows next is the one that step led to.
    if (atFinalStep) detectContext.afterFinalStep = true;
    atFinalStep = false;
    noteFinalStep();
    stopWatching = watch(partner, detectContext, report, unresolved);
    void readPageData();
  });
  lifetime.onInvalidated(() => stopWatching());
}

function watch(
  partner: Partner,
  detectContext: DetectContext,
  report: (c: Candidate) => void,
  onUnresolved: (verdict: Exclude<Verdict, { kind: 'order' }>) => void,
): () => void {
  return watchForConfirmation(document, () => new URL(location.href), partner, detectContext, report, {
    timeoutMs: WATCH_TIMEOUT_MS,
    onUnresolved,
  });
}

/** Shows the first-visit reminder if the background says it is due (it also marks it shown). */
async function remind(partner: Partner, moments: MomentHost, send: Send, stale: () => boolean) {
  try {
    const { reminder } = await sendTyped<'content:get-reminder'>(send, { type: 'content:get-reminder' });
    if (reminder === null || stale()) return;
    await showReminder(moments, partner, reminder, () => sendTyped<'content:mute-shop'>(send, { type: 'content:mute-shop' }));
  } catch (error) {
    console.warn('Sammelpunkt: could not show the reminder', error);
  }
}
