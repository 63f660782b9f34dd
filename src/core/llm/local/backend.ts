/**
 * The embedded backend: an LlmClient for `{baseUrl: 'local:', model: '/path/model.gguf'}`. Each model file (with its
 * load options) gets one llama.cpp worker process, reused across calls and killed on dispose. Costs are 0 (local).
 */
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { checkValue, wireSchemas } from '../schemas';
import {
  LlmError,
  type CallListener,
  type CallMeta,
  type ChatRequest,
  type ChatResult,
  type LlmClient,
  type ModelRef,
  type SchemaName,
  type ScoreRequest,
  type ScoreResult,
  type StructuredResult,
} from '../types';
import { loadOptions, samplingOptions, scoringMethod } from './params';
import type { ChatReply, ModelInfo, ScoreReply } from './protocol';
import { WorkerProcess, type LocalLogger } from './worker-process';

export interface LocalBackendOptions {
  /** The worker script: dist/llama-worker.mjs in bundles; worker.ts (run through tsx) from source. */
  workerPath?: string;
  logger?: LocalLogger;
  /** Stop a model's worker after this many ms without calls (frees its memory; the next call reloads). Default 10 min; 0 = never. */
  idleMs?: number;
}

export interface LocalBackend extends LlmClient {
  /** Loads the model (starting its worker) and describes it; fails like a call would. */
  describe(model: ModelRef): Promise<ModelInfo>;
  /** Kills every worker; pending calls reject with LlmError('aborted'). */
  dispose(): Promise<void>;
}

const DEFAULT_IDLE_MS = 10 * 60_000;

export function createLocalBackend(options: LocalBackendOptions = {}): LocalBackend {
  const worker = resolveWorker(options.workerPath);
  const log = options.logger ?? (() => undefined);
  const workers = new Map<string, WorkerProcess>();
  const listeners = new Set<CallListener>();
  let disposed = false;

  async function workerFor(model: ModelRef): Promise<WorkerProcess> {
    const endpoint = `local:${model.model}`;
    if (disposed) throw new LlmError(`${endpoint}: the local backend was disposed`, 'aborted', undefined, endpoint);
    if (model.baseUrl !== 'local:') {
      throw new LlmError(
        `the local backend runs only local: models, got base URL ${model.baseUrl}`,
        'unsupported',
        undefined,
        model.baseUrl,
      );
    }
    const file = path.resolve(model.model);
    await checkModelFile(file);
    const load = loadOptions(model);
    const key = `${file}\n${JSON.stringify(load)}`;
    let proc = workers.get(key);
    if (!proc) {
      proc = new WorkerProcess(file, load, worker, log, options.idleMs ?? DEFAULT_IDLE_MS);
      workers.set(key, proc);
    }
    return proc;
  }

  const emit: CallListener = (info) => {
    for (const listener of listeners) listener(info);
  };
  const meta = (promptTokens: number, completionTokens: number): CallMeta => ({
    usage: { promptTokens, completionTokens },
    costUsd: 0,
    cached: false,
  });

  async function runChat(req: ChatRequest, jsonSchema?: Record<string, unknown>): Promise<ChatReply> {
    const proc = await workerFor(req.model);
    const sampling = samplingOptions(req.model, req.seed);
    return (await proc.request(
      { type: 'chat', messages: req.messages, sampling, jsonSchema },
      req.signal,
    )) as ChatReply;
  }

  return {
    async chat(req: ChatRequest): Promise<ChatResult> {
      const reply = await runChat(req);
      const result: ChatResult = { text: reply.text, ...meta(reply.promptTokens, reply.completionTokens) };
      emit({ kind: 'chat', model: req.model, meta: result });
      return result;
    },

    async structured<T>(req: ChatRequest & { schema: SchemaName }): Promise<StructuredResult<T>> {
      // The grammar makes the model emit JSON of the schema's shape; ranges (score in [0, 1]) are checked after.
      const reply = await runChat(req, wireSchemas[req.schema]);
      const endpoint = `local:${req.model.model}`;
      let value: unknown;
      try {
        value = JSON.parse(reply.text);
      } catch {
        const why = reply.stopReason === 'maxTokens' ? ' (cut off by max_tokens)' : '';
        throw new LlmError(
          `${endpoint}: ${req.schema} reply is not complete JSON${why}: ${reply.text.slice(0, 120)}`,
          'invalid-output',
          undefined,
          endpoint,
        );
      }
      const problem = checkValue(req.schema, value);
      if (problem)
        throw new LlmError(
          `${endpoint}: ${req.schema} reply does not fit the schema: ${problem}`,
          'invalid-output',
          undefined,
          endpoint,
        );
      const result: StructuredResult<T> = {
        value: value as T,
        mode: 'json_schema',
        ...meta(reply.promptTokens, reply.completionTokens),
      };
      emit({ kind: 'structured', model: req.model, meta: result, schema: req.schema });
      return result;
    },

    async score(req: ScoreRequest): Promise<ScoreResult> {
      const proc = await workerFor(req.model);
      const reply = (await proc.request(
        {
          type: 'score',
          messages: req.messages,
          prompt: req.prompt,
          target: req.target,
          method: scoringMethod(req.model),
        },
        req.signal,
      )) as ScoreReply;
      log(
        `scored ${reply.tokens.length} target tokens with ${req.model.model}: passes ${reply.passes.join('/')} (greedy/top-K/full)`,
      );
      const result: ScoreResult = {
        tokens: reply.tokens,
        logprobs: reply.logprobs,
        ...meta(reply.promptTokens + reply.tokens.length, 0),
      };
      emit({ kind: 'score', model: req.model, meta: result });
      return result;
    },

    async canScore(model: ModelRef): Promise<boolean> {
      return model.baseUrl === 'local:';
    },

    onCall(listener: CallListener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    async describe(model: ModelRef): Promise<ModelInfo> {
      return (await workerFor(model)).info();
    },

    async dispose() {
      disposed = true;
      const all = [...workers.values()];
      workers.clear();
      await Promise.all(all.map((w) => w.dispose()));
    },
  };
}

/** A clear error before any process starts: the file is missing or is not GGUF at all. */
async function checkModelFile(file: string): Promise<void> {
  const endpoint = `local:${file}`;
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(file, 'r');
    const magic = Buffer.alloc(4);
    const { bytesRead } = await handle.read(magic, 0, 4, 0);
    if (bytesRead < 4 || magic.toString('latin1') !== 'GGUF') {
      throw new LlmError(
        `local model ${file}: not a GGUF file (it starts with ${JSON.stringify(magic.subarray(0, bytesRead).toString('latin1'))}, expected "GGUF")`,
        'unsupported',
        undefined,
        endpoint,
      );
    }
  } catch (error) {
    if (error instanceof LlmError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'file not found'
        : code === 'EISDIR'
          ? 'is a directory, not a .gguf file'
          : `cannot read it (${code ?? String(error)})`;
    throw new LlmError(`local model ${file}: ${why}`, 'unreachable', undefined, endpoint);
  } finally {
    await handle?.close();
  }
}

/**
 * The bundles put llama-worker.mjs beside themselves; from source (tsx) the worker is ./worker.ts and needs the tsx
 * loader in the child too.
 */
function resolveWorker(explicit?: string): { path: string; execArgv: string[] } {
  const here = typeof __dirname === 'string' ? __dirname : process.cwd();
  const candidates = explicit ? [explicit] : [path.join(here, 'llama-worker.mjs'), path.join(here, 'worker.ts')];
  const found = candidates.find((c) => existsSync(c)) ?? candidates[0];
  return { path: found, execArgv: found.endsWith('.ts') ? ['--import', 'tsx'] : [] };
}
