/**
 * Messages between the backend (parent process) and the llama.cpp worker (child process). Plain data only, sent
 * with Node's "advanced" IPC serialization so -Infinity log-probs survive.
 */
import type { ChatMessage, LlmError } from '../types';

/** How the worker loads the model and sizes its context (from `ModelRef.params`, see ./params.ts). */
export interface LoadOptions {
  /** Context size in tokens; default min(trained context, 4096). */
  contextSize?: number;
  /** Default: half the cores, at most 8 (see defaultThreads in ./model-session.ts). */
  threads?: number;
  /** false = CPU only (default); 'auto' lets node-llama-cpp pick CUDA/Vulkan/Metal when present. */
  gpu?: false | 'auto';
  flashAttention?: boolean;
  /** KV cache element type, e.g. 'F32' for exact comparisons (default F16). */
  kvCacheType?: 'F32' | 'F16' | 'Q8_0';
}

export interface SamplingOptions {
  temperature?: number;
  topP?: number;
  topK?: number;
  minP?: number;
  maxTokens?: number;
  seed?: number;
}

/** 'auto': greedy confidence, then a top-K ratio, full distributions only as a last resort (./scoring.ts). */
export type ScoringMethod = 'auto' | 'probabilities';

export interface ModelInfo {
  trainContextSize: number;
  contextSize: number;
  vocabularySize: number;
  chatWrapper: string;
  loadMs: number;
  /** The worker's process id (for diagnostics). */
  pid: number;
}

export interface ChatReply {
  text: string;
  promptTokens: number;
  completionTokens: number;
  stopReason: string;
}

export interface ScoreReply {
  tokens: string[];
  logprobs: number[];
  promptTokens: number;
  /** Target positions answered by each scoring pass: greedy confidence, top-K ratio, full distribution (./scoring.ts). */
  passes: [number, number, number];
}

export type WorkerRequest =
  | { type: 'load'; modelPath: string; options: LoadOptions }
  | {
      type: 'chat';
      id: number;
      messages: ChatMessage[];
      sampling: SamplingOptions;
      jsonSchema?: Record<string, unknown>;
    }
  | { type: 'score'; id: number; messages?: ChatMessage[]; prompt?: string; target: string; method?: ScoringMethod }
  | { type: 'abort'; id: number };

export type WorkerReply =
  | { type: 'loaded'; info: ModelInfo }
  | { type: 'load-failed'; message: string }
  | { type: 'result'; id: number; result: ChatReply | ScoreReply }
  | { type: 'failed'; id: number; message: string; kind: LlmError['kind'] };
