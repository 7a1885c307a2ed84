/**
 * The growth curves as text for bench/README.md: for each figure, one bar
 * per database size, scaled to the largest value of that figure, with the
 * ratio largest ÷ smallest and its verdict. Plain characters in a code
 * block, so it reads the same in a terminal, a diff and on GitHub.
 */
import type { BenchResult } from '../lib/types.ts';

const WIDTH = 40;

const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toPrecision(3));

/** `figureAt1e4` → [`figure`, `1e4`]. */
function splitKey(key: string): [string, string] | null {
  const m = /^(.*)At(1e\d+|\d+)(Again)?$/.exec(key);
  return m ? [m[1]!, m[3] ? `${m[2]!} again` : m[2]!] : null;
}

function plotLine(r: BenchResult): string[] {
  const main = r.ceiling ? Object.keys(r.ceiling.figures)[0]! : (splitKey(Object.keys(r.figures)[0] ?? '')?.[0] ?? '');
  const points = Object.entries(r.figures)
    .map(([k, v]) => [splitKey(k), v] as const)
    .filter((e): e is readonly [[string, string], number] => e[0] !== null && e[0][0] === main);
  if (points.length === 0) return [];
  const max = Math.max(...points.map(([, v]) => v));
  const verdict = r.met === null ? '' : r.met ? ' (within budget)' : ' (over budget)';
  const ratio = r.figures.ratioLargestToSmallest;
  const out = [`${r.name} — ${main}${ratio !== undefined ? `, largest ÷ smallest ${fmt(ratio)}×${verdict}` : ''}`];
  for (const [[, size], v] of points) {
    const bar = '█'.repeat(Math.max(1, Math.round((v / max) * WIDTH)));
    out.push(`  ${size.padEnd(9)} ${bar} ${fmt(v)}`);
  }
  return out;
}

export function growthPlot(results: readonly BenchResult[]): string {
  const lines = results.filter((r) => r.benchmark === 'growth' && r.name !== 'growth.fill');
  if (lines.length === 0) return '_No growth run in results.json yet: `npm run bench -- growth`._';
  const body = lines.flatMap((r) => [...plotLine(r), '']);
  return ['```', ...body.slice(0, -1), '```'].join('\n');
}
