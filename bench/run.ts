/**
 * `npm run bench [-- <name>…]`: runs every benchmark (or the named ones),
 * each in its own child process, writes bench/results.json, prints a table
 * and refreshes the table in bench/README.md.
 *
 * A benchmark never fails anything because the machine is slow: a missed
 * budget is a `met: false` line. The exit code is 1 only when a benchmark
 * crashed (or timed out), because then a figure is missing for a bad reason.
 */
import { fork } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCHMARKS, ON_REQUEST_ONLY, TIMEOUT_MS } from './benchmarks.ts';
import { growthPlot } from './growth/plot.ts';
import type { ChildMessage } from './lib/child.ts';
import { describeMachine } from './lib/machine.ts';
import { markdownTable } from './lib/table.ts';
import type { BenchResult, Measured } from './lib/types.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const RESULTS = join(HERE, 'results.json');
const README = join(HERE, 'README.md');
/** Per benchmark; the whole run stays under the 10 minutes the issue allows. */
const DEFAULT_TIMEOUT_MS = 6 * 60_000;

function runChild(name: string): Promise<ChildMessage> {
  const timeoutMs = TIMEOUT_MS[name] ?? DEFAULT_TIMEOUT_MS;
  return new Promise((resolve) => {
    const child = fork(join(HERE, 'lib', 'child.ts'), [name], {
      execArgv: ['--expose-gc', '--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let settled = false;
    const settle = (message: ChildMessage) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(message);
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      settle({ ok: false, error: `timed out after ${timeoutMs / 1000} s` });
    }, timeoutMs);
    child.on('message', (message: ChildMessage) => settle(message));
    child.on('exit', (code, signal) => settle({ ok: false, error: `exited (code ${code}, signal ${signal}) without results` }));
    child.on('error', (err) => settle({ ok: false, error: err.message }));
  });
}

function verdict(line: Measured): boolean | null {
  if (!line.budget || !line.budgetFigure) return null;
  const figure = line.figures[line.budgetFigure];
  if (figure === undefined || !Number.isFinite(figure)) return null;
  return line.budget.direction === 'atMost' ? figure <= line.budget.limit : figure >= line.budget.limit;
}

function crashed(name: string, error: string): Measured {
  return { name, figures: {}, ceiling: null, ratio: null, budget: null, budgetFigure: null, notes: [`crashed: ${error}`] };
}

function previousResults(): BenchResult[] {
  if (!existsSync(RESULTS)) return [];
  try {
    return JSON.parse(readFileSync(RESULTS, 'utf8')) as BenchResult[];
  } catch {
    return [];
  }
}

/** Keeps a block of the README in step with results.json, between its two markers (`<!-- bench:<block>:start -->`). */
function refreshReadme(block: string, content: string): void {
  if (!existsSync(README)) return;
  const text = readFileSync(README, 'utf8');
  const start = `<!-- bench:${block}:start -->`;
  const end = `<!-- bench:${block}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from === -1 || to === -1) return;
  writeFileSync(README, `${text.slice(0, from + start.length)}\n${content}\n${text.slice(to)}`);
}

/**
 * Options a benchmark takes (`--sizes 1e4,1e6` for growth), handed to the
 * children through the environment; what is left are benchmark names.
 */
function benchmarkNames(argv: readonly string[]): string[] {
  const names: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--sizes' || arg.startsWith('--sizes=')) {
      process.env.BENCH_GROWTH_SIZES = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : (argv[++i] ?? '');
    } else if (!arg.startsWith('-')) names.push(arg);
  }
  return names;
}

async function main(): Promise<void> {
  const asked = benchmarkNames(process.argv.slice(2));
  const unknown = asked.filter((n) => !(n in BENCHMARKS));
  if (unknown.length > 0) {
    console.error(`Unknown benchmark(s): ${unknown.join(', ')}. Known: ${Object.keys(BENCHMARKS).join(', ')}`);
    process.exit(2);
  }
  const names = asked.length > 0 ? asked : Object.keys(BENCHMARKS).filter((n) => !ON_REQUEST_ONLY.has(n));
  const fresh: BenchResult[] = [];
  let anyCrashed = false;
  for (const name of names) {
    const started = Date.now();
    process.stderr.write(`bench ${name}: running…\n`);
    const machine = describeMachine();
    const outcome = await runChild(name);
    if (!outcome.ok) anyCrashed = true;
    const lines = outcome.ok ? outcome.results : [crashed(name, outcome.error)];
    for (const line of lines) fresh.push({ benchmark: name, ...line, met: verdict(line), machine });
    process.stderr.write(`bench ${name}: ${outcome.ok ? 'done' : `FAILED: ${outcome.error}`} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  }
  // Running one benchmark replaces only its own lines; the others' last figures stay.
  const ran = new Set(names);
  const merged = [...previousResults().filter((r) => !ran.has(r.benchmark)), ...fresh];
  const order = Object.keys(BENCHMARKS);
  merged.sort((a, b) => order.indexOf(a.benchmark) - order.indexOf(b.benchmark));
  writeFileSync(RESULTS, `${JSON.stringify(merged, null, 2)}\n`);
  const table = markdownTable(merged);
  refreshReadme('table', table);
  refreshReadme('growth', growthPlot(merged));
  process.stdout.write(`${table}\n`);
  process.exitCode = anyCrashed ? 1 : 0;
}

void main();
