/**
 * SPO (algorithms.md §3): each round the optimizer proposes one prompt from the incumbent's outputs and the
 * requirements; the target runs it on k questions fixed once per run (seeded; fixes SPO#6); a judge compares the two
 * answer sets J times with a seeded random A/B order and sees only the answers (fixes SPO#5); the new prompt replaces
 * the incumbent only on a strict majority of wins (ties and unusable verdicts keep the incumbent).
 * Scores: with labels/evaluators, a candidate's score is its evaluator mean on the k questions; without, its share
 * of won judgments (baseline 0.5).
 */
import type { CandidateRecord, Estimate, ExampleResult, JobSpec, SpoParams } from '../jobs/types';
import { JobInputError } from '../jobs/types';
import type { JobContext } from '../jobs/context';
import type { ModelRef } from '../llm/types';
import { resolveParams } from './defaults';
import { promptTexts, structuredCall } from './calls';
import { describeInput, methodTarget, reasonsOf, scoreOnRows, withTemperature } from './execute';
import { targetModelFor } from '../evaluation/target-request';
import { finishWithValidation, heldOutRows, heldOutSize, HELD_OUT_SAMPLE, samples } from './finish';
import { nameSlots, slotNames } from './pairwise-reason';
import { spoJudgePrompt, spoOptimizePrompt, type QA } from './prompts/spo';
import type { Optimizer, SplitInfo } from './types';

function requirementsOf(spec: JobSpec): string | undefined {
  const text = spec.requirements ?? spec.doc.settings.requirements;
  return text?.trim() ? text.trim() : undefined;
}

function hasLabels(spec: JobSpec, rows: number[]): boolean {
  return spec.evaluators.length > 0 || rows.some((i) => spec.rows[i].expected !== undefined);
}

export const spo: Optimizer<SpoParams> = {
  method: 'spo',
  resolve: (spec) => resolveParams('spo', spec.preset, spec.params as Partial<SpoParams>),

  check(spec: JobSpec) {
    if (!requirementsOf(spec)) {
      return new JobInputError(
        'SPO needs requirements: add `requirements:` (what good output looks like) to the sidecar <name>.whetstone.yaml',
        'no-requirements',
      );
    }
    return undefined;
  },

  estimate(spec: JobSpec, p: SpoParams, split: SplitInfo): Estimate {
    const k = Math.min(p.questions, split.train.length);
    const val = heldOutSize(split.validation.length, p.heldOutSample);
    const pairwiseValidation = val > 0 && !hasLabels(spec, split.validation);
    const own = targetModelFor(spec.doc, spec.roles.target).params?.temperature as number | undefined;
    const resample = (own ?? p.targetTemperature) > 0;
    const rounds = (p.rounds - 1) * (1 + k * (resample ? 2 : 1) + p.judgments);
    const heldOut = 2 * val + (pairwiseValidation ? p.judgments : 0);
    const target = k + (p.rounds - 1) * k * (resample ? 2 : 1) + 2 * val;
    const judge = (p.rounds - 1) * p.judgments + (pairwiseValidation ? p.judgments : 0);
    return {
      calls: target + (p.rounds - 1) + judge,
      byRole: { target, optimizer: p.rounds - 1, judge },
      phases: [
        { name: 'baseline', calls: k },
        { name: `${p.rounds - 1} rounds`, calls: rounds },
        { name: 'held-out', calls: heldOut },
      ],
      proposals: p.rounds - 1,
      reserve: heldOut,
      formula: `k + (R−1)·(1 + ${resample ? '2k' : 'k'} + J) + 2·H${pairwiseValidation ? ' + J' : ''} with k=${k}, R=${p.rounds}, J=${p.judgments}, H=min(|val|, ${p.heldOutSample})=${val}`,
    };
  },

  // Held-out sample first (it can cost more than the whole search), then rounds, then judgments and questions.
  planSteps: [
    { heldOutSample: 50 },
    { rounds: 8 },
    { heldOutSample: 30 },
    { rounds: 6 },
    { rounds: 5, heldOutSample: 20 },
    { rounds: 4 },
    { judgments: 3 },
    { questions: 2, heldOutSample: 10 },
    { rounds: 3 },
    { rounds: 2 },
  ],

  async run(ctx: JobContext<SpoParams>) {
    const p = ctx.params;
    const requirements = requirementsOf(ctx.spec)!;
    const executor = methodTarget(ctx, p.targetTemperature);
    const optimizer = withTemperature(ctx.roles.optimizer, p.optimizerTemperature);
    const judge = withTemperature(ctx.roles.judge, p.judgeTemperature);
    const labeled = hasLabels(ctx.spec, ctx.train);
    const questions = ctx.rng.shuffle(ctx.train).slice(0, Math.min(p.questions, ctx.train.length));
    const qaOf = (rows: number[], answers: ExampleResult[]): QA[] =>
      rows.map((r, i) => ({
        question: describeInput(ctx.rows[r].vars),
        answer: answers[i].output ?? '',
        ...reasonsOf(ctx, answers[i]),
      }));
    const referencesOf = (rows: number[]): QA[] =>
      rows
        .filter((r) => ctx.rows[r].expected !== undefined)
        .map((r) => ({ question: describeInput(ctx.rows[r].vars), answer: ctx.rows[r].expected! }));
    const references = referencesOf(questions);
    const rounds = p.rounds - 1;

    const baseline = ctx.baseline();
    const heldOut = heldOutRows(ctx, ctx.validation, p.heldOutSample);
    const sampled = samples(executor);
    const reserve = 2 * heldOut.length + (hasLabels(ctx.spec, ctx.validation) ? 0 : p.judgments);
    let incumbent = baseline;
    ctx.startRound(0, rounds);
    const base = await scoreOnRows(ctx, baseline.prompt, questions, executor, baseline);
    Object.assign(baseline, { score: labeled ? base.score : 0.5, examples: base.examples, status: 'beam' as const });
    ctx.update(baseline);
    ctx.setBest(0);
    ctx.emit({ type: 'beam', round: 0, ids: [0] });
    ctx.endRound(0);
    await ctx.search(reserve, async () => {
      let incumbentAnswers = base.examples;
      let repeats = 0;
      for (let round = 1; round <= rounds && !ctx.stopped; round++) {
        ctx.startRound(round, rounds);
        const proposal = await structuredCall<{ prompts: string[] }>(
          ctx,
          `r${round}/optimize`,
          optimizer,
          spoOptimizePrompt(requirements, incumbent.prompt, qaOf(questions, incumbentAnswers), references, p.wordLimit),
          'prompt_candidates',
          incumbent,
        );
        const text = promptTexts(proposal?.prompts)[0];
        const proposed = text
          ? ctx.propose({
              parent: incumbent.id,
              round,
              prompt: text,
              origin: { kind: 'spo', why: `revision of #${incumbent.id}` },
            })
          : undefined;
        if (!proposed || !proposed.isNew || proposed.candidate.status === 'rejected') {
          if (proposed && !proposed.isNew)
            ctx.log(
              'info',
              `round ${round}: the optimizer returned prompt #${proposed.candidate.id} again; no new candidate`,
            );
          ctx.emit({ type: 'beam', round, ids: [incumbent.id] });
          ctx.endRound(round);
          if (++repeats >= 2) ctx.stop('converged', `round ${round}: two rounds without a new prompt; stopping`);
          continue;
        }
        repeats = 0;
        const candidate = proposed.candidate;
        // At temperature > 0 the stored answers are one sample: re-run the incumbent beside the candidate (§3.10).
        const resample = ((executor.params?.temperature as number | undefined) ?? 0) > 0;
        const [run, again] = await Promise.all([
          scoreOnRows(ctx, candidate.prompt, questions, executor, candidate, resample ? round : 0),
          resample ? scoreOnRows(ctx, incumbent.prompt, questions, executor, incumbent, round) : undefined,
        ]);
        if (again) incumbentAnswers = again.examples;
        const { wins, analysis } = await judgeRound(
          ctx,
          judge,
          requirements,
          round,
          qaOf(questions, run.examples),
          qaOf(questions, incumbentAnswers),
          references,
          candidate,
        );
        const accepted = wins > p.judgments - wins;
        candidate.score = labeled ? run.score : wins / p.judgments;
        candidate.examples = run.examples;
        // The judge's reason for the outcome: a winning judgment's if accepted, a losing one's if dropped.
        const reason = accepted ? analysis.won : (analysis.lost ?? analysis.won);
        candidate.origin = {
          kind: 'spo',
          why: `revision of #${incumbent.id}; judged better than #${incumbent.id} in ${wins} of ${p.judgments} comparisons${reason ? `. The judge: ${reason}` : ''}`,
        };
        candidate.status = accepted ? 'beam' : 'dropped';
        candidate.statusReason = accepted
          ? `judged better than #${incumbent.id} in ${wins} of ${p.judgments} comparisons in round ${round}`
          : `judged better than #${incumbent.id} in only ${wins} of ${p.judgments} comparisons in round ${round}; it needed a majority`;
        ctx.update(candidate);
        if (accepted) {
          incumbent.status = 'scored';
          incumbent.statusReason = `replaced by #${candidate.id} in round ${round}, which the judge preferred`;
          ctx.update(incumbent);
          incumbent = candidate;
          incumbentAnswers = run.examples;
          ctx.setBest(candidate.id);
        }
        ctx.emit({ type: 'beam', round, ids: [incumbent.id] });
        ctx.endRound(round);
      }
    });

    const heldOutSample = sampled ? HELD_OUT_SAMPLE : 0;
    const validationLabeled = hasLabels(ctx.spec, ctx.validation);
    if (validationLabeled || ctx.validation.length === 0) {
      await finishWithValidation(
        ctx,
        ctx.validation,
        p.heldOutSample,
        async (c, rows) => (await scoreOnRows(ctx, c.prompt, rows, executor, c, heldOutSample)).score,
      );
      return;
    }
    if (incumbent === baseline) {
      // Nothing was accepted and nothing can be measured without labels: no held-out calls.
      baseline.status = 'best';
      ctx.update(baseline);
      ctx.verified = true;
      return;
    }
    // No labels on held-out rows: a pairwise comparison of winner and baseline there (share of judgments won).
    const [mine, theirs] = await Promise.all(
      [incumbent, baseline].map((x) => scoreOnRows(ctx, x.prompt, heldOut, executor, x, heldOutSample)),
    );
    const { wins } = await judgeRound(
      ctx,
      judge,
      requirements,
      'validation',
      qaOf(heldOut, mine.examples),
      qaOf(heldOut, theirs.examples),
      referencesOf(heldOut),
      incumbent,
    );
    incumbent.validationScore = wins / p.judgments;
    baseline.validationScore = 1 - incumbent.validationScore;
    ctx.update(baseline);
    incumbent.status = 'best';
    ctx.update(incumbent);
    ctx.heldOut = { rows: heldOut.length, of: ctx.validation.length };
    ctx.verified = true;
  },
};

const REASON_CHARS = 300;

function shorten(text: string): string {
  const flat = text.trim().replace(/\s+/g, ' ');
  return flat.length <= REASON_CHARS ? flat : `${flat.slice(0, REASON_CHARS - 1).trimEnd()}…`;
}

/** J judgments of new vs incumbent answers; which set sits in slot A is seeded (random or balanced). */
async function judgeRound(
  ctx: JobContext<SpoParams>,
  judge: ModelRef,
  requirements: string,
  round: number | string,
  newAnswers: QA[],
  oldAnswers: QA[],
  references: QA[],
  charge: CandidateRecord,
): Promise<{ wins: number; analysis: { won?: string; lost?: string } }> {
  const J = ctx.params.judgments;
  // Random order per judgment (the reference), or balanced: half with the new answers in slot A, in a seeded order.
  const swaps = ctx.params.balancedJudging
    ? ctx.rng.shuffle(Array.from({ length: J }, (_, j) => j % 2 === 0))
    : Array.from({ length: J }, () => ctx.rng.next() < 0.5);
  const verdicts = await Promise.all(
    swaps.map((newInA, j) =>
      structuredCall<{ analysis: string; choice: string }>(
        ctx,
        `r${round}/judge${j}`,
        judge,
        spoJudgePrompt(requirements, newInA ? newAnswers : oldAnswers, newInA ? oldAnswers : newAnswers, references),
        'pairwise_verdict',
        charge,
      ),
    ),
  );
  let wins = 0;
  const analysis: { won?: string; lost?: string } = {};
  verdicts.forEach((v, j) => {
    const choice = typeof v?.choice === 'string' ? v.choice.trim().toUpperCase() : '';
    const won = (choice === 'A' && swaps[j]) || (choice === 'B' && !swaps[j]);
    if (won) wins++;
    // The judge's words say "A" and "B"; the user sees which prompt each one was in this judgment.
    const said =
      typeof v?.analysis === 'string' && v.analysis.trim()
        ? shorten(nameSlots(v.analysis, slotNames(swaps[j])))
        : undefined;
    if (won) analysis.won ??= said;
    else if (choice === 'A' || choice === 'B') analysis.lost ??= said;
  });
  return { wins, analysis };
}
