/**
 * Confirmation pages that render late (single-page checkouts, React thank-you
 * pages) are watched with a MutationObserver that is bounded in time and in
 * the number of mutations, and disconnected as soon as a purchase is found.
 */
import type { Partner } from '../contract/index.ts';
import type { DetectContext } from './context.ts';
import { detect } from './index.ts';
import type { Candidate } from './types.ts';

export interface WatchOptions {
  /** Stop watching after this long without a find. */
  timeoutMs?: number;
  /** Stop watching after this many mutation records: a page that busy is not a thank-you page settling. */
  maxMutations?: number;
  /** Wait this long after the last mutation before detecting again. */
  debounceMs?: number;
}

type Timer = ReturnType<typeof setTimeout>;

/**
 * Detects now and, if nothing is found, again whenever the page settles after
 * changes, until a find, the timeout or the mutation budget. `url` may be a
 * function, for checkouts that move to their thank-you URL with
 * `history.pushState`. Returns a function that stops watching.
 */
export function watchForConfirmation(
  doc: Document,
  url: URL | (() => URL),
  partner: Partner | undefined,
  ctx: DetectContext | undefined,
  onFound: (candidate: Candidate) => void,
  { timeoutMs = 10_000, maxMutations = 2000, debounceMs = 150 }: WatchOptions = {},
): () => void {
  const currentUrl = (): URL => (typeof url === 'function' ? url() : url);
  const found = detect(doc, currentUrl(), partner, ctx);
  if (found !== null) {
    onFound(found);
    return () => {};
  }

  const Observer = doc.defaultView?.MutationObserver ?? globalThis.MutationObserver;
  if (Observer === undefined || !doc.body) return () => {};

  let stopped = false;
  let mutationCount = 0;
  let debounceTimer: Timer | undefined;
  const observer = new Observer((records) => {
    mutationCount += records.length;
    if (mutationCount > maxMutations) {
      stop();
      return;
    }
    if (debounceTimer !== undefined) globalThis.clearTimeout(debounceTimer);
    debounceTimer = globalThis.setTimeout(check, debounceMs);
  });
  const deadline = globalThis.setTimeout(() => stop(), timeoutMs);

  function check(): void {
    debounceTimer = undefined;
    if (stopped) return;
    const candidate = detect(doc, currentUrl(), partner, ctx);
    if (candidate === null) return;
    stop();
    onFound(candidate);
  }

  function stop(): void {
    if (stopped) return;
    stopped = true;
    observer.disconnect();
    globalThis.clearTimeout(deadline);
    if (debounceTimer !== undefined) globalThis.clearTimeout(debounceTimer);
  }

  observer.observe(doc.body, { childList: true, subtree: true });
  return stop;
}
