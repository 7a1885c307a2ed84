/**
 * Runs one benchmark in this (child) process and hands its results to the
 * parent over the IPC channel. Started by run.ts with `--expose-gc` so the
 * memory figures can force a collection first.
 */
import { BENCHMARKS } from '../benchmarks.ts';
import type { Measured } from './types.ts';

export type ChildMessage = { ok: true; results: Measured[] } | { ok: false; error: string };

async function main(): Promise<void> {
  const name = process.argv[2] ?? '';
  const load = BENCHMARKS[name];
  let message: ChildMessage;
  if (!load) message = { ok: false, error: `no benchmark named "${name}"` };
  else {
    try {
      message = { ok: true, results: await (await load())() };
    } catch (err) {
      message = { ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
    }
  }
  process.send?.(message, () => process.exit(0));
}

void main();
