/**
 * `.whetstone/` comes with its own .gitignore, written by whoever creates the folder — the run store (a job's first
 * line) or the response cache (its first entry) — so the CLI and the extension both leave it out of git; a user's
 * own .gitignore there is never overwritten.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createDiskCache } from '../../../src/core/llm/cache-store';
import { RunWriter } from '../../../src/core/runs/store';
import { nodeFileSystem } from '../../../src/core/node-file-system';
import { STATE_GITIGNORE, stateDirOf } from '../../../src/core/state-dir';

describe('.whetstone/.gitignore', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'whetstone-ignore-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('the run store writes it with the folder, and git-style it ignores everything but itself', async () => {
    const writer = new RunWriter(nodeFileSystem, path.join(root, '.whetstone', 'runs', 'p', 'r.jsonl'));
    writer.append({ kind: 'resumed', at: 'now' });
    await writer.flush();
    const text = fs.readFileSync(path.join(root, '.whetstone', '.gitignore'), 'utf8');
    assert.equal(text, STATE_GITIGNORE);
    assert.deepEqual(
      text.split('\n').filter((l) => l && !l.startsWith('#')),
      ['*', '!.gitignore'],
    );
  });

  it('the cache writes it too, and an existing one is left as the user wrote it', async () => {
    const cache = createDiskCache(path.join(root, '.whetstone', 'cache'));
    await cache.set('ab'.repeat(32), { text: 'x' } as never);
    assert.equal(fs.readFileSync(path.join(root, '.whetstone', '.gitignore'), 'utf8'), STATE_GITIGNORE);

    fs.writeFileSync(path.join(root, '.whetstone', '.gitignore'), '!runs/\n');
    const again = new RunWriter(nodeFileSystem, path.join(root, '.whetstone', 'runs', 'p', 's.jsonl'));
    again.append({ kind: 'resumed', at: 'now' });
    await again.flush();
    assert.equal(fs.readFileSync(path.join(root, '.whetstone', '.gitignore'), 'utf8'), '!runs/\n');
  });

  it('a runs folder outside any .whetstone/ gets nothing', async () => {
    assert.equal(stateDirOf(path.join(root, 'elsewhere', 'r.jsonl')), undefined);
    const writer = new RunWriter(nodeFileSystem, path.join(root, 'elsewhere', 'r.jsonl'));
    writer.append({ kind: 'resumed', at: 'now' });
    await writer.flush();
    assert.deepEqual(fs.readdirSync(path.join(root, 'elsewhere')), ['r.jsonl']);
  });
});
