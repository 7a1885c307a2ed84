/**
 * Confirmation pages that render late (single-page checkouts, React thank-you
 * pages) are watched with a MutationObserver that is bounded in time and in
 * the number of mutations, and disconnected as soon as an order is found.
 */
import type { Partner } from '../contract/index.ts';
import type { DetectContext } from './context.ts';
import { judge } from './index.ts';
import type { Candidate, Verdict } from './types.ts';

export interface WatchOptions {
  /** Stop watching after this long without a find. */
  timeoutMs?: number;
  /** Stop watching after this many mutation records: a page that busy is not a thank-you page settling. */
  maxMutations?: number;
  /** Wait this long after the last mutation before detecting again. */
  debounceMs?: number;
  /**
   * How long a confirmation whose values are unclear may stay unchanged
   * before it is handed over as it is (the member is then asked): a page
   * still rendering its total gets this long to finish.
   */
  settleMs?: number;
  /**
   * Called once when the watch ends without an order: with the last verdict
   * if it was a confirmation with unclear values (ask the member) or a page
   * with evidence of an order but nothing recorded (detection health).
   */
  onUnresolved?: (verdict: Exclude<Verdict, { kind: 'order' }>) => void;
}

type Timer = ReturnType<typeof setTimeout>;

/**
 * Detects now and, if no order is found, again whenever the page settles
 * after changes, until a find, the timeout or the mutation budget. `url` may
 * be a function, for checkouts that move to their thank-you URL with
 * `history.pushState`; `ctx` may be a function, for page data that is read
 * again as the page changes. Returns a function that stops watching.
 */
export function watchForConfirmation(
  doc: Document,
  url: URL | (() => URL),
  partner: Partner | undefined,
  ctx: DetectContext | undefined | (() => DetectContext | undefined),
  onFound: (candidate: Candidate) => void,
  { timeoutMs = 10_000, maxMutations = 2000, debounceMs = 150, settleMs = 2_500, onUnresolved }: WatchOptions = {},
): () => void {
  const currentUrl = (): URL => (typeof url === 'function' ? url() : url);
  const currentCtx = (): DetectContext | undefined => (typeof ctx === 'function' ? ctx() : ctx);
  let stopped = false;
  let last: Exclude<Verdict, { kind: 'order' }> | null = null;
  let debounceTimer: Timer | undefined;
  let settleTimer: Timer | undefined;
  let deadline: Timer | undefined;
  let observer: MutationObserver | undefined;

  function finish(): void {
    if (stopped) return;
    stopped = true;
    observer?.disconnect();
    for (const timer of [deadline, debounceTimer, settleTimer]) if (timer !== undefined) globalThis.clearTimeout(timer);
    if (last !== null && last.score > 0) onUnresolved?.(last);
  }

  /** Judges the page; true when an order was found (and the watch is over). */
  function check(): boolean {
    debounceTimer = undefined;
    if (stopped) return true;
    const verdict = judge(doc, currentUrl(), partner, currentCtx());
    if (verdict.kind === 'order') {
      last = null;
      finish();
      onFound(verdict.candidate);
      return true;
    }
    last = verdict;
    if (settleTimer !== undefined) globalThis.clearTimeout(settleTimer);
    settleTimer = verdict.kind === 'ambiguous' ? globalThis.setTimeout(finish, settleMs) : undefined;
    return false;
  }

  if (check()) return () => {};
  const Observer = doc.defaultView?.MutationObserver ?? globalThis.MutationObserver;
  if (Observer === undefined || !doc.body) {
    finish();
    return () => {};
  }

  let mutationCount = 0;
  observer = new Observer((records) => {
    mutationCount += records.length;
    if (mutationCount > maxMutations) {
      finish();
      return;
    }
    if (debounceTimer !== undefined) globalThis.clearTimeout(debounceTimer);
    debounceTimer = globalThis.setTimeout(check, debounceMs);
  });
  deadline = globalThis.setTimeout(finish, timeoutMs);
  observer.observe(doc.body, { childList: true, subtree: true, characterData: true });
  return () => {
    // Stopped from outside (the page was left, the script invalidated): nothing to report.
    last = null;
    finish();
  };
}

