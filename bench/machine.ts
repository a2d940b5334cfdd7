// What a benchmark ran on, printed with its figures so they can be compared.

import { cpus, loadavg, totalmem } from 'node:os';

export function machine(): string {
  const cpu = cpus();
  return `${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${process.platform}/${process.arch}`;
}

/** Samples resident memory every 50 ms until stopped; returns the peak in MiB. */
export function watchMemory(): () => number {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 50);
  return () => {
    clearInterval(timer);
    return Math.max(peak, process.memoryUsage().rss) / 2 ** 20;
  };
}

/** The machine's 1, 5 and 15-minute load averages, to print with a figure: other work on shared cores lowers it. */
export function loadAverage(): string {
  return `load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`;
}
