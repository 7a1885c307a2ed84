import type { PageData } from './page-data.ts';

/** What the content script knows at run time beyond the document itself. */
export interface DetectContext {
  /**
   * The page's tracking objects as read in its MAIN world (`readPageData`,
   * run by the background through `scripting.executeScript`). Untrusted:
   * validated by the readers before use.
   */
  pageData?: PageData;
  /**
   * What the page pushed to `dataLayer` or `gtag`, as handed over by the
   * MAIN-world script: `{event: 'purchase', ecommerce: {…}}` objects and
   * `['event', 'purchase', {…}]` argument lists (or their structured clone,
   * `{0: 'event', 1: 'purchase', 2: {…}}`). Untrusted: validated before use.
   * Superseded by `pageData.dataLayer`.
   */
  ga4Events?: unknown[];
  /**
   * The previous page in this tab, at the same partner and moments ago, was
   * the shop's final checkout step (its place-order button). Remembered by
   * the background for the tab only; see session.ts.
   */
  afterFinalStep?: boolean;
}
