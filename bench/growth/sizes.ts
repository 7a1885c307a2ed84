/**
 * The database sizes the growth benchmark fills and measures, from
 * `npm run bench -- growth --sizes 1e4,1e6` or `BENCH_GROWTH_SIZES`.
 *
 * A size is its number of purchases, optionally with its members after a
 * slash (`1e7/1e6`); without them a member has ten purchases, the ratio of
 * the sizes (10⁴ over 10³, 10⁶ over 10⁵, 10⁷ over 10⁶), so every
 * member has the same history at every size and a per-member figure (a
 * sync, a tier sum) compares like with like.
 */
export interface GrowthSize {
  purchases: number;
  members: number;
  /** The size as written in names and figures: `1e4`, `1e7`, `25000`. */
  label: string;
}

export const DEFAULT_SIZES = '1e4,1e6,1e7';
export const PURCHASES_PER_MEMBER = 10;
/** The generator numbers rows with int4 (hashint4, generate_series over int). */
const MAX_PURCHASES = 1e9;

function parseCount(text: string, what: string): number {
  const n = Number(text);
  if (!/^\d+(\.\d+)?(e\d+)?$/i.test(text) || !Number.isSafeInteger(n) || n < 1) throw new Error(`${what} "${text}" is not a whole number ≥ 1 (e.g. 10000 or 1e4)`);
  return n;
}

/** Labels a count the way it reads best: a power of ten as `1e7`, anything else as digits. */
export function sizeLabel(n: number): string {
  const exponent = Math.log10(n);
  return Number.isInteger(exponent) && exponent >= 3 ? `1e${exponent}` : String(n);
}

/** Parses a comma-separated list of sizes; sorted from smallest to largest, duplicates dropped. */
export function parseSizes(text: string): GrowthSize[] {
  const parts = text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (parts.length === 0) throw new Error('no sizes given (e.g. --sizes 1e4,1e6)');
  const sizes = new Map<number, GrowthSize>();
  for (const part of parts) {
    const [purchasesText, membersText, ...rest] = part.split('/');
    if (rest.length > 0) throw new Error(`size "${part}" has more than one "/"`);
    const purchases = parseCount(purchasesText!, 'purchases');
    if (purchases > MAX_PURCHASES) throw new Error(`size "${part}": at most ${MAX_PURCHASES} purchases`);
    const members = membersText === undefined ? Math.max(1, Math.floor(purchases / PURCHASES_PER_MEMBER)) : parseCount(membersText, 'members');
    if (members > purchases) throw new Error(`size "${part}": more members than purchases`);
    sizes.set(purchases, { purchases, members, label: sizeLabel(purchases) });
  }
  return [...sizes.values()].sort((a, b) => a.purchases - b.purchases);
}

/** `--sizes <list>` or `--sizes=<list>` among the command's arguments, else the environment, else the default. */
export function sizesFrom(argv: readonly string[], env: NodeJS.ProcessEnv): GrowthSize[] {
  const at = argv.findIndex((a) => a === '--sizes' || a.startsWith('--sizes='));
  if (at !== -1) {
    const arg = argv[at]!;
    const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[at + 1];
    if (value === undefined) throw new Error('--sizes needs a list, e.g. --sizes 1e4,1e6');
    return parseSizes(value);
  }
  return parseSizes(env.BENCH_GROWTH_SIZES ?? DEFAULT_SIZES);
}
