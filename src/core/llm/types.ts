/** The LLM layer's contract: what every backend (remote OpenAI-compatible, embedded llama.cpp) offers the engine. */
import { redactUrlSecrets } from '../redact-urls';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | 'developer';
  content: string;
}

/** The baseUrl of a model served by VS Code's Language Model API (`vscode.lm`). */
export const VSCODE_LM = 'vscode-lm:';

/** One endpoint + model for a role (target, optimizer, judge, scorer). */
export interface ModelRef {
  /** `https://…/v1`, `local:` for the embedded backend, or `vscode-lm:` for a VS Code language model (id in `model`). */
  baseUrl: string;
  model: string;
  /** Sampling parameters passed through (temperature, top_p, max_tokens, …). */
  params?: Record<string, unknown>;
}

export type SchemaName = 'critiques' | 'prompt_candidates' | 'prompt_segments' | 'pairwise_verdict' | 'judge_score';

export interface Usage {
  promptTokens: number;
  completionTokens: number;
}

export interface CallMeta {
  usage: Usage;
  /** USD; null when the model's price is unknown (never a guess). */
  costUsd: number | null;
  /** True when the answer came from the response cache (no HTTP call made). */
  cached: boolean;
  /** True when the answer came through the provider's batch API (billed at half price, `costUsd` says so). */
  batch?: boolean;
}

export interface ChatRequest {
  model: ModelRef;
  messages: ChatMessage[];
  seed?: number;
  signal?: AbortSignal;
  /**
   * May wait for the provider's batch API (half price, answers within hours) when the client has batching on;
   * otherwise ignored. Only the target's calls ask for it: optimizer and judge calls stay synchronous.
   */
  batch?: boolean;
}

export interface ChatResult extends CallMeta {
  text: string;
}

export interface StructuredResult<T> extends CallMeta {
  value: T;
  /** 'json_schema' when the endpoint honoured response_format, 'tagged' when it fell back to tagged text. */
  mode: 'json_schema' | 'tagged';
}

export interface ScoreRequest {
  model: ModelRef;
  /** The context (rendered prompt, chat template applied by the backend when `messages` is given). */
  messages?: ChatMessage[];
  prompt?: string;
  /** The given text whose token log-probs are wanted. */
  target: string;
  /**
   * With `messages` on a server without chat-template scoring: accept the plain `Role: content` text approximation
   * (otherwise the call fails as 'unsupported').
   */
  plainText?: boolean;
  signal?: AbortSignal;
}

export interface ScoreResult extends CallMeta {
  tokens: string[];
  /** Natural-log probability of each target token given everything before it. */
  logprobs: number[];
}

/** A call that could not be completed; `status` is the HTTP status where there was one. */
export class LlmError extends Error {
  constructor(
    message: string,
    readonly kind: 'unreachable' | 'http' | 'timeout' | 'aborted' | 'invalid-output' | 'unsupported' | 'budget',
    readonly status?: number,
    readonly endpoint?: string,
  ) {
    super(redactUrlSecrets(message)); // an error names its endpoint: never with credentials in it
    this.name = 'LlmError';
  }
}

/** Observes each call (for budgets, events, logs). Fired after completion, cached or not. */
export type CallListener = (info: {
  kind: 'chat' | 'structured' | 'score';
  model: ModelRef;
  meta: CallMeta;
  schema?: SchemaName;
}) => void;

export interface LlmClient {
  chat(req: ChatRequest): Promise<ChatResult>;
  structured<T>(req: ChatRequest & { schema: SchemaName }): Promise<StructuredResult<T>>;
  /** Teacher-forced log-probs of `target`; throws LlmError('unsupported') when the backend cannot. */
  score(req: ScoreRequest): Promise<ScoreResult>;
  /** Whether `score` works against this model (a cheap probe; result memoized per model). */
  canScore(model: ModelRef, signal?: AbortSignal): Promise<boolean>;
  onCall(listener: CallListener): () => void;
}
