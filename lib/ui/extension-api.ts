/**
 * The extension API as the browser itself provides it, for the UI's few calls
 * (messages to the background, `i18n`, the active tab, the options page).
 *
 * The rest of the extension goes through webextension-polyfill (`wxt/browser`).
 * The UI does not need it: Firefox's `browser` and Chrome's MV3 `chrome`
 * answer these calls with promises natively, and the polyfill alone is about
 * 3 KB gzip of the popup's 20 KB budget (DESIGN.md; `npm run bench -- popup`).
 * Read at each call, not at import, so tests' fake browser (stubbed as both
 * globals) is the one used.
 */
import type { browser } from 'wxt/browser';

export type ExtensionApi = typeof browser;

export function extensionApi(): ExtensionApi {
  const scope = globalThis as { browser?: ExtensionApi; chrome?: ExtensionApi };
  const api = scope.browser?.runtime?.id !== undefined ? scope.browser : scope.chrome;
  if (api === undefined) throw new Error('no extension API in this context');
  return api;
}
