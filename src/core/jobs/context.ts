/**
 * What an algorithm sees of the engine: the resolved inputs, the call ledger, a seeded RNG, and the candidate book
 * (ids, invariant checks before scoring, events). Algorithms emit events only from their sequential parts, so the
 * event order is deterministic for a seed (a resumed run relies on it).
 */
import type { DatasetRow } from '../data/types';
import type { PromptDocument } from '../documents/types';
import type { ModelRef } from '../llm/types';
import type { Rng } from '../random';
import { checkCandidateInvariants, type VariableSources } from '../template';
import { BudgetStop, type CallLedger } from './ledger';
import type { CandidateRecord, JobEvent, JobSpec, Method, RoundSummary, StopReason } from './types';

export interface ResolvedRoles {
  target: ModelRef;
  optimizer: ModelRef;
  judge: ModelRef;
  scorer: ModelRef;
}

export interface ProposeInput {
  parent: number | null;
  round: number;
  prompt: string;
  origin: CandidateRecord['origin'];
}

export class JobContext<P = Record<string, unknown>> {
  readonly candidates: CandidateRecord[] = [];
  readonly rounds: RoundSummary[] = [];
  private readonly byPrompt = new Map<string, CandidateRecord>();
  /** The current best candidate's id (0 = the baseline). */
  bestId = 0;
  private roundStartCalls = 0;
  /** Why the search ended early ('converged', 'no-errors', 'budget'); undefined = every round ran. */
  stopReason: StopReason | undefined;
  stopMessage: string | undefined;
  /** Set by the method's finish once the best candidate is verified (re-scored and held-out scored). */
  verified = false;
  /** Held-out rows the finish scored, of how many. */
  heldOut: { rows: number; of: number } | undefined;

  readonly spec: JobSpec;
  readonly method: Method;
  readonly params: P;
  readonly doc: PromptDocument;
  /** The optimized region's original text (the baseline). */
  readonly original: string;
  readonly rows: DatasetRow[];
  readonly train: number[];
  readonly validation: number[];
  readonly roles: ResolvedRoles;
  readonly rng: Rng;
  readonly ledger: CallLedger;
  readonly signal: AbortSignal;
  readonly protectedTexts: string[];
  private readonly emitEvent: (event: JobEvent) => void;
  private variableSources: VariableSources | undefined;

  constructor(init: {
    spec: JobSpec;
    params: P;
    original: string;
    train: number[];
    validation: number[];
    roles: ResolvedRoles;
    rng: Rng;
    ledger: CallLedger;
    signal: AbortSignal;
    emit: (event: JobEvent) => void;
    protectedTexts: string[];
  }) {
    this.spec = init.spec;
    this.method = init.spec.method;
    this.params = init.params;
    this.doc = init.spec.doc;
    this.original = init.original;
    this.rows = init.spec.rows;
    this.train = init.train;
    this.validation = init.validation;
    this.roles = init.roles;
    this.rng = init.rng;
    this.ledger = init.ledger;
    this.signal = init.signal;
    this.emitEvent = init.emit;
    this.protectedTexts = init.protectedTexts;
  }

  /** Structured optimizer/judge answers: how many came back, how many were usable, why the last one was not. */
  readonly answers = { total: 0, usable: 0, lastProblem: '' };

  /** Ends the search early for `reason`; the method's loop checks `stopped` before its next round. */
  stop(reason: StopReason, message: string): void {
    if (this.stopReason) return;
    this.stopReason = reason;
    this.stopMessage = message;
    this.log('info', message);
  }

  get stopped(): boolean {
    return this.stopReason !== undefined;
  }

  /**
   * Runs the search phase with `reserve` calls held back for verification. When the search reaches the budget minus
   * that reserve, the search ends ('budget') and the reserve is released for the finish, which then verifies the
   * best so far. Other budget stops, cancellation and failures propagate.
   */
  async search(reserve: number, body: () => Promise<void>): Promise<void> {
    // LLM-judge evaluators add one judge call per target call (as in the estimate).
    const judges = this.spec.evaluators.filter((e) => e.type === 'llmJudge').length;
    this.ledger.holdBack(reserve * (1 + judges));
    try {
      await body();
    } catch (error) {
      const soft = this.ledger.searchBudgetStop;
      if (!(error instanceof BudgetStop) || !soft || error !== soft) throw error;
      // Let branches of the interrupted round settle (their next calls fail on the same stop) before releasing.
      do {
        await this.ledger.idle();
        await new Promise((resolve) => setImmediate(resolve));
      } while (this.ledger.busy);
      this.stop(
        'budget',
        `the search reached the budget (${soft.limit}) with ${reserve} calls held back; verifying the best so far`,
      );
    } finally {
      this.ledger.release();
    }
  }

  emit(event: JobEvent): void {
    this.emitEvent(event);
  }

  log(level: 'info' | 'warn', message: string): void {
    this.emit({ type: 'log', level, message });
  }

  /** The baseline candidate (id 0). */
  baseline(): CandidateRecord {
    if (this.candidates.length === 0)
      this.propose({ parent: null, round: 0, prompt: this.original, origin: { kind: 'baseline' } });
    return this.candidates[0];
  }

  /**
   * Registers a candidate. A prompt seen before returns the existing record (`isNew` false). A candidate that breaks
   * the template's variables or a protected region is recorded as 'rejected' before any call is spent on it.
   */
  propose(input: ProposeInput): { candidate: CandidateRecord; isNew: boolean } {
    const prompt = this.candidates.length === 0 ? input.prompt : this.normalize(input.prompt);
    const seen = this.byPrompt.get(prompt);
    if (seen) return { candidate: seen, isNew: false };
    const candidate: CandidateRecord = {
      id: this.candidates.length,
      parent: input.parent,
      round: input.round,
      prompt,
      origin: input.origin,
      status: 'proposed',
      tokens: 0,
      costUsd: 0,
      usage: { calls: 0, cachedCalls: 0, promptTokens: 0, completionTokens: 0 },
    };
    const reason = this.candidates.length === 0 ? undefined : this.invariantProblem(prompt);
    if (reason) {
      candidate.status = 'rejected';
      candidate.rejectedReason = reason;
    }
    this.candidates.push(candidate);
    this.byPrompt.set(prompt, candidate);
    for (const meta of this.unproposedUsage.get(prompt) ?? []) this.charge(candidate, meta);
    this.unproposedUsage.delete(prompt);
    this.update(candidate);
    return { candidate, isNew: true };
  }

  /** Candidates come back trimmed; give them the region's own trailing newline so the file's layout is unchanged. */
  normalize(prompt: string): string {
    const trailing = /\r?\n$/.exec(this.original)?.[0] ?? '';
    return prompt.replace(/\s+$/, '') + trailing;
  }

  /** Whether this text was proposed before (in any round). */
  known(prompt: string): boolean {
    return this.byPrompt.has(this.normalize(prompt)) || this.byPrompt.has(prompt);
  }

  /** Why a candidate text may not be used, or undefined when it keeps every invariant. */
  invariantProblem(prompt: string): string | undefined {
    if (!prompt.trim()) return 'the optimizer returned an empty prompt';
    const check = checkCandidateInvariants(
      this.original,
      prompt,
      this.doc.format,
      this.protectedTexts,
      this.doc.templateSyntax,
      (this.variableSources ??= variableSourcesOf(this.doc, this.rows)),
    );
    return check.ok ? undefined : check.violations.join('; ');
  }

  /** Emits the candidate's current state (a copy, so later changes do not alter emitted events). */
  update(candidate: CandidateRecord): void {
    this.emit({ type: 'candidate', candidate: structuredClone(candidate) });
  }

  /** Calls already charged: the ledger shares one answer between identical requests, which is charged once. */
  private readonly chargedCalls = new WeakSet<object>();

  /** Attributes one call's usage to the candidate it scored (bookkeeping only: it issues nothing). */
  charge(
    candidate: CandidateRecord,
    meta: { usage: { promptTokens: number; completionTokens: number }; costUsd: number | null; cached?: boolean },
  ): void {
    if (this.chargedCalls.has(meta)) return;
    this.chargedCalls.add(meta);
    const usage = (candidate.usage ??= { calls: 0, cachedCalls: 0, promptTokens: 0, completionTokens: 0 });
    if (meta.cached) usage.cachedCalls++;
    else usage.calls++;
    usage.promptTokens += meta.usage.promptTokens;
    usage.completionTokens += meta.usage.completionTokens;
    candidate.tokens += meta.usage.promptTokens + meta.usage.completionTokens;
    candidate.costUsd = candidate.costUsd === null || meta.costUsd === null ? null : candidate.costUsd + meta.costUsd;
  }

  /** Usage of texts scored before they were proposed (APO's successor filter), charged when they are. */
  private readonly unproposedUsage = new Map<string, Parameters<JobContext['charge']>[1][]>();

  /** Charges a call that scored `prompt` to its candidate, or keeps it until the text is proposed. */
  chargePrompt(prompt: string, meta: Parameters<JobContext['charge']>[1]): void {
    const key = this.candidates.length === 0 ? prompt : this.normalize(prompt);
    const known = this.byPrompt.get(key) ?? this.byPrompt.get(prompt);
    if (known) return this.charge(known, meta);
    const list = this.unproposedUsage.get(key) ?? [];
    list.push(meta);
    this.unproposedUsage.set(key, list);
  }

  setBest(id: number): void {
    const candidate = this.candidates[id];
    const changed = id !== this.bestId;
    this.bestId = id;
    if (changed || id === 0) this.emit({ type: 'incumbent', id, score: candidate.score ?? 0 });
  }

  startRound(round: number, of: number): void {
    this.roundStartCalls = this.ledger.used.calls + this.ledger.replayedCalls;
    this.emit({ type: 'round', round, of });
  }

  endRound(round: number): void {
    const calls = this.ledger.used.calls + this.ledger.replayedCalls - this.roundStartCalls;
    this.rounds.push({
      round,
      best: this.candidates[this.bestId]?.score ?? 0,
      candidates: this.candidates.filter((c) => c.round === round).length,
      calls,
    });
  }
}

/** Variables the file fills outside its optimized region, and the names rows and declared inputs give values to. */
function variableSourcesOf(doc: PromptDocument, rows: readonly DatasetRow[]): VariableSources {
  const region = doc.optimizable?.span;
  const elsewhere = new Map<string, string>();
  for (const v of doc.variables) {
    const inside = region !== undefined && v.span.start >= region.start && v.span.end <= region.end;
    if (inside || elsewhere.has(v.name)) continue;
    const message = doc.messages.find((m) => v.span.start >= m.span.start && v.span.end <= m.span.end);
    if (message) elsewhere.set(v.name, message.role);
  }
  const columns = new Set<string>(doc.declaredVariables.map((d) => d.name));
  for (const row of rows) for (const name of Object.keys(row.vars)) columns.add(name);
  return { elsewhere, columns };
}
