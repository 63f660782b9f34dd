/**
 * A run's summary for `runs list` and the extension's start-up, without parsing the whole log. The header is the
 * first line; the status is decided by the LAST terminal event or `resumed` line and the last heartbeat. Those are
 * found by a raw byte search backwards from the end (every log line starts with `{"kind":"…"`, and a `{"kind"`
 * right after a newline cannot occur inside a JSON string), in a tail window that doubles until it holds them (or
 * the file's age already rules out a recent heartbeat); only the lines from there on are parsed.
 */
import { promises as fs } from 'node:fs';
import type { RunRecord } from './types';

/** store.ts's parser and staleness (passed in, so this file does not import the store back). */
export interface RunParsing {
  parse(file: string, text: string, now: number): RunRecord | undefined;
  staleMs: number;
}

const HEAD_BYTES = 64 * 1024;
const TAIL_BYTES = 64 * 1024;
const STATUS_MARKERS = ['done', 'failed', 'cancelled']
  .map((type) => Buffer.from(`\n{"kind":"event","event":{"type":"${type}"`))
  .concat(Buffer.from('\n{"kind":"resumed"'));
const HEARTBEAT = Buffer.from('\n{"kind":"heartbeat"');

export async function readRunHeadAndTail(
  file: string,
  parsing: RunParsing,
  now = Date.now(),
): Promise<RunRecord | undefined> {
  const parseRunText = (f: string, text: string, _live?: undefined, at = now) => parsing.parse(f, text, at);
  const handle = await fs.open(file, 'r');
  try {
    const { size, mtimeMs } = await handle.stat();
    const read = async (start: number, length: number) => {
      const buf = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buf, 0, length, start);
      return buf.subarray(0, bytesRead);
    };
    const head = await read(0, Math.min(size, HEAD_BYTES));
    const headEnd = head.indexOf(0x0a);
    if (headEnd === -1 || size <= HEAD_BYTES + TAIL_BYTES) return parseRunText(file, (await read(0, size)).toString());
    const header = head.subarray(0, headEnd + 1).toString();
    const settledByAge = now - mtimeMs >= parsing.staleMs;
    for (let window = TAIL_BYTES; ; window *= 2) {
      const start = Math.max(headEnd, size - window); // from the header's newline, so every line has one before it
      const tail = await read(start, size - start);
      const marker = Math.max(...STATUS_MARKERS.map((m) => tail.lastIndexOf(m)));
      const beat = tail.lastIndexOf(HEARTBEAT);
      const whole = start === headEnd;
      if (!whole && (marker === -1 || (beat === -1 && !settledByAge))) continue;
      const found = [marker, beat].filter((at) => at !== -1);
      // From the earliest line that matters (+1: past its leading newline); nothing when neither exists.
      const from = found.length ? Math.min(...found) + 1 : tail.length;
      return parseRunText(file, header + tail.subarray(from).toString(), undefined, now);
    }
  } finally {
    await handle.close();
  }
}
