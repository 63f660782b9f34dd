/**
 * A segment's persisted index (`<seq>.idx` beside `<seq>.seg`): a sorted table of 16-byte entries
 * (two 32-bit hashes of the key, offset, length) for the segment's first `covered` bytes, so opening the cache reads
 * one small file per segment instead of scanning the whole log. Lookups binary-search the table; a hash collision
 * only costs a miss, because the record read from the log is checked against the key.
 *
 * The file checks itself against the segment: the segment's inode and the 32 bytes before `covered` must match
 * (segments are append-only, so those bytes never change); otherwise — torn write, a recreated segment — it is
 * ignored and the segment is scanned as before. It is written to a temporary name and renamed, so two processes
 * writing the same table leave one whole file.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';

const MAGIC = 0x31495357; // 'WSI1'
const TAIL = 32;
const HEADER = 4 + 8 + 8 + TAIL + 4;
const ENTRY = 16;

export interface TableEntry {
  h1: number;
  h2: number;
  offset: number;
  length: number;
}

/** Two independent 32-bit FNV-1a hashes of the key (keys are ASCII: [\w:.-]). */
export function keyHashes(key: string): [number, number] {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ key.length;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  return [h1 >>> 0, h2 >>> 0];
}

export class SegmentTable {
  constructor(
    /** Sorted entries, ENTRY bytes each. */
    readonly entries: Buffer,
    /** Bytes of the segment the table covers. */
    readonly covered: number,
  ) {}

  get size(): number {
    return this.entries.length / ENTRY;
  }

  /** The record's (offset, length) for the key, or undefined. */
  find(key: string): { offset: number; length: number } | undefined {
    const [h1, h2] = keyHashes(key);
    const e = this.entries;
    let lo = 0;
    let hi = this.size - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const a = e.readUInt32LE(mid * ENTRY);
      const b = e.readUInt32LE(mid * ENTRY + 4);
      if (a < h1 || (a === h1 && b < h2)) lo = mid + 1;
      else if (a > h1 || b > h2) hi = mid - 1;
      else return { offset: e.readUInt32LE(mid * ENTRY + 8), length: e.readUInt32LE(mid * ENTRY + 12) };
    }
    return undefined;
  }

  /** This table's entries plus newer ones (a newer record of the same key wins). */
  merged(newer: TableEntry[], covered: number): SegmentTable {
    const all: TableEntry[] = [];
    for (let i = 0; i < this.size; i++) {
      const at = i * ENTRY;
      all.push({
        h1: this.entries.readUInt32LE(at),
        h2: this.entries.readUInt32LE(at + 4),
        offset: this.entries.readUInt32LE(at + 8),
        length: this.entries.readUInt32LE(at + 12),
      });
    }
    return buildTable([...all, ...newer], covered);
  }
}

export const emptyTable = () => new SegmentTable(Buffer.alloc(0), 0);

/** A sorted, de-duplicated table (per key hash the record at the highest offset, i.e. the newest). */
export function buildTable(entries: TableEntry[], covered: number): SegmentTable {
  entries.sort((x, y) => x.h1 - y.h1 || x.h2 - y.h2 || x.offset - y.offset);
  const kept = entries.filter((e, i) => {
    const n = entries[i + 1];
    return !n || n.h1 !== e.h1 || n.h2 !== e.h2;
  });
  const buf = Buffer.alloc(kept.length * ENTRY);
  kept.forEach((e, i) => {
    buf.writeUInt32LE(e.h1, i * ENTRY);
    buf.writeUInt32LE(e.h2, i * ENTRY + 4);
    buf.writeUInt32LE(e.offset, i * ENTRY + 8);
    buf.writeUInt32LE(e.length, i * ENTRY + 12);
  });
  return new SegmentTable(buf, covered);
}

/** The bytes a table file checks against: the segment's last TAIL bytes before `covered`. */
async function tailOf(segment: fs.FileHandle, covered: number): Promise<Buffer> {
  const tail = Buffer.alloc(TAIL);
  const from = Math.max(0, covered - TAIL);
  await segment.read(tail, 0, covered - from, from);
  return tail;
}

export async function writeTable(file: string, table: SegmentTable, segment: fs.FileHandle): Promise<void> {
  const { ino } = await segment.stat();
  const head = Buffer.alloc(HEADER);
  head.writeUInt32LE(MAGIC, 0);
  head.writeDoubleLE(table.covered, 4);
  head.writeDoubleLE(ino, 12);
  (await tailOf(segment, table.covered)).copy(head, 20);
  head.writeUInt32LE(table.size, 20 + TAIL);
  const tmp = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  await fs.writeFile(tmp, Buffer.concat([head, table.entries]));
  await fs.rename(tmp, file).catch(async (error: unknown) => {
    await fs.unlink(tmp).catch(() => undefined);
    throw error;
  });
}

/** The table in `file` if it is whole and still matches the segment; undefined otherwise (then scan). */
export async function readTable(file: string, segment: fs.FileHandle): Promise<SegmentTable | undefined> {
  const buf = await fs.readFile(file).catch(() => undefined);
  if (!buf || buf.length < HEADER || buf.readUInt32LE(0) !== MAGIC) return undefined;
  const covered = buf.readDoubleLE(4);
  const count = buf.readUInt32LE(20 + TAIL);
  if (buf.length !== HEADER + count * ENTRY) return undefined;
  const st = await segment.stat();
  if (st.ino !== buf.readDoubleLE(12) || st.size < covered) return undefined;
  if (!(await tailOf(segment, covered)).equals(buf.subarray(20, 20 + TAIL))) return undefined;
  return new SegmentTable(Buffer.from(buf.subarray(HEADER)), covered);
}
