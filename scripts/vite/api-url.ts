/**
 * The API a build talks to, fixed at build time by `WXT_API_URL`:
 *
 * - unset: a development build (`npm run build`, `npm run build:firefox`, the
 *   tests, the screenshots) for the demo server of `npm start`, with the demo
 *   build's fixed Chrome id;
 * - set: a production build for that API, without the demo id (the stores
 *   assign their own). `npm run zip` and `npm run zip:firefox` refuse to
 *   archive anything else (wxt.config.ts, `zip:start`): a store archive must
 *   never talk to a developer's laptop.
 *
 * A production API must be HTTPS: the member's token and purchases travel on
 * it. Plain HTTP is accepted for loopback only (trying a production build
 * against a local server).
 */
import { DEMO_API_BASE_URL } from '../../lib/db/schema.ts';

export interface ApiTarget {
  baseUrl: string;
  production: boolean;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

export function apiTarget(env: { WXT_API_URL?: string | undefined }): ApiTarget {
  const configured = env.WXT_API_URL?.trim();
  if (configured === undefined || configured === '') return { baseUrl: DEMO_API_BASE_URL, production: false };
  let url: URL;
  try {
    url = new URL(configured);
  } catch {
    throw new Error(`WXT_API_URL is not a URL: ${configured}`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    throw new Error(`WXT_API_URL must be https:// (plain http only on loopback): ${configured}`);
  }
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new Error(`WXT_API_URL is the API's base address, without query, fragment or credentials: ${configured}`);
  }
  return { baseUrl: `${url.origin}${url.pathname.replace(/\/+$/, '')}`, production: true };
}

export const STORE_BUILD_NEEDS_API =
  'WXT_API_URL is not set: a store archive must name its API, e.g. WXT_API_URL=https://api.sammelpunkt.example npm run zip';
