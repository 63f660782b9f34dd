/**
 * APO = ProTeGi (algorithms.md §2): minibatch errors → critiques ("textual gradients") → edits → Monte-Carlo
 * paraphrases → successor cap → bandit selection under an example budget → beam of b over R rounds.
 * Generalized errors show (input, expected, actual, evaluator feedback). Round 0 scores the baseline on all train
 * rows (the engine needs a baseline score; later minibatch errors of the baseline then come from the memo).
 */
import type { ApoParams, CandidateRecord, Estimate, ExampleResult, JobSpec } from '../jobs/types';
import type { JobContext } from '../jobs/context';
import type { ModelRef } from '../llm/types';
import { createRng, type Rng } from '../random';
import { resolveParams } from './defaults';
import { selectArms } from './bandits';
import { callSeed, promptTexts, structuredCall, uniqueTexts } from './calls';
import {
  describeInput,
  methodTarget,
  reasonsOf,
  rowWorkers,
  runExample,
  scoreOnRows,
  withTemperature,
} from './execute';
import { mapPool } from '../worker-pool';
import { heldOutSize, samples } from './finish';
import { comparisonRows, missingScoredCases, scoreBaseline, verificationCalls, verifyAndFinish } from './verify';
import { critiquePrompt, editPrompt, paraphrasePrompt } from './prompts/apo';
import type { ShownError } from './prompts/common';
import type { Optimizer, SplitInfo } from './types';

export function apoOptimizerCallsPerParent(p: ApoParams): number {
  const g = p.reasonsPerGradient;
  return p.gradients + p.gradients * g + p.paraphrases * (p.gradients * g * p.editsPerGradient + 1);
}

/** Successors one parent proposes before the cap E: edits plus paraphrases of each edit and of the parent. */
export function apoSuccessorsPerParent(p: ApoParams): number {
  const edits = p.gradients * p.reasonsPerGradient * p.editsPerGradient;
  return edits + p.paraphrases * (edits + 1);
}

export const apo: Optimizer<ApoParams> = {
  method: 'apo',
  resolve: (spec) => resolveParams('apo', spec.preset, spec.params as Partial<ApoParams>),

  check: (spec, _p, split) =>
    missingScoredCases(
      spec,
      split,
      'APO needs labeled examples: add `expected` to the test rows (testData or the dataset) or configure evaluators',
    ),

  estimate(spec: JobSpec, p: ApoParams, split: SplitInfo): Estimate {
    const n = split.train.length;
    const scored = Math.min(n, p.scoreSample);
    const minibatch = Math.min(p.minibatchSize, n);
    const selectionBudget = p.samplesPerEval * p.evalRounds * p.evalPromptsPerRound;
    const perParent = Math.min(p.maxSuccessors, apoSuccessorsPerParent(p));
    let rounds = 0;
    let optimizer = 0;
    let proposals = 0;
    for (let r = 1; r <= p.rounds; r++) {
      const beam = r === 1 ? 1 : p.beamSize;
      const arms = beam * p.maxSuccessors + beam;
      optimizer += beam * apoOptimizerCallsPerParent(p);
      rounds += beam * minibatch + Math.min(selectionBudget, arms * n);
      if (p.rejectOnErrors) rounds += beam * 2 * p.maxSuccessors * Math.min(16, minibatch);
      proposals += beam * perParent;
    }
    // Verification: the winner re-scored on the baseline's rows (and the baseline again on fresh samples when the
    // target samples), then both on the held-out sample.
    const sampled = ((spec.roles.target.params?.temperature as number | undefined) ?? p.targetTemperature) > 0;
    const verify = scored * (sampled ? 2 : 1);
    const heldOut = 2 * heldOutSize(split.validation.length, p.heldOutSample);
    const target = scored + rounds + verify + heldOut;
    return {
      calls: target + optimizer,
      byRole: { target, optimizer },
      phases: [
        { name: 'baseline', calls: scored },
        { name: `${p.rounds} rounds`, calls: rounds + optimizer },
        { name: 'verification', calls: verify },
        { name: 'held-out', calls: heldOut },
      ],
      proposals,
      reserve: verify + heldOut,
      formula:
        `S + R×[b·(m + m·g + p_mc·(m·g·s+1)) optimizer + b·M expansion + B selection] + ${sampled ? '2·' : ''}S + 2·H` +
        ` with S=min(|train|, ${p.scoreSample})=${scored}, R=${p.rounds}, b=${p.beamSize} (1 in round 1), m=${p.gradients}, g=${p.reasonsPerGradient},` +
        ` s=${p.editsPerGradient}, p_mc=${p.paraphrases}, M=${minibatch}, B=${selectionBudget}, H=min(|val|, ${p.heldOutSample})=${heldOut / 2}` +
        (p.rejectOnErrors ? ` + b·2E·min(16, errors) successor filtering (E=${p.maxSuccessors})` : '') +
        ' (an upper bound: repeated evaluations are free)',
    };
  },

  // Selection budget first (the paper varies it), then minibatch and sample sizes, then the beam, then rounds.
  planSteps: [
    { evalRounds: 4 },
    { samplesPerEval: 16 },
    { minibatchSize: 32, scoreSample: 100, heldOutSample: 100 },
    { beamSize: 3, evalPromptsPerRound: 6 },
    { beamSize: 2, maxSuccessors: 6, gradients: 3 },
    { samplesPerEval: 8, minibatchSize: 16, scoreSample: 50, heldOutSample: 50 },
    { rounds: 4 },
    { gradients: 2, paraphrases: 1, maxSuccessors: 4, evalPromptsPerRound: 4 },
    { rounds: 3, scoreSample: 30, heldOutSample: 30 },
    { beamSize: 1, samplesPerEval: 6, evalRounds: 3 },
    { rounds: 2, minibatchSize: 12 },
    { paraphrases: 0, scoreSample: 20, heldOutSample: 20, evalRounds: 2 },
    { rounds: 1 },
  ],

  async run(ctx: JobContext<ApoParams>) {
    const p = ctx.params;
    const target = methodTarget(ctx, p.targetTemperature);
    const optimizer = withTemperature(ctx.roles.optimizer, p.optimizerTemperature);
    const task = ctx.doc.description ?? ctx.doc.name;
    const sampled = samples(target);

    // Baseline and final winner are compared on the same rows: all train rows, or a seeded sample of large sets.
    const scoreRows = comparisonRows(ctx, p.scoreSample);
    // Round 0 (the baseline) comes first: without it nothing can be verified, so it is not part of the search.
    const baseline = await scoreBaseline(ctx, scoreRows, target, p.rounds);
    const reserve = verificationCalls(scoreRows.length, sampled, heldOutSize(ctx.validation.length, p.heldOutSample));
    await ctx.search(reserve, async () => {
      let beam: CandidateRecord[] = [baseline];
      for (let round = 1; round <= p.rounds && !ctx.stopped; round++) {
        beam = await apoRound(ctx, round, beam, optimizer, target, task);
      }
    });
    // The bandit's estimate is noisy: the winner is re-scored on the baseline's rows (fresh samples at temperature
    // > 0, where the winner's own samples are the ones that made it look good) before the held-out score.
    await verifyAndFinish(ctx, scoreRows, target, p.heldOutSample);
  },
};

/** One round: expand each beam member, select the new beam with the bandit; stops the search when nothing is new. */
async function apoRound(
  ctx: JobContext<ApoParams>,
  round: number,
  beam: CandidateRecord[],
  optimizer: ModelRef,
  target: ModelRef,
  task: string | undefined,
): Promise<CandidateRecord[]> {
  const p = ctx.params;
  ctx.startRound(round, p.rounds);
  const minibatch = ctx.rng.shuffle(ctx.train).slice(0, Math.min(p.minibatchSize, ctx.train.length));
  const successors: CandidateRecord[] = [];
  const expansions = await Promise.all(
    beam.map((parent) => expandTexts(ctx, parent, round, minibatch, optimizer, target, task)),
  );
  for (const x of expansions) successors.push(...registerExpansion(ctx, x, round));
  if (successors.length === 0) {
    ctx.emit({ type: 'beam', round, ids: beam.map((c) => c.id) });
    ctx.endRound(round);
    if (!expansions.some((x) => x.expanded))
      ctx.stop(
        'no-errors',
        `round ${round}: no beam member makes an error on the minibatch; nothing left to learn from`,
      );
    else ctx.stop('converged', `round ${round}: the optimizer proposed nothing new; stopping`);
    return beam;
  }

  const arms: CandidateRecord[] = [];
  for (const c of [...successors, ...beam]) if (!arms.includes(c)) arms.push(c);
  const examplesOf = new Map<number, Map<number, ExampleResult>>();
  const selection = await selectArms({
    kind: p.selection,
    arms: arms.length,
    rows: ctx.train,
    keep: p.beamSize,
    samplesPerEval: p.samplesPerEval,
    evalRounds: p.evalRounds,
    evalPromptsPerRound: p.evalPromptsPerRound,
    c: p.ucbC,
    rng: ctx.rng,
    pull: async (arm, rows) => {
      const candidate = arms[arm];
      const results = await mapPool(rows, rowWorkers(ctx), (r) =>
        runExample(ctx, candidate.prompt, r, target, candidate),
      );
      const seen = examplesOf.get(arm) ?? new Map();
      for (const e of results) seen.set(e.rowIndex, e);
      examplesOf.set(arm, seen);
      return results.map((e) => e.score);
    },
  });
  arms.forEach((c, i) => {
    c.status = 'scored';
    if (c.id === 0) return; // the baseline keeps its score and examples on all scored rows
    c.score = selection.means[i];
    const seen = examplesOf.get(i);
    if (seen) c.examples = [...seen.values()].sort((a, b) => a.rowIndex - b.rowIndex);
  });
  const next = selection.ranking.slice(0, p.beamSize).map((i) => arms[i]);
  arms.forEach((c, i) => {
    const place = selection.ranking.indexOf(i) + 1;
    const rows = `${examplesOf.get(i)?.size ?? 0} of ${ctx.train.length} rows`;
    if (next.includes(c)) {
      c.status = 'beam';
      c.statusReason = `kept for round ${round + 1}: placed ${place} of ${arms.length} in the bandit race after ${rows}`;
    } else if (c.id !== 0) {
      c.status = 'dropped';
      c.statusReason = `lost the bandit race after ${rows}: placed ${place} of ${arms.length}, and only the top ${p.beamSize} go on`;
    }
    ctx.update(c);
  });
  ctx.emit({ type: 'beam', round, ids: next.map((c) => c.id) });
  ctx.setBest(next[0].id);
  ctx.endRound(round);
  return next;
}

/** What one parent's expansion produced, before any candidate is registered. */
interface Expansion {
  parent: CandidateRecord;
  rng: Rng;
  /** False when the parent made no errors on the minibatch. */
  expanded: boolean;
  edits: { text: string; why: string }[];
  /** Paraphrases of edit `base` (an index into `edits`), or of the parent (base -1). */
  paraphrases: { base: number; text: string }[];
  /** rejectOnErrors: each usable successor text's mean score on (up to 16 of) the parent's errors. */
  errorScores?: Map<string, number>;
}

/**
 * One parent's expansion (calls only): critiques of its minibatch errors → edits → paraphrases. Parents expand
 * concurrently, each with its own seeded RNG, and register their candidates afterwards in beam order, so ids,
 * events and the RNG stream do not depend on which call finishes first.
 */
async function expandTexts(
  ctx: JobContext<ApoParams>,
  parent: CandidateRecord,
  round: number,
  minibatch: number[],
  optimizer: ModelRef,
  target: ModelRef,
  task: string | undefined,
): Promise<Expansion> {
  const p = ctx.params;
  const at = `r${round}/p${parent.id}`;
  const rng = createRng(callSeed(ctx.spec.seed, at));
  const out: Expansion = { parent, rng, expanded: false, edits: [], paraphrases: [] };
  const results = await scoreOnRows(ctx, parent.prompt, minibatch, target, parent);
  const errors = results.examples.filter((e) => !e.pass);
  if (errors.length === 0) return out;
  out.expanded = true;
  const shown = (e: (typeof errors)[number]): ShownError => {
    const { reasons, critique } = reasonsOf(ctx, e);
    return { input: describeInput(e.input), expected: e.expected, actual: e.output ?? '', feedback: reasons, critique };
  };

  // The parent's own paraphrases depend on nothing else: issue them now, beside the critiques, so no concurrency
  // slot idles while a round's chain (critique → edit → paraphrase) runs.
  const parentParaphrases = Promise.all(
    Array.from({ length: p.paraphrases }, (_, k) =>
      structuredCall<{ prompts: string[] }>(
        ctx,
        `${at}/paraphrase-parent.${k}`,
        optimizer,
        paraphrasePrompt(parent.prompt),
        'prompt_candidates',
        parent,
      ).then((value) => ({ base: -1, text: promptTexts(value?.prompts)[0] })),
    ),
  );
  parentParaphrases.catch(() => undefined); // awaited below; an earlier failure must not leave it unhandled

  // Gradients: m calls, each on up to e errors sampled at random.
  const groups = Array.from({ length: p.gradients }, () =>
    rng.shuffle(errors).slice(0, p.errorsPerGradient).map(shown),
  );
  const critiqued = await Promise.all(
    groups.map((group, i) =>
      structuredCall<{ critiques: string[] }>(
        ctx,
        `${at}/critique${i}`,
        optimizer,
        critiquePrompt(task, parent.prompt, group, p.reasonsPerGradient),
        'critiques',
        parent,
      ),
    ),
  );
  const reasons = critiqued.flatMap((value, i) =>
    uniqueTexts(value?.critiques)
      .slice(0, p.reasonsPerGradient)
      .map((reason) => ({ reason, group: groups[i] })),
  );

  // Descent step: one edit call per reason.
  const edited = await Promise.all(
    reasons.map((r, j) =>
      structuredCall<{ prompts: string[] }>(
        ctx,
        `${at}/edit${j}`,
        optimizer,
        editPrompt(task, parent.prompt, r.group, r.reason, p.editsPerGradient),
        'prompt_candidates',
        parent,
      ),
    ),
  );
  edited.forEach((value, j) => {
    for (const text of promptTexts(value?.prompts).slice(0, p.editsPerGradient))
      out.edits.push({ text, why: reasons[j].reason });
  });

  // Monte-Carlo exploration: p_mc paraphrases of each usable new prompt (the parent's are already on their way).
  const seen = new Set<string>();
  const bases: { base: number; prompt: string }[] = [];
  out.edits.forEach((e, i) => {
    const text = ctx.normalize(e.text);
    if (seen.has(text) || ctx.known(text) || ctx.invariantProblem(text)) return;
    seen.add(text);
    bases.push({ base: i, prompt: text });
  });
  const paraphrased = [
    ...(await Promise.all(
      bases.flatMap((b, i) =>
        Array.from({ length: p.paraphrases }, (_, k) =>
          structuredCall<{ prompts: string[] }>(
            ctx,
            `${at}/paraphrase${i}.${k}`,
            optimizer,
            paraphrasePrompt(b.prompt),
            'prompt_candidates',
            parent,
          ).then((value) => ({ base: b.base, text: promptTexts(value?.prompts)[0] })),
        ),
      ),
    )),
    ...(await parentParaphrases),
  ];
  for (const x of paraphrased) if (x.text) out.paraphrases.push({ base: x.base, text: x.text });

  // Optional successor filter (ProTeGi --reject_on_errors): when there are more than E successors, score up to 2E of
  // them on up to 16 of the parent's errors and keep the best E.
  if (p.rejectOnErrors) {
    const usable: string[] = [];
    for (const text of [
      ...bases.filter((b) => b.base >= 0).map((b) => b.prompt),
      ...out.paraphrases.map((x) => ctx.normalize(x.text)),
    ]) {
      if (!usable.includes(text) && !ctx.known(text) && !ctx.invariantProblem(text)) usable.push(text);
    }
    if (usable.length > p.maxSuccessors) {
      const sampled = rng.shuffle(usable).slice(0, 2 * p.maxSuccessors);
      const errorRows = rng.shuffle(errors.map((e) => e.rowIndex)).slice(0, 16);
      const scored = await Promise.all(sampled.map((text) => scoreOnRows(ctx, text, errorRows, target)));
      out.errorScores = new Map(sampled.map((text, i) => [text, scored[i].score]));
    }
  }
  return out;
}

/** Registers an expansion's candidates (rejected ones visibly) and caps the successors at E. */
function registerExpansion(ctx: JobContext<ApoParams>, x: Expansion, round: number): CandidateRecord[] {
  const p = ctx.params;
  const { parent } = x;
  if (!x.expanded) {
    ctx.log('info', `round ${round}: #${parent.id} makes no errors on the minibatch; not expanded`);
    return [];
  }
  const editIds: CandidateRecord[] = [];
  const pool: CandidateRecord[] = [];
  for (const e of x.edits) {
    const { candidate, isNew } = ctx.propose({
      parent: parent.id,
      round,
      prompt: e.text,
      origin: { kind: 'edit', why: e.why },
    });
    editIds.push(candidate);
    if (isNew && candidate.status !== 'rejected') pool.push(candidate);
  }
  for (const para of x.paraphrases) {
    const base = para.base < 0 ? parent : editIds[para.base];
    const { candidate, isNew } = ctx.propose({
      parent: base.id,
      round,
      prompt: para.text,
      origin: { kind: 'paraphrase', why: `paraphrase of #${base.id}${base.origin.why ? ` (${base.origin.why})` : ''}` },
    });
    if (isNew && candidate.status !== 'rejected') pool.push(candidate);
  }
  if (pool.length <= p.maxSuccessors) return pool;
  const errorScores = x.errorScores;
  const kept = errorScores
    ? pool
        .filter((c) => errorScores.has(c.prompt))
        .sort((a, b) => errorScores.get(b.prompt)! - errorScores.get(a.prompt)! || a.id - b.id)
        .slice(0, p.maxSuccessors)
    : x.rng.shuffle(pool).slice(0, p.maxSuccessors);
  for (const c of pool) {
    if (kept.includes(c)) continue;
    c.status = 'dropped';
    c.statusReason = `never scored: only ${p.maxSuccessors} of the ${pool.length} new prompts from #${parent.id} go to the race, ${
      errorScores ? 'those that did best on its mistakes' : 'picked at random (seeded)'
    }`;
    ctx.update(c);
  }
  return pool.filter((c) => kept.includes(c));
}
