/**
 * CAPO (Zehle et al. 2025, "CAPO: Cost-Aware Prompt Optimization"): an evolutionary search over instructions and
 * few-shot examples. Each generation crosses pairs of parents (an LLM combines the instructions; the shots are a
 * random half of both parents' shots), mutates each child (an LLM rewrites the instruction; one shot is added,
 * replaced or removed), and races population and offspring block by block (racing.ts) down to the population size.
 * A length penalty (γ per doubling of the original's length, in words) is part of the raced score, so a longer
 * prompt must earn its cost. Few-shot examples come from train rows outside the raced rows, never held-out ones.
 */
import type { CandidateRecord, Estimate, JobSpec } from '../../jobs/types';
import type { JobContext } from '../../jobs/context';
import type { ModelRef } from '../../llm/types';
import type { Rng } from '../../random';
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
import { capoCrossoverPrompt, capoMutationPrompt } from './prompts';
import { race } from './racing';

export interface CapoParams {
  generations: number;
  population: number;
  /** Offspring per generation (each: one crossover and one mutation call). */
  crossovers: number;
  /** Raced rows (a seeded train sample, also the baseline's comparison rows) and the block size of the race. */
  scoreSample: number;
  blockSize: number;
  maxShots: number;
  /** γ: score lost per doubling of the prompt's length over the original's (paper: 0.05). */
  lengthPenalty: number;
  /** Significance level of the racing test (paper: 0.2). */
  alpha: number;
  optimizerTemperature: number;
  targetTemperature: number;
  heldOutSample: number;
}

export const CAPO_PARAMS: ParamsSpec<CapoParams> = {
  method: 'capo',
  defaults: {
    generations: 6,
    population: 10,
    crossovers: 4,
    scoreSample: 60,
    blockSize: 30,
    maxShots: 5,
    lengthPenalty: 0.05,
    alpha: 0.2,
    optimizerTemperature: 0.7,
    targetTemperature: 0,
    heldOutSample: 100,
  },
  quick: { generations: 3, population: 6, crossovers: 2, scoreSample: 20, blockSize: 10 },
  check: (p) =>
    atLeastOne<CapoParams>('generations', 'population', 'crossovers', 'scoreSample', 'blockSize')(p) ??
    (p.alpha > 0 && p.alpha < 1 ? undefined : `parameter alpha must be between 0 and 1 (got ${p.alpha})`),
};

interface Genome {
  instruction: string;
  shots: number[];
}

export const capo: Optimizer<CapoParams> = {
  method: 'capo',
  resolve: (spec) => resolveOwnParams(CAPO_PARAMS, spec.preset, spec.params as Record<string, unknown>),

  check: (spec, _p, split) =>
    missingScoredCases(
      spec,
      split,
      'CAPO needs scored examples: add `expected` to the test rows or configure evaluators',
    ),

  estimate(spec: JobSpec, p: CapoParams, split: SplitInfo): Estimate {
    const s = Math.min(split.train.length, p.scoreSample);
    const sampled = samples(withTemperature(targetModelFor(spec.doc, spec.roles.target), p.targetTemperature));
    const heldOut = heldOutSize(split.validation.length, p.heldOutSample);
    const init = p.population - 1;
    const optimizer = init + p.generations * 2 * p.crossovers;
    const racing = p.generations * (p.population + p.crossovers) * s;
    const reserve = verificationCalls(s, sampled, heldOut);
    return {
      calls: s + optimizer + racing + reserve,
      byRole: { target: s + racing + reserve, optimizer },
      phases: [
        { name: 'baseline', calls: s },
        { name: 'initial population', calls: init },
        { name: `${p.generations} generations`, calls: p.generations * 2 * p.crossovers + racing },
        ...finishPhases(s, sampled, heldOut),
      ],
      proposals: init + p.generations * p.crossovers,
      reserve,
      formula:
        `S + (N−1) + G·(2C + (N+C)·S) + ${sampled ? '2·' : ''}S + 2·H with S=min(|train|, ${p.scoreSample})=${s}, ` +
        `N=${p.population}, C=${p.crossovers}, G=${p.generations}, H=${heldOut} (an upper bound: racing drops losers early and repeats are free)`,
    };
  },

  planSteps: [
    { generations: 4 },
    { scoreSample: 40, blockSize: 20 },
    { population: 8, crossovers: 3 },
    { scoreSample: 20, blockSize: 10, heldOutSample: 50 },
    { generations: 3, population: 6, crossovers: 2 },
    { scoreSample: 12, blockSize: 6 },
    { generations: 2, population: 4 },
    { generations: 1, heldOutSample: 20 },
  ],

  async run(ctx: JobContext<CapoParams>) {
    const p = ctx.params;
    const target = methodTarget(ctx, p.targetTemperature);
    const optimizer = withTemperature(ctx.roles.optimizer, p.optimizerTemperature);
    const task = ctx.doc.description ?? ctx.doc.name;
    const rows = comparisonRows(ctx, p.scoreSample);
    const blocks = chunk(ctx.rng.shuffle(rows), p.blockSize);
    // Shots from labelled train rows that are not raced (so a shot never answers its own row).
    const shotPool = ctx.train.filter((r) => !rows.includes(r) && ctx.rows[r].expected !== undefined);
    if (!shotPool.length && p.maxShots > 0)
      ctx.log('info', 'no labelled train rows outside the raced rows: candidates get no few-shot examples');
    const maxShots = Math.min(p.maxShots, shotPool.length);
    const baseline = await scoreBaseline(ctx, rows, target, p.generations);
    const genomes = new Map<number, Genome>([[0, { instruction: baseline.prompt, shots: [] }]]);
    const words = (text: string) => text.split(/\s+/).filter(Boolean).length;
    const originalWords = Math.max(1, words(baseline.prompt));
    const penalty = (c: CandidateRecord) => p.lengthPenalty * Math.max(0, words(c.prompt) / originalWords - 1);
    const render = (g: Genome) => withShots(ctx, g);
    const add = (g: Genome, parent: number, round: number, kind: 'mutation' | 'crossover', why: string) => {
      const { candidate, isNew } = ctx.propose({ parent, round, prompt: render(g), origin: { kind, why } });
      if (!isNew || candidate.status === 'rejected') return undefined;
      genomes.set(candidate.id, g);
      return candidate;
    };
    const reserve = verificationCalls(
      rows.length,
      samples(target),
      heldOutSize(ctx.validation.length, p.heldOutSample),
    );

    let population: CandidateRecord[] = [baseline];
    await ctx.search(reserve, async () => {
      // The initial population: mutations of the original instruction, each with a random number of shots.
      const initial = await Promise.all(
        Array.from({ length: p.population - 1 }, (_, i) =>
          structuredCall<{ prompts: string[] }>(
            ctx,
            `init${i}`,
            optimizer,
            capoMutationPrompt(task, baseline.prompt),
            'prompt_candidates',
            baseline,
          ),
        ),
      );
      for (const answer of initial) {
        const text = promptTexts(answer?.prompts)[0];
        if (!text) continue;
        const shots = ctx.rng.shuffle(shotPool).slice(0, ctx.rng.int(maxShots + 1));
        const c = add(
          { instruction: text, shots },
          0,
          0,
          'mutation',
          'initial population: a variation of the original',
        );
        if (c) population.push(c);
      }
      for (let gen = 1; gen <= p.generations && !ctx.stopped; gen++) {
        ctx.startRound(gen, p.generations);
        const offspring = await breed(ctx, gen, population, genomes, shotPool, maxShots, optimizer, task, add);
        const contenders = [...population, ...offspring];
        const result = await race({
          contenders: contenders.map((c) => c.id),
          blocks,
          keep: p.population,
          alpha: p.alpha,
          evaluate: async (id, block) => {
            const c = ctx.candidates[id];
            const scored = await scoreOnRows(ctx, c.prompt, block, target, c);
            return scored.examples.map((e) => e.score - penalty(c));
          },
        });
        for (const c of contenders) {
          const seen = result.rowsSeen.get(c.id) ?? 0;
          if (c.id !== 0) c.score = (result.means.get(c.id) ?? 0) + penalty(c);
          const out = result.eliminatedAfter.get(c.id);
          if (out !== undefined) {
            c.status = 'dropped';
            c.statusReason = `lost the race in generation ${gen} after ${seen} of ${rows.length} rows: others scored clearly higher`;
            ctx.log(
              'info',
              `generation ${gen}: #${c.id} raced out after block ${out} (${seen} of ${rows.length} rows)`,
            );
          } else {
            c.status = 'beam';
            c.statusReason = `survived the race in generation ${gen} (${seen} of ${rows.length} rows)`;
          }
          if (c.id !== 0) ctx.update(c);
        }
        population = result.survivors.slice(0, p.population).map((id) => ctx.candidates[id]);
        ctx.emit({ type: 'beam', round: gen, ids: population.map((c) => c.id) });
        ctx.setBest(population[0].id);
        ctx.endRound(gen);
      }
    });
    await verifyAndFinish(ctx, rows, target, p.heldOutSample);
  },
};

/** One generation's offspring: crossover of two random parents, then a mutation of the child. */
async function breed(
  ctx: JobContext<CapoParams>,
  gen: number,
  population: CandidateRecord[],
  genomes: Map<number, Genome>,
  shotPool: number[],
  maxShots: number,
  optimizer: ModelRef,
  task: string | undefined,
  add: (
    g: Genome,
    parent: number,
    round: number,
    kind: 'mutation' | 'crossover',
    why: string,
  ) => CandidateRecord | undefined,
): Promise<CandidateRecord[]> {
  const p = ctx.params;
  // Every random choice is drawn before the calls, so the run does not depend on which call finishes first.
  const pairs = Array.from({ length: p.crossovers }, () => {
    const [a, b] = [ctx.rng.pick(population), ctx.rng.pick(population)];
    const [ga, gb] = [genomes.get(a.id)!, genomes.get(b.id)!];
    return { a, b, ga, gb, shots: mutateShots(crossShots(ga.shots, gb.shots, ctx.rng), shotPool, maxShots, ctx.rng) };
  });
  const children = await Promise.all(
    pairs.map(async ({ a, b, ga, gb, shots }, i) => {
      const crossed = await structuredCall<{ prompts: string[] }>(
        ctx,
        `g${gen}/cross${i}`,
        optimizer,
        capoCrossoverPrompt(task, ga.instruction, gb.instruction),
        'prompt_candidates',
        a,
      );
      const child = promptTexts(crossed?.prompts)[0];
      if (!child) return undefined;
      const mutated = await structuredCall<{ prompts: string[] }>(
        ctx,
        `g${gen}/mutate${i}`,
        optimizer,
        capoMutationPrompt(task, child),
        'prompt_candidates',
        a,
      );
      const instruction = promptTexts(mutated?.prompts)[0] ?? child;
      return { genome: { instruction, shots }, a, b };
    }),
  );
  const out: CandidateRecord[] = [];
  for (const c of children) {
    if (!c) continue;
    const added = add(c.genome, c.a.id, gen, 'crossover', `crossover of #${c.a.id} and #${c.b.id}, then a mutation`);
    if (added) out.push(added);
  }
  return out;
}

/** A random half of both parents' shots (at least one when either has any). */
function crossShots(a: number[], b: number[], rng: Rng): number[] {
  const union = [...new Set([...a, ...b])];
  return rng.shuffle(union).slice(0, Math.ceil((a.length + b.length) / 2));
}

/** Add, replace or remove one shot (each as likely), within [0, maxShots]. */
function mutateShots(shots: number[], pool: number[], maxShots: number, rng: Rng): number[] {
  const unused = pool.filter((r) => !shots.includes(r));
  const move = rng.int(3);
  if (move === 0 && shots.length < maxShots && unused.length) return [...shots, rng.pick(unused)];
  if (move === 1 && shots.length && unused.length) {
    const out = [...shots];
    out[rng.int(out.length)] = rng.pick(unused);
    return out;
  }
  if (move === 2 && shots.length) {
    const dropped = rng.int(shots.length);
    return shots.filter((_, i) => i !== dropped);
  }
  return shots;
}

function withShots(ctx: JobContext<unknown>, g: Genome): string {
  if (!g.shots.length) return g.instruction;
  const examples = g.shots
    .map((r) => `Input:\n${describeInput(ctx.rows[r].vars)}\nOutput:\n${ctx.rows[r].expected}`)
    .join('\n\n');
  return `${g.instruction.replace(/\s+$/, '')}\n\nExamples:\n\n${examples}`;
}

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
