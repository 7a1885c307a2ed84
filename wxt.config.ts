import { defineConfig } from 'wxt';
import preact from '@preact/preset-vite';
import { DEMO_EXTENSION_KEY } from './lib/contract/extension-id.ts';
import { apiHostPattern } from './lib/ui/origins.ts';
import { STORE_BUILD_NEEDS_API, apiTarget } from './scripts/vite/api-url.ts';
import { preactWithoutInnerHtml } from './scripts/vite/preact-without-inner-html.ts';

// Rendered from assets/icon.svg by scripts/icons.ts; `on-dark-` is the variant for dark toolbars.
const ICON_SIZES = [16, 32, 48, 96, 128] as const;
const TOOLBAR_ICON_SIZES = [16, 32] as const;
const iconSet = (sizes: readonly number[], prefix = '') => Object.fromEntries(sizes.map((size) => [String(size), `icon/${prefix}${size}.png`]));

// WXT_API_URL: unset for a development build (the demo server), set for a store build.
// Read when WXT asks, after it has loaded any .env file.
const api = () => apiTarget(process.env);

// Permissions and why: docs/permissions.md. Keep the two in step.
export default defineConfig({
  modules: ['@wxt-dev/webextension-polyfill'],
  vite: () => ({
    plugins: [preactWithoutInnerHtml(), preact()],
    define: { __SAMMELPUNKT_API_URL__: JSON.stringify(api().baseUrl) },
    // Chrome and Firefox 115+ (the manifest asks for 140) know modulepreload: the polyfill
    // would only add a chunk every page loads.
    build: { modulePreload: { polyfill: false } },
  }),
  hooks: {
    'zip:start': () => {
      if (!api().production) throw new Error(STORE_BUILD_NEEDS_API);
    },
  },
  zip: {
    // The sources AMO asks for: what the build reads and how to run it, nothing else
    // (no tests, server, demo shops or benchmarks). store/BUILD.md is the reviewer's recipe.
    includeSources: [
      'assets/**', 'components/**', 'entrypoints/**', 'lib/**', 'public/**', 'scripts/vite/**',
      'wxt.config.ts', 'tsconfig.json', 'package.json', 'package-lock.json', 'README.md', 'store/BUILD.md',
    ],
  },
  manifest: ({ browser, manifestVersion }) => ({
    name: '__MSG_extName__',
    description: '__MSG_extDescription__',
    default_locale: 'en',
    icons: iconSet(ICON_SIZES),
    // WXT adds the popup to this key (`browser_action` on MV2). Firefox alone reads
    // `theme_icons` and picks the variant by the toolbar: `light` is the light icon
    // for dark toolbars, `dark` the dark one for light toolbars. Chrome has no such key
    // and would warn about it.
    [manifestVersion === 2 ? 'browser_action' : 'action']: {
      default_icon: iconSet(TOOLBAR_ICON_SIZES),
      ...(browser === 'firefox'
        ? { theme_icons: TOOLBAR_ICON_SIZES.map((size) => ({ size, light: `icon/on-dark-${size}.png`, dark: `icon/${size}.png` })) }
        : {}),
    },
    permissions: ['alarms', 'scripting', 'notifications', 'activeTab'],
    // Chrome, development builds (no WXT_API_URL): a fixed id, hence a fixed origin the API can name in
    // EXTENSION_ORIGINS (lib/contract/extension-id.ts). The store archive goes without:
    // the Chrome Web Store assigns its own id and refuses a `key` (Edge Add-ons assigns its own too).
    ...(browser === 'firefox' || api().production ? {} : { key: DEMO_EXTENSION_KEY }),
    // Host access is asked for at run time, per partner domain, on the onboarding
    // page. MV2 has no `optional_host_permissions` (and WXT 0.21 drops the key
    // there), so MV2 lists the same origins under `optional_permissions`.
    // `*://*/*` rather than http and https apart: the onboarding asks for
    // `*://<partner domain>/*`, and Firefox reads `*` as http, https, ws and wss,
    // refusing a request the manifest does not cover. Chrome reads it as http
    // and https only.
    ...(manifestVersion === 2
      ? { optional_permissions: ['*://*/*'] }
      : { optional_host_permissions: ['*://*/*'] }),
    ...(browser === 'firefox'
      ? {
          // Firefox gives each installation a random origin (moz-extension://<UUID>) that the
          // API cannot list for CORS; host access to the API origin lets the background read
          // the API's answers without one, so the server never has to know that origin.
          host_permissions: [apiHostPattern(api().baseUrl)],
          browser_specific_settings: {
            gecko: {
              id: 'extension@sammelpunkt.example',
              // What leaves the device for the Sammelpunkt API: the member's e-mail
              // and sign-in, and each detected purchase (order id, amount, currency).
              // Optional: the detection-health counters, sent only after the member
              // opts in (install prompt, options page or about:addons; lib/data-collection.ts).
              data_collection_permissions: {
                required: ['personallyIdentifyingInfo', 'authenticationInfo', 'financialAndPaymentInfo'],
                optional: ['technicalAndInteraction'],
              },
              // data_collection_permissions arrived in Firefox 140 (ESR) and in Firefox for Android 142.
              strict_min_version: '140.0',
            },
            gecko_android: { strict_min_version: '142.0' },
          },
        }
      : {}),
  }),
});
