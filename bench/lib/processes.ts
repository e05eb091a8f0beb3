/** What bench:scale reads about processes beyond bench/support: resident memory now, CPU per stretch, percentiles. */
import { readFileSync } from 'node:fs';
import { childPidsNamed, cpuSecondsOf } from '../support/processes.js';

/** Resident memory of a process in MiB (VmRSS), or undefined. */
export function rssMbOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Math.round(Number(match[1]) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

/** The dev server's pid: the Temporal CLI process among this process's children. */
export function devServerPid(): number | undefined {
  return childPidsNamed('temporal').at(-1);
}

export type ProcessName = 'worker' | 'devServer' | 'sandbox' | 'oms';

/** CPU seconds spent from now until `read()` by each named process: where the time goes. */
export function cpuMeter(pids: Partial<Record<ProcessName, number | undefined>>): {
  read(): Partial<Record<ProcessName, number | undefined>>;
} {
  const before = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuSecondsOf(pid)]));
  const round = (n: number | undefined) => (n === undefined ? undefined : Number(n.toFixed(1)));
  return {
    read() {
      return Object.fromEntries(
        Object.entries(pids).map(([name, pid]) => {
          const now = cpuSecondsOf(pid);
          const start = before[name];
          return [name, round(start === undefined || now === undefined ? undefined : now - start)];
        }),
      );
    },
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Peak RSS (MiB) of a process while `work` runs, sampled every 200 ms (default: this process). */
export async function withPeakRss<T>(
  work: () => Promise<T>,
  pid: number = process.pid,
): Promise<{ result: T; peakRssMb: number }> {
  let peak = rssMbOf(pid) ?? 0;
  const timer = setInterval(() => (peak = Math.max(peak, rssMbOf(pid) ?? 0)), 200);
  try {
    const result = await work();
    return { result, peakRssMb: Math.max(peak, rssMbOf(pid) ?? 0) };
  } finally {
    clearInterval(timer);
  }
}
