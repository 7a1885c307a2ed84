/** The results as a Markdown table: readable in a terminal and pasted as-is into the READMEs. */
import type { BenchResult } from './types.ts';

const cell = (text: string) => text.replace(/\|/g, '\\|');

function figureText(r: BenchResult): string {
  if (Object.keys(r.figures).length === 0) return '—';
  if (r.budgetFigure && r.figures[r.budgetFigure] !== undefined) return `${r.budgetFigure} ${r.figures[r.budgetFigure]}`;
  const [key, value] = Object.entries(r.figures)[0]!;
  return `${key} ${value}`;
}

function ceilingText(r: BenchResult): string {
  if (!r.ceiling) return '—';
  const figures = Object.entries(r.ceiling.figures)
    .slice(0, 2)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return `${r.ceiling.name}: ${figures}`;
}

function metText(r: BenchResult): string {
  if (r.met === null) return r.notes.some((n) => n.startsWith('not measured') || n.startsWith('crashed')) ? 'not measured' : '—';
  return r.met ? 'yes' : '**no**';
}

export function markdownTable(results: readonly BenchResult[]): string {
  const rows = results.map((r) =>
    [r.name, figureText(r), ceilingText(r), r.ratio ? `${r.ratio.value}×` : '—', r.budget?.text ?? '—', metText(r)].map(cell).join(' | '),
  );
  return ['| benchmark | figure | ceiling (same run) | ratio to ceiling | budget | met |', '|---|---|---|---|---|---|', ...rows.map((r) => `| ${r} |`)].join('\n');
}
