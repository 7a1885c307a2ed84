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
 */
import { browser } from 'wxt/browser';
import { defineContentScript } from 'wxt/utils/define-content-script';
import type { Partner } from '@/lib/contract/index.ts';
import { detect } from '@/lib/detect/index.ts';
import { watchForConfirmation } from '@/lib/detect/late.ts';
import type { Candidate, Verdict } from '@/lib/detect/types.ts';
import { STRONG_EVIDENCE } from '@/lib/detect/verdict.ts';
import { DETECTOR_VERSION } from '@/lib/detect/version.ts';
import { askMomentFor } from '@/lib/inpage/ask.ts';
import { HEALTH_REASONS } from '@/lib/inpage/health.ts';
import { sendTyped } from '@/lib/messages.ts';
import { showAsk, showRecorded, showReminder } from '@/components/inpage/index.tsx';
import { momentHost, type MomentHost } from '@/components/inpage/mount.tsx';

const GA4_SOURCE = 'sammelpunkt-ga4';
const GA4_REQUEST = 'sammelpunkt-ga4-request';
const MAX_GA4_EVENTS = 50;
const WATCH_TIMEOUT_MS = 15_000;

export default defineContentScript({
  registration: 'runtime',
  // WXT's "script started" postMessage would go to the shop's own page scripts; custom events suffice.
  noScriptStartedPostMessage: true,
  // Runtime registration: the background supplies the partner domains, so nothing goes into the manifest.
  matches: [],
  // The moments' stylesheet is bundled into the script and put into their shadow root (components/inpage/mount.tsx).
  cssInjectionMode: 'manual',
  async main(ctx) {
    const send = (message: unknown) => browser.runtime.sendMessage(message);
    const { partner } = await sendTyped<'content:get-partner'>(send, { type: 'content:get-partner' });
    if (partner === null || ctx.isInvalid) return;

    const moments = momentHost(ctx);
    let reported = false;
    // Declared before the first watch: a page that is already the confirmation reports during `watch()`.
    let stopWatching: () => void = () => undefined;
    const report = (candidate: Candidate) => {
      if (reported || ctx.isInvalid) return;
      reported = true;
      stopWatching();
      void sendTyped<'content:purchase-detected'>(send, {
        type: 'content:purchase-detected',
        partnerId: partner.id,
        candidate,
        page: { origin: location.origin, path: location.pathname },
      })
        .then((answer) => {
          if (answer.moment !== undefined && !ctx.isInvalid) return showRecorded(moments, answer.moment);
        })
        .catch((error: unknown) => console.warn('Sammelpunkt: could not report the purchase', error));
    };

    // GA4 events come from the MAIN-world reader; they are validated by the GA4 detector.
    const ga4Events: unknown[] = [];
    const detectContext = { ga4Events };
    ctx.addEventListener(window, 'message', (event: MessageEvent<unknown>) => {
      if (event.source !== window || event.origin !== location.origin) return;
      const events = ga4Payload(event.data);
      if (events === undefined) return;
      ga4Events.splice(0, ga4Events.length, ...events.slice(-MAX_GA4_EVENTS));
      const found = detect(document, new URL(location.href), partner, detectContext);
      if (found !== null) report(found);
    });
    window.postMessage({ source: GA4_REQUEST }, location.origin);

    const health = (reason: string) =>
      void sendTyped<'content:detection-report'>(send, { type: 'content:detection-report', reason, detectorVersion: DETECTOR_VERSION }).catch(
        () => undefined,
      );
    let asked = false;
    // The watch ended without an order: ask the member about an unclear confirmation; count a page with strong evidence but no verdict.
    const unresolved = (verdict: Exclude<Verdict, { kind: 'order' }>) => {
      if (reported || asked || ctx.isInvalid) return;
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

    stopWatching = watch(partner, detectContext, report, unresolved);
    // A page that is already the confirmation gets the confirmation, not the reminder.
    if (!reported) void remind(partner, moments, send, () => reported || ctx.isInvalid);
    // Single-page checkouts move to their thank-you URL without a page load.
    ctx.addEventListener(window, 'wxt:locationchange', () => {
      if (reported) return;
      stopWatching();
      stopWatching = watch(partner, detectContext, report, unresolved);
    });
    ctx.onInvalidated(() => stopWatching());
  },
});

function watch(
  partner: Partner,
  detectContext: { ga4Events: unknown[] },
  report: (c: Candidate) => void,
  onUnresolved: (verdict: Exclude<Verdict, { kind: 'order' }>) => void,
): () => void {
  return watchForConfirmation(document, () => new URL(location.href), partner, detectContext, report, {
    timeoutMs: WATCH_TIMEOUT_MS,
    onUnresolved,
  });
}

/** Shows the first-visit reminder if the background says it is due (it also marks it shown). */
async function remind(partner: Partner, moments: MomentHost, send: (message: unknown) => Promise<unknown>, stale: () => boolean) {
  try {
    const { reminder } = await sendTyped<'content:get-reminder'>(send, { type: 'content:get-reminder' });
    if (reminder === null || stale()) return;
    await showReminder(moments, partner, reminder, () => sendTyped<'content:mute-shop'>(send, { type: 'content:mute-shop' }));
  } catch (error) {
    console.warn('Sammelpunkt: could not show the reminder', error);
  }
}

function ga4Payload(data: unknown): unknown[] | undefined {
  if (typeof data !== 'object' || data === null || !('source' in data) || data.source !== GA4_SOURCE) return undefined;
  return 'events' in data && Array.isArray(data.events) ? (data.events as unknown[]) : undefined;
}
