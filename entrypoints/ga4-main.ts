/**
 * The GA4 reader, registered at run time in the page's MAIN world on partner
 * pages only (see lib/registration.ts). It reads `purchase` events from
 * `window.dataLayer` (what is there already, and what is pushed later; `gtag`
 * pushes its `arguments` there too) and hands them to the isolated content
 * script by `postMessage` to this page's own origin. Nothing else of the page
 * is read. The content script validates what arrives: the page could post
 * the same message itself.
 */
import { defineUnlistedScript } from 'wxt/utils/define-unlisted-script';

const SOURCE = 'sammelpunkt-ga4';
const REQUEST = 'sammelpunkt-ga4-request';
const MAX_EVENTS = 20;

interface DataLayerWindow {
  dataLayer?: unknown;
}

function isPurchase(entry: unknown): boolean {
  if (typeof entry !== 'object' || entry === null) return false;
  if ('event' in entry && entry.event === 'purchase') return true;
  // gtag('event', 'purchase', {…}) pushes its `arguments` object.
  const args = entry as { 0?: unknown; 1?: unknown };
  return args[0] === 'event' && args[1] === 'purchase';
}

/** A plain-data copy (functions such as `eventCallback` dropped), or undefined. */
function plain(entry: unknown): unknown {
  try {
    const array = typeof entry === 'object' && entry !== null && 'length' in entry ? Array.from(entry as ArrayLike<unknown>) : entry;
    return JSON.parse(JSON.stringify(array)) as unknown;
  } catch {
    return undefined;
  }
}

export default defineUnlistedScript(() => {
  const page = window as Window & DataLayerWindow;
  const seen: unknown[] = [];

  const post = () => {
    if (seen.length > 0) window.postMessage({ source: SOURCE, events: seen.slice(-MAX_EVENTS) }, location.origin);
  };
  const collect = (entries: readonly unknown[]): boolean => {
    let added = false;
    for (const entry of entries) {
      if (!isPurchase(entry)) continue;
      const copy = plain(entry);
      if (copy !== undefined) {
        seen.push(copy);
        added = true;
      }
    }
    return added;
  };

  const layer = page.dataLayer;
  if (Array.isArray(layer)) {
    collect(layer);
    const originalPush = layer.push.bind(layer) as (...items: unknown[]) => number;
    // Wrap rather than replace: GTM may already have wrapped `push`, and its wrapper must keep running.
    layer.push = (...items: unknown[]): number => {
      const length = originalPush(...items);
      if (collect(items)) post();
      return length;
    };
  }

  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    if (event.source !== window || event.origin !== location.origin) return;
    const data = event.data;
    if (typeof data === 'object' && data !== null && 'source' in data && data.source === REQUEST) post();
  });
  post();
});
