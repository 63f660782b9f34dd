/**
 * The response cache on disk: one append-only log in numbered segments (`<dir>/log/00000001.seg`, …), one JSON line
 * per entry `␞{"k":"<key>","r":<response>}` (led by the ASCII record separator 0x1E, which JSON text never contains
 * unescaped, so a record's start is unambiguous), and an index key → (segment, offset, length): per segment a
 * persisted sorted table (`<seq>.idx`, cache-table.ts) for what was indexed before, plus an in-memory map for the
 * records after it (found by scanning only the segment's tail; keys are read from each line's fixed prefix, payloads
 * are not parsed until asked for). Tables are written when a segment fills, every CHECKPOINT_BYTES of new records,
 * and on close, so opening reads small tables and at most a short tail instead of the whole log.
 *
 * - Several processes may use one cache at once: each record is written with ONE append (O_APPEND) write, so
 *   records never interleave; another process's records are found by scanning the segments' new tails on a miss.
 * - A torn record (a crash mid-write) is skipped; a record glued after it is still found.
 * - Size cap with LRU eviction: when the log outgrows `maxBytes`, the oldest segment is deleted; an entry read from
 *   an older segment is first copied forward into the newest one, so entries in use survive (segmented LRU).
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { CachedResponse, ResponseCache } from './cache';
import { nodeFileSystem } from '../node-file-system';
import { ensureStateGitignore } from '../state-dir';
import { emptyTable, keyHashes, readTable, writeTable, type SegmentTable, type TableEntry } from './cache-table';

export interface DiskCacheOptions {
  /** Size cap of the log in bytes (default 256 MiB). */
  maxBytes?: number;
  /** A segment is closed at this size (default an eighth of the cap, 32 KiB to 64 MiB). */
  segmentBytes?: number;
}

export const DEFAULT_CACHE_MAX_BYTES = 256 * 1024 * 1024;

interface Location {
  seg: number;
  offset: number;
  length: number;
}

interface Segment {
  seq: number;
  file: string;
  /** Bytes scanned so far (up to the last complete line). */
  scanned: number;
  handle?: fs.FileHandle;
  /** The persisted index of the segment's first `table.covered` bytes (loaded once, before the first scan). */
  table?: SegmentTable;
}

const RS = 0x1e;
const PREFIX = Buffer.from('\x1e{"k":"', 'latin1');
const NEWLINE = 0x0a;
const QUOTE = 0x22;
const KEY = /^[\w:.-]{1,256}$/;
const SEGMENT = /^(\d{8})\.seg$/;
/** How long a process keeps appending to a segment it did not see rotate (another process may rotate it). */
const RESCAN_MS = 1000;
/** New bytes in a segment after which its table is rewritten (bounds the tail a later open has to scan). */
const CHECKPOINT_BYTES = 2 * 1024 * 1024;

export function createDiskCache(
  dir: string,
  options: DiskCacheOptions = {},
): ResponseCache & { close(): Promise<void> } {
  const maxBytes = Math.max(1, options.maxBytes ?? DEFAULT_CACHE_MAX_BYTES);
  const segmentBytes =
    options.segmentBytes ?? Math.max(32 * 1024, Math.min(64 * 1024 * 1024, Math.floor(maxBytes / 8)));
  const logDir = path.join(dir, 'log');
  const index = new Map<string, Location>();
  const segments = new Map<number, Segment>();
  let writer: { seq: number; handle: fs.FileHandle } | undefined;
  let lastListing = 0;
  let opened: Promise<void> | undefined;
  // One operation on the log at a time within this process (scans and appends update shared state).
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work, work);
    queue = run.catch(() => undefined);
    return run;
  };

  const fileOf = (seq: number) => path.join(logDir, `${String(seq).padStart(8, '0')}.seg`);
  const tableFileOf = (seq: number) => path.join(logDir, `${String(seq).padStart(8, '0')}.idx`);
  const newest = () => Math.max(0, ...segments.keys());

  async function open(): Promise<void> {
    await fs.mkdir(logDir, { recursive: true });
    // The cache may be what creates `.whetstone/`: it comes with its .gitignore.
    await ensureStateGitignore(nodeFileSystem, path.join(logDir, 'x')).catch(() => undefined);
    await refresh(true);
  }

  /** Finds new segments (at most every RESCAN_MS unless forced) and indexes every segment's new tail. */
  async function refresh(list: boolean): Promise<void> {
    if (list || Date.now() - lastListing > RESCAN_MS) {
      lastListing = Date.now();
      const names = await fs.readdir(logDir).catch(() => [] as string[]);
      const present = new Set<number>();
      for (const name of names) {
        const m = SEGMENT.exec(name);
        if (!m) continue;
        const seq = Number(m[1]);
        present.add(seq);
        if (!segments.has(seq)) segments.set(seq, { seq, file: fileOf(seq), scanned: 0 });
      }
      for (const seq of [...segments.keys()]) if (!present.has(seq)) await forget(seq);
    }
    for (const seq of [...segments.keys()].sort((a, b) => a - b)) await scan(segments.get(seq)!);
  }

  async function handleOf(segment: Segment): Promise<fs.FileHandle | undefined> {
    if (!segment.handle) segment.handle = await fs.open(segment.file, 'r').catch(() => undefined);
    return segment.handle;
  }

  /** Indexes the complete lines appended to `segment` since the last scan (after its table, when it has one). */
  async function scan(segment: Segment): Promise<void> {
    const handle = await handleOf(segment);
    if (!handle) return;
    if (!segment.table) {
      segment.table = (await readTable(tableFileOf(segment.seq), handle)) ?? emptyTable();
      segment.scanned = Math.max(segment.scanned, segment.table.covered);
    }
    const { size } = await handle.stat();
    if (size <= segment.scanned) return;
    const chunkSize = 1 << 20;
    let carry = Buffer.alloc(0);
    let base = segment.scanned; // file offset of carry[0]
    for (let at = segment.scanned; at < size;) {
      const want = Math.min(chunkSize, size - at);
      const chunk = Buffer.alloc(want);
      const { bytesRead } = await handle.read(chunk, 0, want, at);
      if (bytesRead <= 0) break;
      at += bytesRead;
      const buf = carry.length ? Buffer.concat([carry, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
      let lineStart = 0;
      for (let nl = buf.indexOf(NEWLINE); nl !== -1; nl = buf.indexOf(NEWLINE, lineStart)) {
        indexLine(segment.seq, buf, lineStart, nl, base);
        lineStart = nl + 1;
      }
      carry = Buffer.from(buf.subarray(lineStart));
      base += lineStart;
    }
    segment.scanned = base; // an unfinished last line is read again next time
  }

  function indexLine(seq: number, buf: Buffer, start: number, end: number, base: number) {
    // After a torn record (no newline) the next record is glued on: a record starts at the line's last separator.
    const at = buf.lastIndexOf(RS, end);
    if (at < start || buf.compare(PREFIX, 0, PREFIX.length, at, at + PREFIX.length) !== 0) return;
    const keyStart = at + PREFIX.length;
    const keyEnd = buf.indexOf(QUOTE, keyStart);
    if (keyEnd === -1 || keyEnd >= end) return;
    const key = buf.toString('latin1', keyStart, keyEnd);
    if (!KEY.test(key)) return;
    index.set(key, { seg: seq, offset: base + at, length: end - at });
  }

  /** Where the newest record of `key` is: a tail record, unless a newer segment's table has one. */
  function locate(key: string): Location | undefined {
    const tail = index.get(key);
    for (const seq of [...segments.keys()].sort((a, b) => b - a)) {
      if (tail && seq <= tail.seg) break;
      const found = segments.get(seq)!.table?.find(key);
      if (found) return { seg: seq, ...found };
    }
    return tail;
  }

  /** Folds the segment's tail records into its table and persists it; the tail map keeps only other segments. */
  async function checkpoint(segment: Segment): Promise<void> {
    const handle = await handleOf(segment);
    if (!handle || !segment.table || segment.scanned <= segment.table.covered) return;
    const newer: TableEntry[] = [];
    for (const [key, loc] of index) {
      if (loc.seg !== segment.seq) continue;
      const [h1, h2] = keyHashes(key);
      newer.push({ h1, h2, offset: loc.offset, length: loc.length });
    }
    const table = segment.table.merged(newer, segment.scanned);
    // A table that cannot be written only means the next open scans this segment's tail again.
    if (
      !(await writeTable(tableFileOf(segment.seq), table, handle).then(
        () => true,
        () => false,
      ))
    )
      return;
    segment.table = table;
    for (const [key, loc] of index) if (loc.seg === segment.seq) index.delete(key);
  }

  async function forget(seq: number): Promise<void> {
    const segment = segments.get(seq);
    segments.delete(seq);
    await segment?.handle?.close().catch(() => undefined);
    for (const [key, loc] of index) if (loc.seg === seq) index.delete(key);
  }

  async function readAt(loc: Location): Promise<Buffer | undefined> {
    const segment = segments.get(loc.seg);
    const handle = segment && (await handleOf(segment));
    if (!handle) return undefined;
    const buf = Buffer.alloc(loc.length);
    const { bytesRead } = await handle.read(buf, 0, loc.length, loc.offset);
    return bytesRead === loc.length ? buf : undefined;
  }

  async function lookup(key: string): Promise<{ response: CachedResponse; line: Buffer; loc: Location } | undefined> {
    let loc = locate(key);
    if (!loc) {
      await refresh(false);
      loc = locate(key);
      if (!loc) return undefined;
    }
    const line = await readAt(loc);
    if (!line) return undefined;
    try {
      const record = JSON.parse(line.toString('utf8', 1)) as { k?: unknown; r?: unknown };
      // A damaged record is a miss; the next set() appends a good one, which wins.
      return record.k === key && isCachedResponse(record.r) ? { response: record.r, line, loc } : undefined;
    } catch {
      return undefined;
    }
  }

  /** Appends one record (a single write, so concurrent appenders never interleave) and rotates/evicts as needed. */
  async function append(line: Buffer): Promise<void> {
    if (!writer || writer.seq !== newest()) {
      await writer?.handle.close().catch(() => undefined);
      let seq = newest();
      if (seq === 0) {
        seq = 1;
        await fs.writeFile(fileOf(seq), '', { flag: 'a' });
        segments.set(seq, { seq, file: fileOf(seq), scanned: 0 });
      }
      writer = { seq, handle: await fs.open(fileOf(seq), 'a') };
    }
    let written = 0;
    while (written < line.length) {
      const { bytesWritten } = await writer.handle.write(line, written);
      written += bytesWritten;
    }
    // Index it (and whatever other processes appended meanwhile): with O_APPEND our offset is known only by reading.
    const segment = segments.get(writer.seq);
    if (!segment) return;
    await scan(segment);
    if (segment.scanned >= segmentBytes) {
      await checkpoint(segment);
      await rotate(writer.seq);
    } else if (segment.scanned - (segment.table?.covered ?? 0) >= CHECKPOINT_BYTES) await checkpoint(segment);
  }

  async function rotate(full: number): Promise<void> {
    const next = full + 1;
    // Exclusive create: when two processes rotate at once, one creates it and both move on to it.
    await fs.writeFile(fileOf(next), '', { flag: 'wx' }).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
    await refresh(true);
    let total = 0;
    const sizes = new Map<number, number>();
    for (const seq of segments.keys()) {
      const st = await fs.stat(fileOf(seq)).catch(() => undefined);
      sizes.set(seq, st?.size ?? 0);
      total += st?.size ?? 0;
    }
    for (const seq of [...segments.keys()].sort((a, b) => a - b)) {
      if (total <= maxBytes || seq >= newest()) break;
      await fs.unlink(fileOf(seq)).catch(() => undefined); // another process may have deleted it already
      await fs.unlink(tableFileOf(seq)).catch(() => undefined);
      total -= sizes.get(seq) ?? 0;
      await forget(seq);
    }
  }

  const ready = () => (opened ??= serial(open));

  return {
    async get(key) {
      if (!KEY.test(key)) return undefined;
      await ready();
      return serial(async () => {
        const hit = await lookup(key);
        if (!hit) return undefined;
        // Recently used entries move to the newest segment, so evicting the oldest segment drops the least used.
        if (newest() - hit.loc.seg >= 2) await append(Buffer.concat([hit.line, Buffer.from('\n')]));
        return hit.response;
      });
    },
    async set(key, response) {
      if (!KEY.test(key)) throw new Error(`response cache: invalid key ${JSON.stringify(key.slice(0, 40))}`);
      await ready();
      const line = Buffer.from(`\x1e{"k":"${key}","r":${JSON.stringify(response)}}\n`, 'utf8');
      await serial(() => append(line));
    },
    async close() {
      await ready().catch(() => undefined);
      await serial(async () => {
        for (const s of segments.values()) await checkpoint(s);
        await writer?.handle.close().catch(() => undefined);
        writer = undefined;
        for (const s of segments.values()) await s.handle?.close().catch(() => undefined);
        for (const s of segments.values()) s.handle = undefined;
      });
    },
  };
}

function isCachedResponse(v: unknown): v is CachedResponse {
  if (!v || typeof v !== 'object') return false;
  const r = v as Partial<CachedResponse>;
  return (
    (r.kind === 'chat' || r.kind === 'structured' || r.kind === 'score') &&
    !!r.usage &&
    typeof r.usage.promptTokens === 'number' &&
    typeof r.usage.completionTokens === 'number'
  );
}
