/**
 * `popup`: the JavaScript the popup loads on opening, raw and gzip, read
 * from the Chrome build: popup.html's module script and modulepreloads, and
 * every chunk they import statically. Chunks imported with `import()` load
 * only when used (the QR member card, for one) and are reported apart.
 *
 * Then `popup.paint` (popup-paint.ts): opening popup.html to the balance on
 * screen, with 1,000 purchases in IndexedDB, in headless Chromium.
 */
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildExtension, EXTENSION_DIR as OUT } from './lib/extension.ts';
import { result } from './lib/result.ts';
import type { Measured } from './lib/types.ts';
import { measurePaint } from './popup-paint.ts';

const STATIC_IMPORT = /(?:import|export)\s*(?:[\w*{}\s,$]*?\s*from\s*)?["']([^"']+\.js)["']/g;
const DYNAMIC_IMPORT = /import\(\s*["'`]([^"'`]+\.js)["'`]\s*\)/g;

const resolveFrom = (fromFile: string, spec: string) => (spec.startsWith('/') ? spec.slice(1) : posix.join(posix.dirname(fromFile), spec));

function entryScripts(html: string): string[] {
  const found = new Set<string>();
  for (const m of html.matchAll(/<script[^>]+src="([^"]+\.js)"/g)) found.add(resolveFrom('popup.html', m[1]!));
  for (const m of html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+\.js)"/g)) found.add(resolveFrom('popup.html', m[1]!));
  return [...found];
}

/** The static import graph from the entries, and the chunks only reachable through import(). */
function graph(entries: readonly string[]): { eager: Set<string>; lazy: Set<string> } {
  const eager = new Set<string>();
  const lazy = new Set<string>();
  const queue = [...entries];
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (eager.has(file)) continue;
    eager.add(file);
    const code = readFileSync(join(OUT, file), 'utf8');
    for (const m of code.matchAll(STATIC_IMPORT)) queue.push(resolveFrom(file, m[1]!));
    for (const m of code.matchAll(DYNAMIC_IMPORT)) lazy.add(resolveFrom(file, m[1]!));
  }
  for (const file of eager) lazy.delete(file);
  return { eager, lazy };
}

function sizes(files: Iterable<string>): { rawBytes: number; gzipBytes: number; list: string[] } {
  let rawBytes = 0;
  let gzipBytes = 0;
  const list: string[] = [];
  for (const file of files) {
    const code = readFileSync(join(OUT, file));
    const gz = gzipSync(code, { level: 9 }).length;
    rawBytes += code.length;
    gzipBytes += gz;
    list.push(`${file} ${code.length} B (${gz} B gzip)`);
  }
  return { rawBytes, gzipBytes, list };
}

export async function run(): Promise<Measured[]> {
  const how = buildExtension();
  const entries = entryScripts(readFileSync(join(OUT, 'popup.html'), 'utf8'));
  const { eager, lazy } = graph(entries);
  const loaded = sizes(eager);
  const onDemand = sizes(lazy);
  const all = sizes([...eager, ...lazy]);
  return [
    result({
      name: 'popup.size',
      figures: { jsRawBytes: loaded.rawBytes, jsGzipBytes: loaded.gzipBytes, lazyJsGzipBytes: onDemand.gzipBytes, allJsGzipBytes: all.gzipBytes },
      budget: { text: 'popup JavaScript ≤ 20 KB gzip', limit: 20 * 1024, direction: 'atMost', figure: 'jsGzipBytes' },
      notes: [
        how,
        'gzip level 9 per file, summed (each chunk is fetched on its own); 20 KB = 20,480 B',
        `loaded on opening: ${loaded.list.join('; ')}`,
        `loaded on demand: ${onDemand.list.join('; ') || 'none'}`,
        'no ceiling: a size has no faster way to be measured',
      ],
    }),
    await measurePaint(how),
  ];
}
