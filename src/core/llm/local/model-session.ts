/**
 * One loaded GGUF model inside the worker: a llama.cpp context with one sequence, used by one request at a time
 * (the worker serializes requests). Every request starts from an empty sequence so results do not depend on what
 * ran before (same seed → same text, same target → bit-identical log-probs).
 */
import { availableParallelism } from 'node:os';
import type {
  ChatHistoryItem,
  ChatWrapper,
  Llama,
  LlamaContext,
  LlamaContextSequence,
  LlamaGrammar,
  LlamaModel,
  Token,
} from 'node-llama-cpp';
import type { ChatMessage } from '../types';
import type { ChatReply, LoadOptions, ModelInfo, SamplingOptions, ScoreReply, ScoringMethod } from './protocol';
import { teacherForcedLogprobs } from './scoring';

type NodeLlamaCpp = typeof import('node-llama-cpp');

const DEFAULT_MAX_CONTEXT = 4096;
/** Reply length when the request sets no max_tokens. */
const DEFAULT_MAX_REPLY = 1024;

/** A failure the parent should see with a specific LlmError kind. */
export class RequestError extends Error {
  constructor(
    message: string,
    readonly kind: 'unsupported' | 'invalid-output' | 'aborted',
  ) {
    super(message);
  }
}

export class ModelSession {
  private readonly grammars = new Map<string, Promise<LlamaGrammar>>();

  private constructor(
    private readonly lib: NodeLlamaCpp,
    private readonly llama: Llama,
    private readonly model: LlamaModel,
    private readonly context: LlamaContext,
    private readonly sequence: LlamaContextSequence,
    private readonly chatWrapper: ChatWrapper,
    readonly info: ModelInfo,
  ) {}

  /** `onLog` receives llama.cpp's warnings and errors (the reason behind "Failed to load model" is only logged). */
  static async load(
    modelPath: string,
    options: LoadOptions,
    onLog: (level: string, message: string) => void,
  ): Promise<ModelSession> {
    const started = performance.now();
    const lib = await import('node-llama-cpp').catch((error: Error) => {
      throw new Error(
        `node-llama-cpp is not installed or does not load (${error.message.split('\n')[0]}); it is an optional dependency: npm i -E node-llama-cpp@3.21.1`,
      );
    });
    const llama = await lib.getLlama({
      gpu: options.gpu ?? false,
      build: 'never', // never compile or download at run time: use the prebuilt binaries from npm
      logLevel: lib.LlamaLogLevel.warn,
      logger: (level, message) => onLog(level, message.trim()),
    });
    const model = await llama.loadModel({ modelPath });
    const contextSize = options.contextSize ?? Math.min(model.trainContextSize, DEFAULT_MAX_CONTEXT);
    const context = await model.createContext({
      contextSize,
      sequences: 1,
      threads: options.threads ?? defaultThreads(),
      ...(options.flashAttention !== undefined ? { flashAttention: options.flashAttention } : {}),
      ...(options.kvCacheType
        ? { experimentalKvCacheKeyType: options.kvCacheType, experimentalKvCacheValueType: options.kvCacheType }
        : {}),
    });
    const chatWrapper = lib.resolveChatWrapper(model);
    const info: ModelInfo = {
      trainContextSize: model.trainContextSize,
      contextSize: context.contextSize,
      vocabularySize: model.fileInfo.metadata.tokenizer?.ggml?.tokens?.length ?? 0,
      chatWrapper: chatWrapper.wrapperName,
      loadMs: Math.round(performance.now() - started),
      pid: process.pid,
    };
    return new ModelSession(lib, llama, model, context, context.getSequence(), chatWrapper, info);
  }

  async chat(
    messages: ChatMessage[],
    sampling: SamplingOptions,
    jsonSchema: Record<string, unknown> | undefined,
    signal: AbortSignal,
  ): Promise<ChatReply> {
    await this.sequence.clearHistory();
    const grammar = jsonSchema ? await this.grammarFor(jsonSchema) : undefined;
    const chat = new this.lib.LlamaChat({
      contextSequence: this.sequence,
      chatWrapper: this.chatWrapper,
      autoDisposeSequence: false,
    });
    const meter = this.sequence.tokenMeter;
    const inputBefore = meter.usedInputTokens;
    const outputBefore = meter.usedOutputTokens;
    try {
      const history = toHistory(messages);
      if (history.at(-1)?.type !== 'model') history.push({ type: 'model', response: [] });
      const response = await chat.generateResponse(history, {
        signal,
        // No max_tokens: stop at the end of the context window rather than shifting it (a rambling model stays bounded).
        maxTokens: sampling.maxTokens ?? Math.min(DEFAULT_MAX_REPLY, this.context.contextSize),
        temperature: sampling.temperature,
        topP: sampling.topP,
        topK: sampling.topK,
        minP: sampling.minP,
        seed: sampling.seed,
        grammar,
      });
      return {
        text: response.response,
        promptTokens: meter.usedInputTokens - inputBefore,
        completionTokens: meter.usedOutputTokens - outputBefore,
        stopReason: response.metadata.stopReason,
      };
    } finally {
      chat.dispose({ disposeSequence: false });
    }
  }

  async score(
    messages: ChatMessage[] | undefined,
    prompt: string | undefined,
    target: string,
    method: ScoringMethod,
    signal: AbortSignal,
  ): Promise<ScoreReply> {
    const { promptTokens, targetTokens } = messages
      ? this.tokenizeChat(messages, target)
      : this.tokenizeText(prompt ?? '', target);
    const total = promptTokens.length + targetTokens.length;
    if (total > this.context.contextSize) {
      throw new RequestError(
        `prompt + target are ${total} tokens, more than the context size ${this.context.contextSize} (raise params.context_size)`,
        'unsupported',
      );
    }
    await this.sequence.clearHistory();
    const biasFor = (token: Token, logit: number) => new this.lib.TokenBias(this.model.tokenizer).set(token, { logit });
    const result = await teacherForcedLogprobs(this.sequence, promptTokens, targetTokens, method, biasFor, signal);
    return {
      // The preceding tokens give the detokenizer its context (a leading "▁" is a space only after other text).
      tokens: targetTokens.map((token, j) =>
        this.model.detokenize([token], false, [...promptTokens, ...targetTokens.slice(0, j)].slice(-16)),
      ),
      logprobs: result.logprobs,
      promptTokens: promptTokens.length,
      passes: result.passes,
    };
  }

  async dispose(): Promise<void> {
    await this.context.dispose();
    await this.model.dispose();
    await this.llama.dispose();
  }

  /**
   * The chat template as the model expects it: the target is the assistant reply of a final, still open model turn.
   * Tokenizing the rendering with and without the reply and taking the difference keeps the tokens the model would
   * see in context (merges across the boundary included).
   */
  private tokenizeChat(messages: ChatMessage[], target: string): { promptTokens: Token[]; targetTokens: Token[] } {
    const history = toHistory(messages);
    const render = (reply: string) =>
      this.chatWrapper
        .generateContextState({ chatHistory: [...history, { type: 'model', response: reply ? [reply] : [] }] })
        .contextText.tokenize(this.model.tokenizer);
    return splitAtCommonPrefix(render(''), render(target), () =>
      this.model.tokenize(target, false, 'trimLeadingSpace'),
    );
  }

  /** Plain text: BOS (when the model wants one) + prompt, then the target as its continuation. */
  private tokenizeText(prompt: string, target: string): { promptTokens: Token[]; targetTokens: Token[] } {
    const bos = this.model.tokens.bos != null && this.model.tokens.shouldPrependBosToken ? [this.model.tokens.bos] : [];
    const withBos = (tokens: Token[]) => [...bos, ...tokens];
    if (!prompt) return { promptTokens: bos, targetTokens: this.model.tokenize(target) };
    return splitAtCommonPrefix(
      withBos(this.model.tokenize(prompt)),
      withBos(this.model.tokenize(prompt + target)),
      () => this.model.tokenize(target, false, 'trimLeadingSpace'),
    );
  }

  private grammarFor(schema: Record<string, unknown>): Promise<LlamaGrammar> {
    const key = JSON.stringify(schema);
    let grammar = this.grammars.get(key);
    if (!grammar) {
      // The wire schemas use only keywords node-llama-cpp's JSON-schema grammar supports (type, properties, items, enum, required).
      grammar = this.llama.createGrammarForJsonSchema(schema as Parameters<Llama['createGrammarForJsonSchema']>[0]);
      this.grammars.set(key, grammar);
    }
    return grammar;
  }
}

/**
 * Half the cores (at most 8). llama.cpp's threads wait for each other by spinning: with as many threads as cores on a
 * busy machine (CI, shared containers) one descheduled thread stalls the rest, and generation slowed >100× in
 * measurements here (2 cores, load 20: 1 thread ≈ 2 700 tokens/s, 2 threads did not finish 64 tokens in 2 minutes).
 */
function defaultThreads(): number {
  return Math.max(1, Math.min(8, Math.floor(availableParallelism() / 2)));
}

/** When the prompt's tokens are a prefix of the joint tokenization, the rest is the target; else tokenize it alone. */
function splitAtCommonPrefix(
  promptTokens: Token[],
  jointTokens: Token[],
  alone: () => Token[],
): { promptTokens: Token[]; targetTokens: Token[] } {
  const isPrefix = promptTokens.length <= jointTokens.length && promptTokens.every((t, i) => jointTokens[i] === t);
  return { promptTokens, targetTokens: isPrefix ? jointTokens.slice(promptTokens.length) : alone() };
}

function toHistory(messages: ChatMessage[]): ChatHistoryItem[] {
  return messages.map((m): ChatHistoryItem => {
    if (m.role === 'assistant') return { type: 'model', response: [m.content] };
    if (m.role === 'user') return { type: 'user', text: m.content };
    return { type: 'system', text: m.content }; // 'system' and 'developer'
  });
}
