/** What the content script knows at run time beyond the document itself. */
export interface DetectContext {
  /**
   * What the page pushed to `dataLayer` or `gtag`, as handed over by the
   * MAIN-world script: `{event: 'purchase', ecommerce: {…}}` objects and
   * `['event', 'purchase', {…}]` argument lists (or their structured clone,
   * `{0: 'event', 1: 'purchase', 2: {…}}`). Untrusted: validated before use.
   */
  ga4Events?: unknown[];
}
