// Peak RSS of a running child process: VmHWM from /proc, sampled every 100 ms (the process's own high-water mark, so
// a sample taken late still sees the peak as long as the process has not exited).
import { readFileSync } from 'node:fs';

/** Starts sampling `pid`; `sample()` takes one reading now, `stop()` ends sampling and returns the peak in MB. */
export function samplePeakRss(pid) {
  let peakKb = 0;
  const sample = () => {
    try {
      const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) peakKb = Math.max(peakKb, Number(m[1]));
    } catch {
      /* exited */
    }
  };
  const timer = setInterval(sample, 100);
  return {
    sample,
    stop: () => {
      clearInterval(timer);
      return peakKb / 1024;
    },
  };
}
