import { cpus, loadavg, totalmem } from 'node:os';
import type { Machine } from './types.ts';

export function describeMachine(): Machine {
  const cores = cpus();
  return {
    cpus: cores.length,
    cpuModel: cores[0]?.model ?? 'unknown',
    memoryBytes: totalmem(),
    loadAverage1m: Math.round(loadavg()[0]! * 100) / 100,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}
