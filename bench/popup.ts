/**
 * `popup`: the JavaScript the popup loads on opening, raw and gzip, read
 * from the Chrome build: popup.html's module script and modulepreloads, and
 * every chunk they import statically. Chunks imported with `import()` load
 * only when used (the QR member card, for one) and are reported apart.
 *
 * The paint time (opening popup.html to the balance on screen, with 1,000
 * purchases in IndexedDB) needs a signed-in extension profile and is not
 * measured yet.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { notMeasured, result } from './lib/result.ts';
import type { Measured } from './lib/types.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, '.output', 'chrome-mv3');

const STATIC_IMPORT = /(?:import|export)\s*(?:[\w*{}\s,$]*?\s*from\s*)?["']([^"']+\.js)["']/g;
const DYNAMIC_IMPORT = /import\(\s*["'`]([^"'`]+\.js)["'`]\s*\)/g;

function build(): string {
  if (process.env.BENCH_NO_BUILD === '1' && existsSync(join(OUT, 'popup.html'))) {
    return `measured the existing build (BENCH_NO_BUILD=1), built ${statSync(join(OUT, 'popup.html')).mtime.toISOString()}`;
  }
  execFileSync('npm', ['run', '-s', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  return 'built with npm run build for this run';
}

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
  const how = build();
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
    notMeasured(
      'popup.paint',
      { text: 'balance painted ≤ 150 ms after opening', limit: 150, direction: 'atMost', figure: 'paintMs' },
      'needs a signed-in extension profile with 1,000 purchases in IndexedDB; would time opening chrome-extension://…/popup.html to the balance-painted mark in headless Chromium',
    ),
  ];
}
