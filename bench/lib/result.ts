/** Helpers to build a benchmark's result without repeating the bookkeeping. */
import type { Budget, Ceiling, Figures, Measured, Ratio } from './types.ts';
import { round } from './stats.ts';

export interface ResultInput {
  name: string;
  figures: Figures;
  ceiling?: Ceiling | null;
  /** Which figure is compared with which ceiling figure; `lowerIsBetter` for times and sizes. */
  compare?: { figure: string; ceilingFigure: string; lowerIsBetter: boolean };
  budget?: Budget & { figure: string };
  notes?: string[];
}

export function result(input: ResultInput): Measured {
  const figures = roundAll(input.figures);
  const ceiling = input.ceiling ? { name: input.ceiling.name, figures: roundAll(input.ceiling.figures) } : null;
  return {
    name: input.name,
    figures,
    ceiling,
    ratio: ratioOf(input.figures, input.ceiling ?? null, input.compare),
    budget: input.budget ? { text: input.budget.text, limit: input.budget.limit, direction: input.budget.direction } : null,
    budgetFigure: input.budget?.figure ?? null,
    notes: input.notes ?? [],
  };
}

/** A benchmark that needs something not built yet: listed, never given a made-up figure. */
export function notMeasured(name: string, budget: (Budget & { figure: string }) | null, why: string): Measured {
  return {
    name,
    figures: {},
    ceiling: null,
    ratio: null,
    budget: budget ? { text: budget.text, limit: budget.limit, direction: budget.direction } : null,
    budgetFigure: budget?.figure ?? null,
    notes: [`not measured yet: ${why}`],
  };
}

function ratioOf(figures: Figures, ceiling: Ceiling | null, compare: ResultInput['compare']): Ratio | null {
  if (!ceiling || !compare) return null;
  const figure = figures[compare.figure];
  const best = ceiling.figures[compare.ceilingFigure];
  if (figure === undefined || best === undefined || figure === 0 || best === 0) return null;
  return compare.lowerIsBetter
    ? { how: `${compare.figure} ÷ ceiling ${compare.ceilingFigure} (1 = as fast as the ceiling)`, value: round(figure / best) }
    : { how: `ceiling ${compare.ceilingFigure} ÷ ${compare.figure} (1 = as fast as the ceiling)`, value: round(best / figure) };
}

function roundAll(figures: Figures): Figures {
  return Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, round(v)]));
}
