/**
 * Running a candidate prompt on dataset rows through the ledger: render → target model → evaluators.
 * Results are memoized per (prompt, row), so a prompt is never run twice on the same example within a job
 * (ProTeGi caches its scores the same way), and the target call's key is its content, so a resumed run finds it.
 */
import { aggregate, evaluate } from '../evaluators';
import { OPTIMIZER_EXTENSIONS } from '../evaluators/context';
import { buildTargetRequest } from '../evaluation/target-request';
import type { CallListener, ChatRequest, LlmClient, ModelRef, ScoreRequest, SchemaName } from '../llm/types';
import type { JobContext } from '../jobs/context';
import { hashOf } from '../jobs/ledger';
import { failsOnlyThisRequest } from '../llm/batch/lines';
import { unusableReplyEvaluation } from '../evaluation/run-eval';
import type { CandidateRecord, ExampleResult } from '../jobs/types';

const memos = new WeakMap<JobContext<unknown>, Map<string, Promise<ExampleResult>>>();

function memoOf(ctx: JobContext<unknown>): Map<string, Promise<ExampleResult>> {
  let memo = memos.get(ctx);
  if (!memo) memos.set(ctx, (memo = new Map()));
  return memo;
}

/**
 * The target as a method samples it: the file's (or role's) own temperature wins; when there is none the method's
 * `targetTemperature` is sent, which `whetstone eval` would not send — said in the run log, so it is never silent.
 */
export function methodTarget(ctx: JobContext<unknown>, temperature: number): ModelRef {
  if (ctx.roles.target.params?.temperature === undefined)
    ctx.log(
      'info',
      `target calls use temperature ${temperature} (the method's targetTemperature): the prompt file sets none`,
    );
  return withTemperature(ctx.roles.target, temperature);
}

/** The model with the algorithm's temperature unless the user set one on the role. */
export function withTemperature(model: ModelRef, temperature: number, extra: Record<string, unknown> = {}): ModelRef {
  return { ...model, params: { temperature, ...extra, ...model.params } };
}

/**
 * Runs `prompt` (the region text) on row `rowIndex`; charges the call to `charge` when it is a new call.
 * `sample` > 0 asks for a fresh sample of the same (prompt, row) — for a target sampled at temperature > 0.
 */
export function runExample(
  ctx: JobContext<unknown>,
  prompt: string,
  rowIndex: number,
  target: ModelRef,
  charge?: CandidateRecord,
  sample = 0,
): Promise<ExampleResult> {
  const memo = memoOf(ctx);
  const memoKey = `${hashOf([prompt, target.model, target.baseUrl, target.params ?? null])}:${rowIndex}:${sample}`;
  const known = memo.get(memoKey);
  if (known) return known;
  const row = ctx.rows[rowIndex];
  // The same request `whetstone eval` sends for this row (the file's parameters and response format included).
  const { model, messages } = buildTargetRequest(ctx.doc, prompt, row.vars, target);
  const key = `exec:${hashOf([model.baseUrl, model.model, model.params ?? null, messages])}${sample ? `:s${sample}` : ''}`;
  const seed = sample ? ctx.spec.seed + sample : undefined;
  const reply = ctx.ledger.chat(key, model, messages, seed, ctx.spec.batch).catch((error: unknown) => {
    // Still malformed after the client's retries, or a failed batch line: this example fails with the reason.
    if (failsOnlyThisRequest(error)) return { unusable: error.message };
    throw error;
  });
  const promise = reply.then(async (reply) => {
    if ('unusable' in reply) {
      ctx.log('warn', `example ${rowIndex + 1}: ${reply.unusable}; counted as a failed example`);
      const failed: ExampleResult = {
        rowIndex,
        input: row.vars,
        expected: row.expected,
        output: '',
        score: 0,
        pass: false,
        evaluations: [unusableReplyEvaluation(reply.unusable)],
      };
      return failed;
    }
    if (charge && !reply.replayed) ctx.charge(charge, reply.meta);
    const evaluations = await evaluate(ctx.spec.evaluators, reply.value, row, {
      trusted: ctx.spec.trusted,
      extensions: OPTIMIZER_EXTENSIONS,
      llm: ledgerClient(ctx, `judge:${rowIndex}`),
      judge: ctx.roles.judge,
      signal: ctx.signal,
      input: messages
        .filter((m) => m.role === 'user')
        .map((m) => m.content)
        .join('\n\n'),
    });
    const { score, pass } = aggregate(evaluations);
    const result: ExampleResult = {
      rowIndex,
      input: row.vars,
      expected: row.expected,
      output: reply.value,
      score,
      pass,
      evaluations,
    };
    return result;
  });
  memo.set(memoKey, promise);
  promise.catch(() => memo.delete(memoKey));
  return promise;
}

/** Mean score of `prompt` over `rows` (all run concurrently, issued in row order). */
export async function scoreOnRows(
  ctx: JobContext<unknown>,
  prompt: string,
  rows: number[],
  target: ModelRef,
  charge?: CandidateRecord,
  sample = 0,
): Promise<{ score: number; examples: ExampleResult[] }> {
  const examples = await Promise.all(rows.map((r) => runExample(ctx, prompt, r, target, charge, sample)));
  const score = examples.length ? examples.reduce((s, e) => s + e.score, 0) / examples.length : 0;
  return { score, examples };
}

/**
 * An LlmClient whose calls go through the ledger with content keys (for evaluators that call a judge model),
 * so they count against the budget and replay on resume.
 */
export function ledgerClient(ctx: JobContext<unknown>, prefix: string): LlmClient {
  const key = (kind: string, req: unknown) => `${prefix}:${kind}:${hashOf(req)}`;
  const strip = (req: ChatRequest | ScoreRequest) => ({ ...req, signal: undefined });
  return {
    chat: async (req: ChatRequest) => {
      const r = await ctx.ledger.chat(key('chat', strip(req)), req.model, req.messages, req.seed);
      return { text: r.value, ...r.meta };
    },
    structured: async <T>(req: ChatRequest & { schema: SchemaName }) => {
      const r = await ctx.ledger.structured<T>(
        key('structured', strip(req)),
        req.model,
        req.messages,
        req.schema,
        req.seed,
      );
      return { value: r.value, mode: 'json_schema' as const, ...r.meta };
    },
    score: async (req: ScoreRequest) => {
      const r = await ctx.ledger.call(key('score', strip(req)), (signal) =>
        ctx.spec.llm
          .score({ ...req, signal })
          .then((s) => ({ value: { tokens: s.tokens, logprobs: s.logprobs }, meta: s })),
      );
      return { ...r.value, ...r.meta };
    },
    canScore: (model: ModelRef, signal?: AbortSignal) => ctx.spec.llm.canScore(model, signal),
    onCall: (listener: CallListener) => ctx.spec.llm.onCall(listener),
  };
}

const LABEL_KEYS = new Set(['expected', 'chosen', 'rejected', 'id', 'feedback']);

/** Why an example fell short: the failed evaluators' reasons, then the row's human critique (`feedback`). */
export function reasonsOf(ctx: JobContext<unknown>, e: ExampleResult): { reasons?: string; critique?: string } {
  const reasons =
    e.evaluations
      ?.filter((v) => !v.pass && v.feedback)
      .map((v) => v.feedback)
      .join('; ') || undefined;
  return { reasons: e.pass ? undefined : reasons, critique: ctx.rows[e.rowIndex]?.feedback };
}

/** "review: …" lines of a row's variables, for meta-prompts. */
export function describeInput(vars: Record<string, unknown>): string {
  // Rows keep their labels among the variables (for evaluator templates); never show them as input.
  const entries = Object.entries(vars).filter(([k]) => !LABEL_KEYS.has(k));
  if (entries.length === 1)
    return String(typeof entries[0][1] === 'string' ? entries[0][1] : JSON.stringify(entries[0][1]));
  return entries.map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`).join('\n');
}
