/**
 * Batches submitted to a provider but not yet collected, one small JSON file each under `.whetstone/batches/`.
 * A run that was killed (Ctrl+C, a crash) re-attaches to its batch from here instead of submitting — and paying for —
 * the same requests again. A record is removed once its results are in the response cache.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { nodeFileSystem } from '../../node-file-system';
import { ensureStateGitignore } from '../../state-dir';

export interface PendingBatch {
  version: 1;
  batchId: string;
  /** The endpoint label (origin + path, never a key) and model the batch was sent to. */
  endpoint: string;
  model: string;
  submitted: string;
  /** The custom_id of every request in it (each is the request's response-cache key). */
  customIds: string[];
}

export interface PendingStore {
  /** The pending batch that holds this request, if one does. */
  batchFor(endpoint: string, customId: string): Promise<PendingBatch | undefined>;
  save(record: PendingBatch): Promise<void>;
  remove(batchId: string): Promise<void>;
}

/** Provider batch ids are short tokens (`batch_abc123`); anything else is not used as a file name. */
const SAFE_ID = /^[\w-]{1,200}$/;

export function createPendingStore(dir: string, log: (line: string) => void = () => undefined): PendingStore {
  let loaded: Promise<Map<string, PendingBatch>> | undefined;
  const fileOf = (batchId: string) => path.join(dir, `${batchId}.json`);
  const slot = (endpoint: string, customId: string) => `${endpoint}\u0000${customId}`;

  async function load(): Promise<Map<string, PendingBatch>> {
    const byRequest = new Map<string, PendingBatch>();
    const names = await fs.readdir(dir).catch(() => [] as string[]);
    for (const name of names.filter((n) => n.endsWith('.json'))) {
      const record = await readRecord(path.join(dir, name), log);
      if (record) for (const id of record.customIds) byRequest.set(slot(record.endpoint, id), record);
    }
    return byRequest;
  }

  return {
    async batchFor(endpoint, customId) {
      return (await (loaded ??= load())).get(slot(endpoint, customId));
    },
    async save(record) {
      if (!SAFE_ID.test(record.batchId)) throw new Error(`unexpected batch id ${JSON.stringify(record.batchId)}`);
      await fs.mkdir(dir, { recursive: true });
      await ensureStateGitignore(nodeFileSystem, fileOf(record.batchId)).catch(() => undefined);
      // Written whole, then renamed: a crash leaves either no record or a complete one.
      const tmp = `${fileOf(record.batchId)}.${process.pid}.tmp`;
      await fs.writeFile(tmp, JSON.stringify(record));
      await fs.rename(tmp, fileOf(record.batchId));
      const byRequest = await (loaded ??= load());
      for (const id of record.customIds) byRequest.set(slot(record.endpoint, id), record);
    },
    async remove(batchId) {
      if (!SAFE_ID.test(batchId)) return;
      await fs.rm(fileOf(batchId), { force: true });
      const byRequest = await (loaded ??= load());
      for (const [key, record] of byRequest) if (record.batchId === batchId) byRequest.delete(key);
    },
  };
}

async function readRecord(file: string, log: (line: string) => void): Promise<PendingBatch | undefined> {
  try {
    const record = JSON.parse(await fs.readFile(file, 'utf8')) as PendingBatch;
    if (record.version === 1 && typeof record.batchId === 'string' && Array.isArray(record.customIds)) return record;
    log(`${file}: not a pending-batch record; ignored`);
  } catch (error) {
    log(`${file}: unreadable pending-batch record (${(error as Error).message}); ignored`);
  }
  return undefined;
}
