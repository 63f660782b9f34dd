/**
 * PMPO (algorithms.md §4): score prompts by the target model's cross-entropy on the expected outputs (teacher-forced
 * log-probs from the scorer; per example the summed −log p over the target tokens, as in the paper), find helpful/harmful segments by removing
 * each and measuring ΔL, rewrite for the hardest examples, keep the lowest-loss candidate only on strict improvement.
 * Preference mode (rows with chosen/rejected): L = −log σ(β·(log p(chosen) − log p(rejected))), summed log-probs.
 * Masking removes the segment (the segmenter prompt describes removal); a candidate's score is −loss.
 */
import { renderMessages } from '../documents';
import type { CandidateRecord, Estimate, ExampleResult, JobSpec, PmpoParams } from '../jobs/types';
import { JobInputError } from '../jobs/types';
import type { JobContext } from '../jobs/context';
import { hashOf } from '../jobs/ledger';
import { LlmError } from '../llm/types';
import { NO_CHAT_TEMPLATE } from '../llm/score';
import { resolveParams } from './defaults';
import { locateSegment, promptTexts, structuredCall, uniqueTexts } from './calls';
import { describeInput, rowWorkers, withTemperature } from './execute';
import { mapPool } from '../worker-pool';
import { finishWithValidation, heldOutRows, heldOutSize } from './finish';
import { compactRewritePrompt, rewritePrompt, segmentPrompt, type MaskRow } from './prompts/pmpo';
import type { Optimizer, SplitInfo } from './types';

type Mode = 'ce' | 'preference';

function modeOf(spec: JobSpec, p: PmpoParams, rows: number[]): Mode {
  if (p.objective !== 'auto') return p.objective;
  return rows.some((i) => spec.rows[i].chosen !== undefined && spec.rows[i].rejected !== undefined)
    ? 'preference'
    : 'ce';
}

function usableRows(spec: JobSpec, mode: Mode, rows: number[]): number[] {
  return rows.filter((i) =>
    mode === 'ce'
      ? spec.rows[i].expected !== undefined && spec.rows[i].expected !== ''
      : spec.rows[i].chosen !== undefined && spec.rows[i].rejected !== undefined,
  );
}

export const SCORER_HELP =
  'Backends that can: vLLM or SGLang (OpenAI-compatible /v1/completions with echo + logprobs), ' +
  'or the embedded local model (model "local:<path.gguf>"). Set the scorer with --scorer-model or `models.scorer` in the sidecar.';

/** The loss of an example whose log-probs never came (probability e^-50: worse than any real answer, still finite). */
const UNUSABLE_LOSS = 50;

export const pmpo: Optimizer<PmpoParams> = {
  method: 'pmpo',
  resolve: (spec) => resolveParams('pmpo', spec.preset, spec.params as Partial<PmpoParams>),

  check(spec: JobSpec, p: PmpoParams, split: SplitInfo) {
    const mode = modeOf(spec, p, split.train);
    if (usableRows(spec, mode, split.train).length === 0) {
      return new JobInputError(
        mode === 'ce'
          ? 'PMPO needs target outputs: add `expected` to the test rows (the text whose likelihood is maximized)'
          : 'PMPO preference mode needs rows with both `chosen` and `rejected`',
        'no-expected',
      );
    }
    return undefined;
  },

  estimate(spec: JobSpec, p: PmpoParams, split: SplitInfo): Estimate {
    const mode = modeOf(spec, p, split.train);
    const c = mode === 'preference' ? 2 : 1;
    const n = Math.min(p.maxTrain, usableRows(spec, mode, split.train).length);
    const val = heldOutSize(usableRows(spec, mode, split.validation).length, p.heldOutSample);
    const k = Math.min(p.hardExamples, n);
    const optimizer = p.rounds * (1 + k * p.variantsPerExample);
    const rounds = p.rounds * (c * n * k * p.variantsPerExample + c * n * p.maxSegments);
    const heldOut = 2 * c * val;
    const scorer = 1 + c * n + rounds + heldOut;
    return {
      calls: optimizer + scorer,
      byRole: { optimizer, scorer },
      phases: [
        { name: 'probe + baseline', calls: 1 + c * n },
        { name: `${p.rounds} rounds`, calls: rounds + optimizer },
        { name: 'held-out', calls: heldOut },
      ],
      proposals: p.rounds * k * p.variantsPerExample,
      reserve: heldOut,
      formula:
        `1 probe + c·N + T×[1 segmentation + k·n rewrites + c·N·k·n candidate scores + c·N·m_seg mask scores] + 2·c·H` +
        ` with c=${c}, N=${n}, T=${p.rounds}, k=${k}, n=${p.variantsPerExample}, m_seg≤${p.maxSegments}, H=min(|val|, ${p.heldOutSample})=${val}` +
        ' (an upper bound: segmentation only after a change, repeated scores are free)',
    };
  },

  // Training rows and segments first (scoring dominates), then variants, rounds and hard examples.
  planSteps: [
    { maxTrain: 30, heldOutSample: 50 },
    { rounds: 10 },
    { maxSegments: 3 },
    { variantsPerExample: 2 },
    { rounds: 5 },
    { hardExamples: 2, maxTrain: 20, heldOutSample: 30 },
    { rounds: 3 },
    { maxSegments: 2, maxTrain: 10, heldOutSample: 20 },
    { rounds: 2 },
    { rounds: 1 },
  ],

  async run(ctx: JobContext<PmpoParams>) {
    const p = ctx.params;
    const spec = ctx.spec;
    const scorer = ctx.roles.scorer;
    const mode = modeOf(spec, p, ctx.train);
    const rows = usableRows(spec, mode, ctx.train).slice(0, p.maxTrain);
    const validation = usableRows(spec, mode, ctx.validation);
    const optimizer = withTemperature(ctx.roles.optimizer, p.rewriteTemperature, { top_p: p.rewriteTopP });
    const segmenter = withTemperature(ctx.roles.optimizer, 0);
    const task = ctx.doc.description ?? ctx.doc.name;

    // Capability probe, logged like a call so a resumed run does not probe (or count) again.
    // The client memoizes the probe per model: count it as a call only when it reached the endpoint.
    const probe = await ctx.ledger.call(`pmpo/probe/${hashOf([scorer.baseUrl, scorer.model])}`, async (signal) => {
      let reached = false;
      const stop = spec.llm.onCall((call) => {
        if (
          call.kind === 'score' &&
          call.model.baseUrl === scorer.baseUrl &&
          call.model.model === scorer.model &&
          !call.meta.cached
        )
          reached = true;
      });
      try {
        const value = await spec.llm.canScore(scorer, signal);
        return { value, meta: { usage: { promptTokens: 0, completionTokens: 0 }, costUsd: 0, cached: !reached } };
      } finally {
        stop();
      }
    });
    if (!probe.value) {
      throw new JobInputError(
        `PMPO needs log-probabilities of given text, and ${scorer.baseUrl} (model ${scorer.model}) cannot score. ${SCORER_HELP}`,
        'no-scorer',
      );
    }

    const words = rows.map((r) => (ctx.rows[r].expected ?? ctx.rows[r].chosen ?? '').trim().split(/\s+/).length);
    if (mode === 'ce' && words.reduce((a, b) => a + b, 0) / Math.max(1, words.length) <= 3) {
      ctx.log(
        'info',
        'the expected outputs are short labels: the loss favours prompts that answer at once; ' +
          'if the task needs reasoning, use full reference answers as `expected`',
      );
    }

    const logprobSum = async (prompt: string, row: number, target: string, charge?: CandidateRecord) => {
      const messages = renderMessages(ctx.doc, prompt, ctx.rows[row].vars);
      const key = `score:${hashOf([scorer.baseUrl, scorer.model, messages, target, ...(p.plainTextScoring ? ['plain'] : [])])}`;
      const r = await ctx.ledger.score(key, scorer, messages, target, p.plainTextScoring).catch((error: unknown) => {
        if (error instanceof LlmError && error.kind === 'unsupported' && error.message.includes(NO_CHAT_TEMPLATE))
          throw new JobInputError(
            `PMPO scores the expected output inside the model's chat template, and ${error.message}`,
            'no-scorer',
          );
        throw error;
      });
      if (charge && !r.replayed) ctx.charge(charge, r.meta);
      const lp = r.value.logprobs;
      return { sum: lp.reduce((a, b) => a + b, 0) };
    };
    const exampleLoss = (prompt: string, row: number, charge?: CandidateRecord): Promise<number> =>
      exampleLossOf(prompt, row, charge).catch((error: unknown) => {
        // Log-probs still malformed after the client's retries: this example counts as lost, the job goes on.
        if (!(error instanceof LlmError && error.kind === 'invalid-output')) throw error;
        ctx.log('warn', `example ${row + 1}: ${error.message}; counted as a failed example`);
        return UNUSABLE_LOSS;
      });
    const exampleLossOf = async (prompt: string, row: number, charge?: CandidateRecord): Promise<number> => {
      const r = ctx.rows[row];
      if (mode === 'ce') {
        // The paper's L_CE sums −log p over the target tokens (not a per-token mean): every prompt is scored on the
        // same targets, so the sum ranks them as the paper does.
        const s = await logprobSum(prompt, row, r.expected!, charge);
        return -s.sum;
      }
      const [good, bad] = await Promise.all([
        logprobSum(prompt, row, r.chosen!, charge),
        logprobSum(prompt, row, r.rejected!, charge),
      ]);
      const margin = p.beta * (good.sum - bad.sum);
      return Math.log1p(Math.exp(-margin)); // −log σ(margin)
    };
    const batch = async (prompt: string, on: number[], charge?: CandidateRecord) => {
      const losses = await mapPool(on, rowWorkers(ctx), (r) => exampleLoss(prompt, r, charge));
      const examples: ExampleResult[] = on.map((r, i) => ({
        rowIndex: r,
        input: ctx.rows[r].vars,
        expected: ctx.rows[r].expected ?? ctx.rows[r].chosen,
        score: Math.exp(-losses[i]),
        pass: Math.exp(-losses[i]) >= 0.5,
        loss: losses[i],
      }));
      return { loss: losses.reduce((a, b) => a + b, 0) / Math.max(1, losses.length), losses, examples };
    };
    const setScored = (c: CandidateRecord, b: { loss: number; examples: ExampleResult[] }) => {
      Object.assign(c, { score: -b.loss, examples: b.examples, status: 'scored' as const });
    };

    const baseline = ctx.baseline();
    const heldOut = heldOutRows(ctx, validation, p.heldOutSample);
    ctx.startRound(0, p.rounds);
    let incumbentBatch = await batch(baseline.prompt, rows, baseline);
    setScored(baseline, incumbentBatch);
    baseline.status = 'beam';
    ctx.update(baseline);
    ctx.setBest(0);
    ctx.emit({ type: 'beam', round: 0, ids: [0] });
    ctx.endRound(0);
    await ctx.search(2 * (mode === 'preference' ? 2 : 1) * heldOut.length, async () => {
      let incumbent = baseline;
      let mask: MaskRow[] | undefined;
      for (let round = 1; round <= p.rounds && !ctx.stopped; round++) {
        ctx.startRound(round, p.rounds);
        if (!mask)
          mask = await maskAnalysis(ctx, segmenter, incumbent, incumbentBatch.loss, round, (prompt) =>
            batch(prompt, rows).then((b) => b.loss),
          );

        const hard = rows
          .map((r, i) => ({ r, loss: incumbentBatch.losses[i] }))
          .sort((a, b) => b.loss - a.loss || a.r - b.r)
          .slice(0, Math.min(p.hardExamples, rows.length));
        const rewrites = await Promise.all(
          hard.flatMap((h) =>
            Array.from({ length: p.variantsPerExample }, (_, v) =>
              structuredCall<{ prompts: string[] }>(
                ctx,
                `r${round}/rewrite${h.r}.${v}`,
                optimizer,
                (p.rewriter === 'compact' ? compactRewritePrompt : rewritePrompt)(task, incumbent.prompt, mask!, {
                  input: describeInput(ctx.rows[h.r].vars),
                  expected: ctx.rows[h.r].expected ?? ctx.rows[h.r].chosen ?? '',
                  critique: ctx.rows[h.r].feedback,
                }),
                'prompt_candidates',
                incumbent,
              ).then((value) => ({ h, value })),
            ),
          ),
        );
        const fresh: CandidateRecord[] = [];
        for (const { h, value } of rewrites) {
          const text = promptTexts(value?.prompts)[0];
          if (!text) continue;
          const { candidate, isNew } = ctx.propose({
            parent: incumbent.id,
            round,
            prompt: text,
            origin: {
              kind: 'rewrite',
              why: `rewrite of #${incumbent.id} for a hard example (row ${h.r + 1}, loss ${h.loss.toFixed(3)})`,
            },
          });
          if (isNew && candidate.status !== 'rejected') fresh.push(candidate);
        }
        const scored = await Promise.all(fresh.map((c) => batch(c.prompt, rows, c)));
        let winner: { c: CandidateRecord; b: (typeof scored)[number] } | undefined;
        fresh.forEach((c, i) => {
          setScored(c, scored[i]);
          if (!winner || scored[i].loss < winner.b.loss) winner = { c, b: scored[i] };
        });
        const improved = winner !== undefined && winner.b.loss < incumbentBatch.loss;
        const loss = (l: number) => `${l.toFixed(3)} nats/token`;
        fresh.forEach((c, i) => {
          const won = improved && c === winner!.c;
          c.status = won ? 'beam' : 'dropped';
          c.statusReason = won
            ? `lowered the loss of #${incumbent.id} in round ${round}: ${loss(scored[i].loss)} against ${loss(incumbentBatch.loss)}`
            : improved
              ? `lost to #${winner!.c.id} in round ${round}: loss ${loss(scored[i].loss)} against ${loss(winner!.b.loss)}`
              : `did not lower the loss of #${incumbent.id} in round ${round}: ${loss(scored[i].loss)} against ${loss(incumbentBatch.loss)}`;
          ctx.update(c);
        });
        if (improved) {
          incumbent.status = 'scored';
          incumbent.statusReason = `replaced by #${winner!.c.id} in round ${round}, which has a lower loss`;
          ctx.update(incumbent);
          incumbent = winner!.c;
          incumbentBatch = winner!.b;
          mask = undefined;
          ctx.setBest(incumbent.id);
        }
        ctx.emit({ type: 'beam', round, ids: [incumbent.id] });
        ctx.endRound(round);
        if (fresh.length === 0) ctx.stop('converged', `round ${round}: the rewrites proposed nothing new; stopping`);
      }
    });
    await finishWithValidation(ctx, validation, p.heldOutSample, async (c, on) => -(await batch(c.prompt, on, c)).loss);
  },
};

/** Segments from the optimizer, each removed in turn: ΔL = L(prompt without it) − L(prompt). */
async function maskAnalysis(
  ctx: JobContext<PmpoParams>,
  model: ReturnType<typeof withTemperature>,
  incumbent: CandidateRecord,
  loss: number,
  round: number,
  lossOf: (prompt: string) => Promise<number>,
): Promise<MaskRow[]> {
  const value = await structuredCall<{ segments: string[] }>(
    ctx,
    `r${round}/segments`,
    model,
    segmentPrompt(incumbent.prompt, ctx.params.maxSegments),
    'prompt_segments',
    incumbent,
  );
  const segments = uniqueTexts(uniqueTexts(value?.segments).map((s) => locateSegment(incumbent.prompt, s) ?? '')).slice(
    0,
    ctx.params.maxSegments,
  );
  const without = (s: string) => {
    const at = incumbent.prompt.indexOf(s);
    return (incumbent.prompt.slice(0, at) + incumbent.prompt.slice(at + s.length))
      .replace(/[ \t]{2,}/g, ' ')
      .replace(/\n{3,}/g, '\n\n');
  };
  const deltas = await Promise.all(segments.map((s) => lossOf(without(s)).then((l) => l - loss)));
  const rows = segments.map((segment, i) => ({ segment, delta: deltas[i] }));
  if (rows.length) {
    ctx.log(
      'info',
      `round ${round}: mask analysis of #${incumbent.id}: ` +
        rows
          .map((r) => `${JSON.stringify(r.segment.slice(0, 40))} ΔL ${r.delta >= 0 ? '+' : ''}${r.delta.toFixed(3)}`)
          .join(', '),
    );
  }
  return rows;
}
