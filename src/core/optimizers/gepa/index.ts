/**
 * GEPA (Agrawal et al. 2025): a pool of candidates, each scored per example on a Pareto set of train rows. Each
 * iteration picks a parent from the per-example Pareto front, runs it on a small minibatch, and a reflection model
 * reads the traces (inputs, outputs, evaluator reasons) and writes a mutation; the child is kept only if it beats
 * the parent on that minibatch, and only then scored on the whole Pareto set (minibatch acceptance). Optionally,
 * two candidates of different lineages are merged (GEPA+Merge). The winner has the best mean on the Pareto set.
 */
import type { CandidateRecord, Estimate, ExampleResult, JobSpec } from '../../jobs/types';
import type { JobContext } from '../../jobs/context';
import type { ModelRef } from '../../llm/types';
import { promptTexts, structuredCall } from '../calls';
import { describeInput, methodTarget, reasonsOf, scoreOnRows, withTemperature } from '../execute';
import { targetModelFor } from '../../evaluation/target-request';
import { heldOutSize, samples } from '../finish';
import { atLeastOne, resolveOwnParams, type ParamsSpec } from '../params';
import type { Optimizer, SplitInfo } from '../types';
import {
  comparisonRows,
  finishPhases,
  missingScoredCases,
  scoreBaseline,
  verificationCalls,
  verifyAndFinish,
} from '../verify';
import { paretoFront, sampleFromFront } from './pareto';
import { gepaMergePrompt, gepaReflectPrompt, type Trace } from './prompts';

export interface GepaParams {
  /** Reflective mutations tried (each: a minibatch run, one reflection, the child on the minibatch). */
  iterations: number;
  /** Rows per minibatch (the paper: 3). */
  minibatchSize: number;
  /** Train rows of the Pareto set every accepted candidate is scored on (a seeded sample). */
  paretoSize: number;
  /** Merges of two lineages tried, each after an accepted mutation (0 turns GEPA+Merge off). */
  merges: number;
  reflectionTemperature: number;
  targetTemperature: number;
  heldOutSample: number;
}

export const GEPA_PARAMS: ParamsSpec<GepaParams> = {
  method: 'gepa',
  defaults: {
    iterations: 20,
    minibatchSize: 3,
    paretoSize: 30,
    merges: 3,
    reflectionTemperature: 1,
    targetTemperature: 0,
    heldOutSample: 100,
  },
  quick: { iterations: 8, paretoSize: 12, merges: 1 },
  check: atLeastOne('iterations', 'minibatchSize', 'paretoSize'),
};

export const gepa: Optimizer<GepaParams> = {
  method: 'gepa',
  resolve: (spec) => resolveOwnParams(GEPA_PARAMS, spec.preset, spec.params as Record<string, unknown>),

  check: (spec, _p, split) =>
    missingScoredCases(
      spec,
      split,
      'GEPA needs scored examples: add `expected` to the test rows or configure evaluators (their reasons feed its reflection)',
    ),

  estimate(spec: JobSpec, p: GepaParams, split: SplitInfo): Estimate {
    const pareto = Math.min(split.train.length, p.paretoSize);
    const b = Math.min(split.train.length, p.minibatchSize);
    const sampled = samples(withTemperature(targetModelFor(spec.doc, spec.roles.target), p.targetTemperature));
    const heldOut = heldOutSize(split.validation.length, p.heldOutSample);
    // Upper bound: the parent's minibatch run is often a memo hit, and only accepted children get the Pareto set.
    const mutation = p.iterations * (b + 1 + b + pareto);
    const merge = p.merges * (1 + b + pareto);
    const reserve = verificationCalls(pareto, sampled, heldOut);
    return {
      calls: pareto + mutation + merge + reserve,
      byRole: {
        target: pareto + mutation + merge - p.iterations - p.merges + reserve,
        optimizer: p.iterations + p.merges,
      },
      phases: [
        { name: 'baseline on the Pareto set', calls: pareto },
        { name: `${p.iterations} reflective mutations`, calls: mutation },
        ...(p.merges ? [{ name: `${p.merges} merges`, calls: merge }] : []),
        ...finishPhases(pareto, sampled, heldOut),
      ],
      proposals: p.iterations + p.merges,
      reserve,
      formula:
        `P + I·(2b + 1 + P) + M·(1 + b + P) + ${sampled ? '2·' : ''}P + 2·H with P=min(|train|, ${p.paretoSize})=${pareto}, ` +
        `I=${p.iterations}, b=${b}, M=${p.merges}, H=${heldOut} (an upper bound: rejected children skip the Pareto set)`,
    };
  },

  // A smaller Pareto set first (it is paid per accepted child), then fewer iterations and merges.
  planSteps: [
    { paretoSize: 20 },
    { iterations: 15 },
    { paretoSize: 12, heldOutSample: 50 },
    { iterations: 10, merges: 1 },
    { paretoSize: 8 },
    { iterations: 6, merges: 0 },
    { iterations: 4, paretoSize: 6, heldOutSample: 20 },
    { iterations: 3 },
  ],

  async run(ctx: JobContext<GepaParams>) {
    const p = ctx.params;
    const target = methodTarget(ctx, p.targetTemperature);
    const reflector = withTemperature(ctx.roles.optimizer, p.reflectionTemperature);
    const task = ctx.doc.description ?? ctx.doc.name;
    const pareto = comparisonRows(ctx, p.paretoSize);
    const baseline = await scoreBaseline(ctx, pareto, target, p.iterations);
    const pool: CandidateRecord[] = [baseline];
    const reserve = verificationCalls(
      pareto.length,
      samples(target),
      heldOutSize(ctx.validation.length, p.heldOutSample),
    );
    let merges = 0;

    await ctx.search(reserve, async () => {
      for (let it = 1; it <= p.iterations && !ctx.stopped; it++) {
        ctx.startRound(it, p.iterations);
        const front = paretoFront(pool.map((c) => ({ id: c.id, scores: c.examples!.map((e) => e.score) })));
        const parent = ctx.candidates[sampleFromFront(front, ctx.rng)];
        const accepted = await mutate(ctx, parent, it, pareto, target, reflector, task);
        if (accepted) {
          pool.push(accepted);
          if (merges < p.merges) {
            const merged = await merge(ctx, pool, it, pareto, target, reflector, task);
            if (merged !== undefined) merges++;
            if (merged) pool.push(merged);
          }
        }
        const best = bestOf(pool);
        ctx.emit({ type: 'beam', round: it, ids: front.members.map((m) => m.id) });
        ctx.setBest(best.id);
        ctx.endRound(it);
      }
    });
    await verifyAndFinish(ctx, pareto, target, p.heldOutSample);
  },
};

const sum = (examples: readonly ExampleResult[]) => examples.reduce((s, e) => s + e.score, 0);

function bestOf(pool: readonly CandidateRecord[]): CandidateRecord {
  return pool.reduce((a, b) => ((b.score ?? 0) > (a.score ?? 0) ? b : a));
}

/** A seeded minibatch of train rows for one step (its own stream, so replay does not depend on call order). */
function minibatch(ctx: JobContext<GepaParams>): number[] {
  return ctx.rng.shuffle(ctx.train).slice(0, Math.min(ctx.params.minibatchSize, ctx.train.length));
}

/** Scores an accepted candidate on the whole Pareto set and marks it a pool member. */
async function admit(ctx: JobContext<GepaParams>, c: CandidateRecord, pareto: number[], target: ModelRef) {
  const full = await scoreOnRows(ctx, c.prompt, pareto, target, c);
  Object.assign(c, { score: full.score, examples: full.examples, status: 'scored' as const });
  ctx.update(c);
  return c;
}

function drop(ctx: JobContext<GepaParams>, c: CandidateRecord, why: string): void {
  c.status = 'dropped';
  c.statusReason = `not admitted to the pool: ${why}`;
  ctx.update(c);
  ctx.log('info', `#${c.id} not admitted to the pool: ${why}`);
}

/** Reflective mutation with minibatch acceptance; the admitted child, or undefined. */
async function mutate(
  ctx: JobContext<GepaParams>,
  parent: CandidateRecord,
  it: number,
  pareto: number[],
  target: ModelRef,
  reflector: ModelRef,
  task: string | undefined,
): Promise<CandidateRecord | undefined> {
  const rows = minibatch(ctx);
  const before = await scoreOnRows(ctx, parent.prompt, rows, target, parent);
  if (before.examples.every((e) => e.score >= 1)) {
    ctx.log('info', `iteration ${it}: #${parent.id} is perfect on its minibatch; nothing to reflect on`);
    return undefined;
  }
  const traces: Trace[] = before.examples.map((e) => {
    const { reasons, critique } = reasonsOf(ctx, e);
    const feedback = [reasons, critique && `a reviewer wrote: ${critique}`].filter(Boolean).join('; ');
    return { input: describeInput(e.input), output: e.output ?? '', expected: e.expected, score: e.score, feedback };
  });
  const answer = await structuredCall<{ prompts: string[] }>(
    ctx,
    `i${it}/reflect`,
    reflector,
    gepaReflectPrompt(task, parent.prompt, traces),
    'prompt_candidates',
    parent,
  );
  const text = promptTexts(answer?.prompts)[0];
  if (!text) return undefined;
  const { candidate, isNew } = ctx.propose({
    parent: parent.id,
    round: it,
    prompt: text,
    origin: { kind: 'reflection', why: `reflection on #${parent.id}'s ${rows.length} minibatch examples` },
  });
  if (!isNew || candidate.status === 'rejected') return undefined;
  const after = await scoreOnRows(ctx, candidate.prompt, rows, target, candidate);
  if (sum(after.examples) <= sum(before.examples)) {
    drop(ctx, candidate, `minibatch ${sum(after.examples).toFixed(2)} ≤ parent's ${sum(before.examples).toFixed(2)}`);
    return undefined;
  }
  return admit(ctx, candidate, pareto, target);
}

/** The lineage of a candidate: itself and its ancestors. */
function lineage(ctx: JobContext<unknown>, c: CandidateRecord): Set<number> {
  const out = new Set<number>();
  for (let at: CandidateRecord | undefined = c; at; at = at.parent === null ? undefined : ctx.candidates[at.parent])
    out.add(at.id);
  return out;
}

/**
 * GEPA+Merge: the two best pool members neither of which descends from the other (different lineages) are merged;
 * the child is admitted if it does at least as well as both parents on a minibatch. Undefined when no pair exists.
 */
async function merge(
  ctx: JobContext<GepaParams>,
  pool: readonly CandidateRecord[],
  it: number,
  pareto: number[],
  target: ModelRef,
  reflector: ModelRef,
  task: string | undefined,
): Promise<CandidateRecord | null | undefined> {
  const ranked = pool.filter((c) => c.id !== 0).sort((a, b) => (b.score ?? 0) - (a.score ?? 0) || a.id - b.id);
  let pair: [CandidateRecord, CandidateRecord] | undefined;
  for (let i = 0; i < ranked.length && !pair; i++)
    for (let j = i + 1; j < ranked.length && !pair; j++) {
      const [a, b] = [ranked[i], ranked[j]];
      if (!lineage(ctx, a).has(b.id) && !lineage(ctx, b).has(a.id)) pair = [a, b];
    }
  if (!pair) return undefined;
  const [a, b] = pair;
  const answer = await structuredCall<{ prompts: string[] }>(
    ctx,
    `i${it}/merge${a.id}+${b.id}`,
    reflector,
    gepaMergePrompt(task, a.prompt, b.prompt),
    'prompt_candidates',
    a,
  );
  const text = promptTexts(answer?.prompts)[0];
  if (!text) return null;
  const { candidate, isNew } = ctx.propose({
    parent: a.id,
    round: it,
    prompt: text,
    origin: { kind: 'merge', why: `merge of #${a.id} and #${b.id}` },
  });
  if (!isNew || candidate.status === 'rejected') return null;
  const rows = minibatch(ctx);
  const [child, pa, pb] = await Promise.all(
    [candidate, a, b].map((c) => scoreOnRows(ctx, c.prompt, rows, target, c === candidate ? candidate : undefined)),
  );
  if (sum(child.examples) < Math.max(sum(pa.examples), sum(pb.examples))) {
    drop(ctx, candidate, `minibatch below the better parent`);
    return null;
  }
  return admit(ctx, candidate, pareto, target);
}
