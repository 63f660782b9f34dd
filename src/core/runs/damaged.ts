/**
 * Run logs that cannot be read as runs (the header line is torn or missing: a crash in the first write, a hand
 * edit). `listRuns` leaves them out; `whetstone runs list` shows them as damaged so they do not silently vanish.
 */
import * as path from 'node:path';
import { nodeFileSystem } from '../node-file-system';
import type { FileSystemPort } from '../ports';
import { isValidRunId } from './run-id';
import { readRun } from './store';

export interface DamagedRun {
  runId: string;
  file: string;
  promptName: string;
  reason: string;
}

export async function listDamagedRuns(runsDir: string, fs: FileSystemPort = nodeFileSystem): Promise<DamagedRun[]> {
  const out: DamagedRun[] = [];
  for (const promptName of await fs.list(runsDir)) {
    const dir = path.join(runsDir, promptName);
    for (const name of await fs.list(dir)) {
      if (!name.endsWith('.jsonl')) continue;
      const runId = name.slice(0, -'.jsonl'.length);
      if (!isValidRunId(runId)) continue;
      const file = path.join(dir, name);
      const reason = await readRun(file, fs).then(
        (record) => (record ? undefined : 'its header line is missing or unreadable'),
        (error: Error) => `unreadable: ${error.message}`,
      );
      if (reason) out.push({ runId, file, promptName, reason });
    }
  }
  return out.sort((a, b) => (a.runId < b.runId ? 1 : -1));
}
