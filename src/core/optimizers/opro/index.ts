/**
 * OPRO (Yang et al. 2023, "Large Language Models as Optimizers"): each step the optimizer sees the top-k scored
 * prompts so far in ascending order and a few task exemplars, and samples several new prompts (temperature 1 in the
 * paper); each is scored on one fixed train subset and joins the trajectory. Paper defaults: 8 prompts per step,
 * the top 20 in the meta-prompt, 3 exemplars per step; the number of steps and the subset size are budget-fitted.
 */
import type { CandidateRecord, Estimate, JobSpec } from '../../jobs/types';
import type { JobContext } from '../../jobs/context';
import { promptTexts, structuredCall } from '../calls';
import { describeInput, methodTarget, scoreOnRows, withTemperature } from '../execute';
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
import { oproMetaPrompt, type Exemplar } from './prompts';

export interface OproParams {
  steps: number;
  candidatesPerStep: number;
  topK: number;
  exemplars: number;
  /** Train rows every prompt is scored on (a seeded sample, the same for all; the paper scores a fixed subset). */
  scoreSample: number;
  optimizerTemperature: number;
  targetTemperature: number;
  heldOutSample: number;
}

export const OPRO_PARAMS: ParamsSpec<OproParams> = {
  method: 'opro',
  defaults: {
    steps: 10,
    candidatesPerStep: 8,
    topK: 20,
    exemplars: 3,
    scoreSample: 50,
    optimizerTemperature: 1,
    targetTemperature: 0,
    heldOutSample: 100,
  },
  quick: { steps: 4, candidatesPerStep: 4, scoreSample: 20 },
  check: atLeastOne('steps', 'candidatesPerStep', 'topK', 'scoreSample'),
};

export const opro: Optimizer<OproParams> = {
  method: 'opro',
  resolve: (spec) => resolveOwnParams(OPRO_PARAMS, spec.preset, spec.params as Record<string, unknown>),

  check: (spec, _p, split) =>
    missingScoredCases(
      spec,
      split,
      'OPRO needs scored examples: add `expected` to the test rows or configure evaluators',
    ),

  estimate(spec: JobSpec, p: OproParams, split: SplitInfo): Estimate {
    const s = Math.min(split.train.length, p.scoreSample);
    const sampled = samples(withTemperature(targetModelFor(spec.doc, spec.roles.target), p.targetTemperature));
    const heldOut = heldOutSize(split.validation.length, p.heldOutSample);
    const search = p.steps * p.candidatesPerStep * (1 + s);
    const reserve = verificationCalls(s, sampled, heldOut);
    const optimizer = p.steps * p.candidatesPerStep;
    return {
      calls: s + search + reserve,
      byRole: { target: s + search - optimizer + reserve, optimizer },
      phases: [
        { name: 'baseline', calls: s },
        { name: `${p.steps} steps`, calls: search },
        ...finishPhases(s, sampled, heldOut),
      ],
      proposals: optimizer,
      reserve,
      formula:
        `S + T·c·(1 + S) + ${sampled ? '2·' : ''}S + 2·H with S=min(|train|, ${p.scoreSample})=${s}, T=${p.steps} steps, ` +
        `c=${p.candidatesPerStep} prompts per step, H=${heldOut} (an upper bound: duplicates are not scored)`,
    };
  },

  // Fewer rows per score first (the paper's subsets are small), then fewer prompts per step, then fewer steps.
  planSteps: [
    { scoreSample: 30, heldOutSample: 50 },
    { candidatesPerStep: 6 },
    { steps: 6 },
    { candidatesPerStep: 4, scoreSample: 20 },
    { steps: 4, heldOutSample: 30 },
    { scoreSample: 12, candidatesPerStep: 3 },
    { steps: 2, scoreSample: 8, heldOutSample: 20 },
    { steps: 1 },
  ],

  async run(ctx: JobContext<OproParams>) {
    const p = ctx.params;
    const target = methodTarget(ctx, p.targetTemperature);
    const optimizer = withTemperature(ctx.roles.optimizer, p.optimizerTemperature);
    const task = ctx.doc.description ?? ctx.doc.name;
    const rows = comparisonRows(ctx, p.scoreSample);
    const labelled = ctx.train.filter((r) => ctx.rows[r].expected !== undefined);
    await scoreBaseline(ctx, rows, target, p.steps);
    const reserve = verificationCalls(
      rows.length,
      samples(target),
      heldOutSize(ctx.validation.length, p.heldOutSample),
    );

    await ctx.search(reserve, async () => {
      for (let step = 1; step <= p.steps && !ctx.stopped; step++) {
        ctx.startRound(step, p.steps);
        const shown = trajectory(ctx.candidates, p.topK);
        const exemplars: Exemplar[] = ctx.rng
          .shuffle(labelled)
          .slice(0, p.exemplars)
          .map((r) => ({ input: describeInput(ctx.rows[r].vars), expected: ctx.rows[r].expected! }));
        const parent = shown[shown.length - 1];
        const meta = oproMetaPrompt(task, shown, exemplars);
        const answers = await Promise.all(
          Array.from({ length: p.candidatesPerStep }, (_, i) =>
            structuredCall<{ prompts: string[] }>(
              ctx,
              `s${step}/propose${i}`,
              optimizer,
              meta,
              'prompt_candidates',
              parent,
            ),
          ),
        );
        const fresh: CandidateRecord[] = [];
        for (const answer of answers) {
          const text = promptTexts(answer?.prompts)[0];
          if (!text) continue;
          const { candidate, isNew } = ctx.propose({
            parent: parent.id,
            round: step,
            prompt: text,
            origin: {
              kind: 'opro',
              why: `step ${step}: from the top ${shown.length} prompts so far (best #${parent.id})`,
            },
          });
          if (isNew && candidate.status !== 'rejected') fresh.push(candidate);
        }
        if (!fresh.length) {
          ctx.endRound(step);
          ctx.stop('converged', `step ${step}: the optimizer proposed nothing new; stopping`);
          break;
        }
        const scored = await Promise.all(fresh.map((c) => scoreOnRows(ctx, c.prompt, rows, target, c)));
        fresh.forEach((c, i) => {
          Object.assign(c, { score: scored[i].score, examples: scored[i].examples, status: 'scored' as const });
          ctx.update(c);
        });
        const top = trajectory(ctx.candidates, p.topK);
        ctx.emit({ type: 'beam', round: step, ids: top.map((c) => c.id).reverse() });
        ctx.setBest(top[top.length - 1].id);
        ctx.endRound(step);
      }
    });
    await verifyAndFinish(ctx, rows, target, p.heldOutSample);
  },
};

/** The k best scored prompts, shown lowest first (ties: the earlier prompt ranks higher). */
function trajectory(candidates: readonly CandidateRecord[], k: number): (CandidateRecord & { score: number })[] {
  return candidates
    .filter((c): c is CandidateRecord & { score: number } => c.status !== 'rejected' && c.score !== undefined)
    .sort((a, b) => b.score - a.score || a.id - b.id)
    .slice(0, k)
    .reverse();
}
