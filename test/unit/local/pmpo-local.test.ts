/**
 * PMPO end to end through the job engine with the embedded backend as target and scorer: the tiny GGUF model (in a
 * child process) gives real teacher-forced log-probs; the optimizer role is the simulated endpoint over real HTTP.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createLlmClient } from '../../../src/core/llm';
import { createLocalBackend, type LocalBackend } from '../../../src/core/llm/local';
import type { ModelRef } from '../../../src/core/llm/types';
import { startJob } from '../../../src/core/jobs';
import type { JobEvent } from '../../../src/core/jobs/types';
import { writeTinyGguf } from '../../support/tiny-gguf';
import { simSetup, type SimSetup } from '../jobs/sim-setup';
import { workerBundle } from './worker-bundle';

describe('PMPO on the embedded backend (tiny GGUF as scorer)', function () {
  this.timeout(60_000);
  let sim: SimSetup;
  let backend: LocalBackend;
  let dir: string;
  let local: ModelRef;

  before(async () => {
    sim = await simSetup();
    dir = mkdtempSync(path.join(os.tmpdir(), 'whetstone-pmpo-local-'));
    // A longer context than the default tiny model: rendered review prompts are several hundred byte-level tokens.
    const file = writeTinyGguf(path.join(dir, 'tiny-chatml-2k.gguf'), { chatTemplate: true, contextLength: 2048 });
    local = { baseUrl: 'local:', model: file, params: { threads: 1 } };
    backend = createLocalBackend({ workerPath: await workerBundle() });
  });
  after(async () => {
    await backend?.dispose();
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs to done with finite per-example losses from the local model, deterministically', async () => {
    const run = async () => {
      const llm = createLlmClient({ apiKeyFor: () => undefined, cache: null, concurrency: 2, local: backend });
      const spec = sim.spec('pmpo', {
        llm,
        preset: 'quick',
        params: { rounds: 1 },
        roles: { target: local, scorer: local, optimizer: { baseUrl: sim.server.url, model: 'sim-optimizer' } },
      });
      const job = startJob(spec);
      const events: JobEvent[] = [];
      job.events.on((e) => events.push(e));
      return { result: await job.result, events };
    };
    let localScores = 0;
    const off = backend.onCall((info) => {
      if (info.kind === 'score') localScores++;
    });
    const first = await run();
    off();
    assert.ok(localScores > 10, `${localScores} score calls reached the local model`);
    assert.equal(first.result.stopReason, 'rounds-done');
    const scored = first.events.filter(
      (e): e is Extract<JobEvent, { type: 'candidate' }> =>
        e.type === 'candidate' && e.candidate.status !== 'rejected' && Boolean(e.candidate.examples?.length),
    );
    assert.ok(scored.length > 0, 'some candidate was scored');
    for (const e of scored)
      for (const example of e.candidate.examples!) assert.ok(Number.isFinite(example.loss), `loss ${example.loss}`);
    assert.ok(
      Number.isFinite(first.result.baseline.score) && first.result.baseline.score < 0,
      `baseline −loss ${first.result.baseline.score}`,
    );
    assert.equal(first.result.used.costUsd ?? 0, 0);

    const second = await run();
    assert.equal(
      second.result.baseline.score,
      first.result.baseline.score,
      'bit-identical log-probs give the same baseline',
    );
    assert.equal(second.result.best.score, first.result.best.score);
  });
});
