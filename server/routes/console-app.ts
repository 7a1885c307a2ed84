/**
 * The operator's console (console/, built by `npm run build:console` into
 * .output/console) served under /console/ by the API itself, so its calls
 * are same-origin and the session cookie can be SameSite=Strict. Only the
 * built index and its hashed assets are served; the page's policy allows
 * scripts, styles and requests of this origin only.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import type { AppEnv } from '../platform/app.ts';
import { notFound } from '../platform/http.ts';

export const DEFAULT_CONSOLE_DIR = fileURLToPath(new URL('../../.output/console/', import.meta.url));

const POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = { js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8', svg: 'image/svg+xml', woff2: 'font/woff2', png: 'image/png' };
/** A built asset's name: Vite's `name-hash.ext`, never a path or a dot file. */
const ASSET_NAME = /^[\w-]+(\.[\w-]+)*\.(js|css|svg|woff2|png)$/;

async function read(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch {
    return undefined;
  }
}

export function consoleApp(dir: string = DEFAULT_CONSOLE_DIR): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/', (c) => c.redirect('/console/', 301));
  app.get('/assets/:file', async (c) => {
    const file = c.req.param('file');
    const body = ASSET_NAME.test(file) ? await read(join(dir, 'assets', file)) : undefined;
    if (!body) throw notFound(`No console asset ${file.slice(0, 80)}`);
    const ext = file.slice(file.lastIndexOf('.') + 1);
    // Names carry a content hash: a new build has new names.
    return c.body(new Uint8Array(body), 200, { 'Content-Type': TYPES[ext] ?? 'application/octet-stream', 'Cache-Control': 'public, max-age=31536000, immutable', 'Content-Security-Policy': POLICY });
  });
  return app;
}

/** `GET /console/`: the page, or a 404 that says how to build it. */
export function consoleIndex(dir: string = DEFAULT_CONSOLE_DIR) {
  return async (c: import('hono').Context<AppEnv>) => {
    const html = await read(join(dir, 'index.html'));
    if (!html) throw notFound('The console is not built: run npm run build:console');
    return c.body(new Uint8Array(html), 200, {
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-cache',
      'Content-Security-Policy': POLICY,
      'Referrer-Policy': 'same-origin',
      'X-Frame-Options': 'DENY',
    });
  };
}
