/**
 * Memory of the process this runs in (the extension host): RSS, a resettable peak (Linux's VmHWM, reset through
 * /proc/self/clear_refs), and a full garbage collection without --expose-gc (the V8 flag set at runtime, then `gc`
 * taken from a fresh context), so "left behind" means retained, not merely not yet collected.
 */
import * as fs from 'node:fs';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';

const MB = 1024 * 1024;

export function rssMb(): number {
  return process.memoryUsage.rss() / MB;
}

function statusKb(field: 'VmHWM' | 'VmRSS'): number | undefined {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync('/proc/self/status', 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Tracks the peak RSS from now on: the kernel's high-water mark when it can be reset (Linux ≥ 4.0), and in any case
 * a 50 ms sampler (which misses short spikes, hence the high-water mark first).
 */
export function startPeakTracker(): { stop(): { peakMb: number; source: 'VmHWM' | 'sampled' } } {
  let kernelPeak = false;
  try {
    fs.writeFileSync('/proc/self/clear_refs', '5');
    kernelPeak = statusKb('VmHWM') !== undefined;
  } catch {
    // not Linux, or /proc read-only: sample
  }
  let sampled = rssMb();
  const timer = setInterval(() => {
    sampled = Math.max(sampled, rssMb());
  }, 50);
  return {
    stop() {
      clearInterval(timer);
      sampled = Math.max(sampled, rssMb());
      const hwm = kernelPeak ? statusKb('VmHWM') : undefined;
      return hwm === undefined
        ? { peakMb: sampled, source: 'sampled' }
        : { peakMb: Math.max(hwm / 1024, sampled), source: 'VmHWM' };
    },
  };
}

let gcFunction: (() => void) | undefined;

/** A full, synchronous garbage collection (twice: the first can leave finalizable objects for the second). */
export function collectGarbage(): void {
  if (!gcFunction) {
    v8.setFlagsFromString('--expose-gc');
    gcFunction = vm.runInNewContext('gc') as () => void;
  }
  gcFunction();
  gcFunction();
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** RSS after the host has been idle for `idleMs` and a full GC (then a short pause for the allocator to return pages). */
export async function settledRssMb(idleMs: number): Promise<number> {
  await sleep(idleMs);
  collectGarbage();
  await sleep(500);
  return rssMb();
}

export function heapUsedMb(): number {
  return process.memoryUsage().heapUsed / MB;
}
