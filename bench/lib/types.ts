/**
 * The shape of one line of bench/results.json. Every figure carries its unit
 * in its name (`medianNs`, `latencyMsP99`, `gzipBytes`), so a reader never
 * has to guess what a number means.
 */
export type Figures = Record<string, number>;

export interface Ceiling {
  /** What was measured as the best this machine could do for the same work. */
  name: string;
  figures: Figures;
}

export interface Budget {
  /** The budget as DESIGN.md words it. */
  text: string;
  /** The limit as a number, in the unit of `budgetFigure`. */
  limit: number;
  /** `atMost` for times and sizes, `atLeast` for throughputs. */
  direction: 'atMost' | 'atLeast';
}

export interface Ratio {
  /** Which figure is compared, and how: "figure ÷ ceiling" for times and sizes, "ceiling ÷ figure" for throughputs. */
  how: string;
  value: number;
}

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryBytes: number;
  loadAverage1m: number;
  node: string;
  platform: string;
}

export interface BenchResult {
  /** The benchmark (`npm run bench -- <benchmark>`) that produced this line. */
  benchmark: string;
  name: string;
  figures: Figures;
  ceiling: Ceiling | null;
  ratio: Ratio | null;
  budget: Budget | null;
  /** The figure checked against the budget (a key of `figures`). */
  budgetFigure: string | null;
  /** null when nothing was measured, or when there is no budget to meet. */
  met: boolean | null;
  machine: Machine;
  notes: string[];
}

/** What a benchmark module hands back; `run.ts` adds the machine and the verdict. */
export type Measured = Omit<BenchResult, 'benchmark' | 'machine' | 'met'>;
