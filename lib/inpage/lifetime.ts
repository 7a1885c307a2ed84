/**
 * A content script's lifetime that nothing on the page can observe.
 *
 * WXT's `ContentScriptContext` announces every content script it starts: a
 * `<extension id>:content:wxt:content-script-started` event on `document`
 * (seen by the page's own listeners on `window` and `document`), a
 * `postMessage` to `'*'` unless switched off, and `wxt:locationchange` events
 * dispatched on `window`. A partner page's scripts (analytics, tag managers,
 * anything the shop embeds) could read those to tell that the visitor is a
 * Sammelpunkt member. This lifetime keeps the same promise (stop everything
 * when the extension goes away) with an `AbortController` the page cannot see,
 * and watches the address by polling instead of dispatching events.
 */

export interface Lifetime {
  readonly signal: AbortSignal;
  /** True once the extension was updated, reloaded or removed: stop and show nothing. */
  readonly isInvalid: boolean;
  onInvalidated(callback: () => void): () => void;
  setInterval(callback: () => void, ms: number): void;
  setTimeout(callback: () => void, ms: number): void;
}

/**
 * `extensionAlive` tells whether the extension still runs (`browser.runtime.id`
 * is gone in an orphaned content script); it is asked whenever `isInvalid` is read.
 */
export function createLifetime(extensionAlive: () => boolean): Lifetime {
  const controller = new AbortController();
  const lifetime: Lifetime = {
    signal: controller.signal,
    get isInvalid() {
      if (!controller.signal.aborted && !extensionAlive()) controller.abort();
      return controller.signal.aborted;
    },
    onInvalidated(callback) {
      controller.signal.addEventListener('abort', callback);
      return () => controller.signal.removeEventListener('abort', callback);
    },
    setInterval(callback, ms) {
      const id = globalThis.setInterval(() => {
        if (!lifetime.isInvalid) callback();
      }, ms);
      lifetime.onInvalidated(() => globalThis.clearInterval(id));
    },
    setTimeout(callback, ms) {
      const id = globalThis.setTimeout(() => {
        if (!lifetime.isInvalid) callback();
      }, ms);
      lifetime.onInvalidated(() => globalThis.clearTimeout(id));
    },
  };
  return lifetime;
}

/**
 * Calls `onChange` when the page's address changes without a page load
 * (single-page checkouts moving to their thank-you URL). Polls the address
 * rather than listening for `navigate`, whose events WXT re-dispatches on
 * `window`; reading `location.href` is invisible to the page.
 */
export function watchLocation(lifetime: Lifetime, currentHref: () => string, onChange: (href: string) => void, pollMs = 500): void {
  let last = currentHref();
  lifetime.setInterval(() => {
    const now = currentHref();
    if (now === last) return;
    last = now;
    onChange(now);
  }, pollMs);
}
