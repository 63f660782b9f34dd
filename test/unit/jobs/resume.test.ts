import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { startJob } from '../../../src/core/jobs';
import { METHODS, type JobResult, type JobSpec, type Method } from '../../../src/core/jobs/types';
import { isStructuralEvent, readRun } from '../../../src/core/runs';
import { createRng } from '../../../src/core/random';
import { newClient, simSetup, type SimSetup } from './sim-setup';

/** No process has this id (Linux pid_max is at most 2^22). */
const DEAD_PID = 2147483646;

/** Small parameters so each method runs in well under a second. */
const PARAMS: Record<Method, Record<string, unknown>> = {
  apo: { rounds: 2 },
  spo: { rounds: 4 },
  pmpo: { rounds: 2, hardExamples: 2, variantsPerExample: 2 },
  opro: { steps: 2, candidatesPerStep: 3 },
  capo: { generations: 2, population: 4, crossovers: 2 },
  gepa: { iterations: 4, merges: 1 },
};

function structuralTypes(file: string): string[] {
  const parse = (l: string) => {
    try {
      return JSON.parse(l);
    } catch {
      return {}; // the torn line a crash left
    }
  };
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map(parse)
    .filter((l) => l.kind === 'event' && isStructuralEvent(l.event))
    .map((l) => {
      const e = l.event;
      if (e.type === 'candidate')
        return `candidate:${e.candidate.id}:${e.candidate.status}:${e.candidate.parent}:${e.candidate.score}:${e.candidate.prompt}`;
      return e.type === 'beam' ? `beam:${e.round}:${e.ids.join(',')}` : `${e.type}:${e.round ?? e.id}`;
    });
}

describe('kill and resume: the same final prompt with the same total calls as an uninterrupted run', function () {
  let sim: SimSetup;
  // Requests that are calls: a chat-template score also makes two /tokenize requests (one score call in all).
  const callRequests = () => sim.server.stats.requests - (sim.server.stats.byPath['/tokenize'] ?? 0);
  before(async () => {
    sim = await simSetup({ seed: 3 });
  });
  after(() => sim.close());

  for (const method of METHODS) {
    describe(method, () => {
      let reference: { result: JobResult; file: string; structural: string[] };
      const spec = (over: Partial<JobSpec> = {}) =>
        sim.spec(method, {
          preset: 'quick',
          params: PARAMS[method],
          seed: 11,
          concurrency: 5,
          llm: newClient(3),
          ...over,
        });

      before(async () => {
        const job = startJob(spec());
        const result = await job.result;
        reference = { result, file: job.file, structural: structuralTypes(job.file) };
        assert.equal(result.stopReason, 'rounds-done');
      });

      it('is deterministic under any concurrency: same events, candidates and result with 1 or 12 calls in flight', async () => {
        const serial = startJob(spec({ concurrency: 1, llm: newClient(1) }));
        const serialResult = await serial.result;
        const wide = startJob(spec({ concurrency: 12, llm: newClient(12) }));
        const wideResult = await wide.result;
        assert.deepEqual(structuralTypes(serial.file), reference.structural);
        assert.deepEqual(structuralTypes(wide.file), reference.structural);
        for (const r of [serialResult, wideResult]) {
          assert.equal(r.best.prompt, reference.result.best.prompt);
          assert.equal(r.used.calls, reference.result.used.calls);
          assert.deepEqual(r.rounds, reference.result.rounds);
        }
      });

      const rng = createRng(method.length * 7919);
      const cancelPoints = [0.15, 0.6].map((f) => f + rng.next() * 0.2);
      for (const fraction of cancelPoints) {
        it(`abort after ${(fraction * 100).toFixed(0)}% of the calls (cancel mid-flight), then resume from the log`, async () => {
          const total = reference.result.used.calls;
          const killAt = Math.max(1, Math.floor(total * fraction));
          const llm = newClient(3);
          let seen = 0;
          const first = startJob(spec({ llm }));
          llm.onCall(() => {
            if (++seen === killAt) first.cancel();
          });
          const stopped = await first.result;
          assert.equal(stopped.stopReason, 'cancelled');
          const logged = (await readRun(first.file))!;
          assert.ok(logged.calls.size < total);

          const before = callRequests();
          const resumed = await startJob(spec({ resumeRunId: first.runId })).result;
          assert.equal(resumed.stopReason, 'rounds-done');
          assert.equal(resumed.best.prompt, reference.result.best.prompt);
          assert.equal(resumed.used.calls, total);
          assert.equal(callRequests() - before, total - logged.calls.size, 'logged calls are not made again');
          assert.deepEqual(resumed.rounds, reference.result.rounds);
          const record = (await readRun(first.file))!;
          assert.equal(record.status, 'done');
          assert.deepEqual(structuralTypes(first.file), reference.structural, 'no structural event is written twice');
        });
      }

      const cutPoints = [0.1, 0.45, 0.8].map((f) => f + rng.next() * 0.1);
      for (const fraction of cutPoints) {
        it(`a crash that leaves ${(fraction * 100).toFixed(0)}% of the log (torn last line) resumes to the same end`, async () => {
          const text = readFileSync(reference.file, 'utf8');
          const runId = `crash-${method}-${Math.round(fraction * 1000)}`;
          const file = path.join(path.dirname(reference.file), `${runId}.jsonl`);
          const headerEnd = text.indexOf('\n') + 1;
          // The crashed process is gone: its heartbeats name a process id that no longer exists.
          const cut = text.slice(0, headerEnd + Math.floor((text.length - headerEnd) * fraction));
          writeFileSync(file, cut.replace(/"pid":\d+/g, `"pid":${DEAD_PID}`));
          const crashed = (await readRun(file))!;
          assert.equal(crashed.status, 'interrupted');
          assert.ok(crashed.badLines <= 1);

          const before = callRequests();
          const resumed = await startJob(spec({ resumeRunId: runId })).result;
          assert.equal(resumed.best.prompt, reference.result.best.prompt);
          assert.equal(resumed.used.calls, reference.result.used.calls);
          assert.equal(callRequests() - before, reference.result.used.calls - crashed.calls.size);
          assert.deepEqual(structuralTypes(file), reference.structural);
        });
      }
    });
  }

  it('refuses to resume a run another live process is writing (recent heartbeat, process exists)', async () => {
    const job = startJob(sim.spec('spo', { preset: 'quick', params: { rounds: 2 } }));
    await job.result;
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)'], { stdio: 'ignore' });
    try {
      const text = readFileSync(job.file, 'utf8');
      const unfinished = text
        .split('\n')
        .filter((l) => l && !l.includes('"type":"done"'))
        .join('\n')
        .replace(/"pid":\d+/g, `"pid":${other.pid}`);
      const copy = path.join(path.dirname(job.file), 'elsewhere.jsonl');
      writeFileSync(copy, `${unfinished}\n`);
      assert.equal((await readRun(copy))!.status, 'running');
      await assert.rejects(
        startJob(sim.spec('spo', { preset: 'quick', params: { rounds: 2 }, resumeRunId: 'elsewhere' })).result,
        /is still running/,
      );
    } finally {
      other.kill();
    }
  });

  it('refuses to resume a run that is still running, or with a different seed or method', async () => {
    const job = startJob(sim.spec('spo', { preset: 'quick', params: { rounds: 2 } }));
    await new Promise<void>((resolve) =>
      job.events.on((e) => {
        if (e.type === 'round') resolve();
      }),
    );
    await assert.rejects(
      startJob(sim.spec('spo', { resumeRunId: job.runId })).result,
      /is being written by process \d+/,
    );
    await job.result;
    await assert.rejects(startJob(sim.spec('spo', { resumeRunId: job.runId, seed: 99 })).result, /used seed 1, not 99/);
    await assert.rejects(startJob(sim.spec('apo', { resumeRunId: job.runId })).result, /used spo, not apo/);
  });
});
