/**
 * The parent's handle on one worker process (one model file + load options): starts it on first use, matches
 * replies to requests by id, forwards aborts, and turns a crash (llama.cpp SIGABRT, OOM kill) into LlmErrors that
 * name the file and what it was doing. After a crash the next request starts a fresh worker.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { LlmError } from '../types';
import type { ChatReply, LoadOptions, ModelInfo, ScoreReply, WorkerReply, WorkerRequest } from './protocol';

export type LocalLogger = (message: string) => void;

type RequestBody =
  Omit<Extract<WorkerRequest, { type: 'chat' }>, 'id'> | Omit<Extract<WorkerRequest, { type: 'score' }>, 'id'>;

interface Pending {
  kind: 'chat' | 'score';
  resolve(value: ChatReply | ScoreReply): void;
  reject(error: LlmError): void;
  cleanup(): void;
}

interface Running {
  child: ChildProcess;
  loaded: Promise<ModelInfo>;
  /** Set once the model is loaded (or failed to). */
  phase: 'loading' | 'ready' | 'gone';
  stderrTail: string[];
}

const STDERR_LINES = 8;

export class WorkerProcess {
  private running: Running | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly modelPath: string,
    private readonly options: LoadOptions,
    private readonly worker: { path: string; execArgv: string[] },
    private readonly log: LocalLogger,
    /** Stop the worker (freeing the model's memory) after this long without calls; 0 = never. */
    private readonly idleMs = 0,
  ) {}

  private get endpoint() {
    return `local:${this.modelPath}`;
  }

  /** The loaded model's description (starts the worker if needed). */
  info(): Promise<ModelInfo> {
    return this.start().loaded;
  }

  request(body: RequestBody, signal?: AbortSignal): Promise<ChatReply | ScoreReply> {
    if (signal?.aborted) return Promise.reject(this.aborted());
    const running = this.start();
    const id = this.nextId++;
    return new Promise<ChatReply | ScoreReply>((resolve, reject) => {
      const onAbort = () => {
        if (!this.pending.delete(id)) return;
        onAbortCleanup();
        this.updateRef();
        // With a callback a failed send is reported there (ignored: the call is already settled), not as an 'error' event.
        if (running.child.connected) running.child.send({ type: 'abort', id } satisfies WorkerRequest, () => undefined);
        reject(this.aborted());
      };
      const onAbortCleanup = () => signal?.removeEventListener('abort', onAbort);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, {
        kind: body.type,
        resolve,
        reject,
        cleanup: () => {
          onAbortCleanup();
          this.updateRef();
        },
      });
      this.updateRef();
      // The worker may have died since start(): the exit handler rejects pending calls, this covers a closed channel.
      const lost = (error: Error | null) => {
        if (!error || !this.pending.delete(id)) return;
        onAbortCleanup();
        this.updateRef();
        reject(
          new LlmError(
            `local model ${this.modelPath}: the llama.cpp process is gone (${error.message}); retry to restart it`,
            'unreachable',
            undefined,
            this.endpoint,
          ),
        );
      };
      try {
        running.child.send({ ...body, id } as WorkerRequest, lost);
      } catch (error) {
        lost(error as Error);
      }
    });
  }

  async dispose(): Promise<void> {
    clearTimeout(this.idleTimer);
    const running = this.running;
    this.running = undefined;
    this.failAll(
      new LlmError(`local model ${this.modelPath}: the backend was disposed`, 'aborted', undefined, this.endpoint),
    );
    if (!running || running.child.exitCode !== null || running.child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => running.child.kill('SIGKILL'), 2000);
      running.child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      running.child.kill('SIGTERM');
    });
  }

  private aborted() {
    return new LlmError(`local model ${this.modelPath}: aborted`, 'aborted', undefined, this.endpoint);
  }

  private start(): Running {
    if (this.running && this.running.phase !== 'gone') return this.running;
    const child = fork(this.worker.path, [], {
      execArgv: this.worker.execArgv,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'advanced',
      // Inside VS Code's extension host process.execPath is Electron: make it behave as plain Node.
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    });
    let markLoaded: (info: ModelInfo) => void = () => undefined;
    let markFailed: (error: LlmError) => void = () => undefined;
    const loaded = new Promise<ModelInfo>((resolve, reject) => {
      markLoaded = resolve;
      markFailed = reject;
    });
    loaded.catch(() => undefined); // observed through requests; never an unhandled rejection
    const running: Running = { child, loaded, phase: 'loading', stderrTail: [] };
    this.running = running;
    // An idle worker must not keep the parent alive (a script that forgets dispose() still exits; the worker then
    // exits on disconnect). updateRef() holds the IPC channel only while a load or a call is in flight.
    child.unref();
    for (const stream of [child.stdout, child.stderr]) (stream as unknown as { unref?: () => void } | null)?.unref?.();
    this.updateRef();

    child.stdout?.on('data', (chunk: Buffer) => this.log(`[${this.modelPath}] ${chunk.toString().trimEnd()}`));
    child.stderr?.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        running.stderrTail.push(line);
        if (running.stderrTail.length > STDERR_LINES) running.stderrTail.shift();
        this.log(`[${this.modelPath}] ${line}`);
      }
    });
    child.on('message', (reply: WorkerReply) => {
      if (reply.type === 'loaded') {
        running.phase = 'ready';
        this.updateRef();
        this.log(
          `loaded ${this.modelPath} in ${reply.info.loadMs} ms (context ${reply.info.contextSize}, chat format ${reply.info.chatWrapper})`,
        );
        markLoaded(reply.info);
      } else if (reply.type === 'load-failed') {
        const error = new LlmError(
          `local model ${this.modelPath}: llama.cpp could not load it: ${reply.message}`,
          'unreachable',
          undefined,
          this.endpoint,
        );
        running.phase = 'gone';
        markFailed(error);
        this.failAll(error);
        child.kill('SIGKILL');
      } else {
        const pending = this.pending.get(reply.id);
        if (!pending) return; // aborted earlier
        this.pending.delete(reply.id);
        pending.cleanup();
        if (reply.type === 'result') pending.resolve(reply.result);
        else
          pending.reject(
            new LlmError(`local model ${this.modelPath}: ${reply.message}`, reply.kind, undefined, this.endpoint),
          );
      }
    });
    child.on('error', (error) => {
      const failure = new LlmError(
        `local model ${this.modelPath}: could not start the llama.cpp worker (${this.worker.path}): ${error.message}`,
        'unreachable',
        undefined,
        this.endpoint,
      );
      running.phase = 'gone';
      markFailed(failure);
      this.failAll(failure);
    });
    child.on('exit', (code, signal) => {
      const wasPhase = running.phase;
      running.phase = 'gone';
      if (this.running === running) this.running = undefined;
      if (wasPhase === 'gone' && this.pending.size === 0) return;
      const doing = wasPhase === 'loading' ? 'while loading' : this.activity();
      const how = signal ? `aborted ${doing} (signal ${signal})` : `exited ${doing} (code ${code})`;
      const said = lastMeaningfulLine(running.stderrTail);
      const error = new LlmError(
        `local model ${this.modelPath}: the llama.cpp process ${how}${said ? ` — ${said}` : ''}`,
        'unreachable',
        undefined,
        this.endpoint,
      );
      this.log(error.message);
      markFailed(error);
      this.failAll(error);
    });
    child.send(
      { type: 'load', modelPath: this.modelPath, options: this.options } satisfies WorkerRequest,
      () => undefined,
    );
    return running;
  }

  /** Called whenever the work in flight changes: holds the IPC channel while busy, arms the idle stop when not. */
  private updateRef() {
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    const running = this.running;
    const channel = running?.child.channel as { ref?: () => void; unref?: () => void } | undefined | null;
    if (!running || !channel) return;
    const busy = running.phase === 'loading' || this.pending.size > 0;
    if (busy) channel.ref?.();
    else channel.unref?.();
    if (!busy && running.phase === 'ready' && this.idleMs > 0) {
      this.idleTimer = setTimeout(() => this.stopIdle(running), this.idleMs);
      this.idleTimer.unref();
    }
  }

  private stopIdle(running: Running) {
    if (this.running !== running || this.pending.size > 0) return;
    this.log(`stopping the idle worker of ${this.modelPath} after ${this.idleMs} ms without calls`);
    running.phase = 'gone'; // a deliberate stop: the exit handler reports nothing
    this.running = undefined;
    running.child.kill('SIGTERM');
  }

  private activity(): string {
    const kinds = new Set([...this.pending.values()].map((p) => p.kind));
    if (kinds.has('score')) return 'while scoring';
    if (kinds.has('chat')) return 'while generating';
    return 'while idle';
  }

  private failAll(error: LlmError) {
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) {
      p.cleanup();
      p.reject(error);
    }
  }
}

/** llama.cpp prints the failed assertion (`…: GGML_ASSERT(x) failed`) just before aborting. */
function lastMeaningfulLine(lines: string[]): string | undefined {
  const assertion = [...lines].reverse().find((l) => /GGML_ASSERT|error|failed/i.test(l));
  return (assertion ?? lines.at(-1))?.replace(/^.*\/(llama\.cpp|ggml)\/(src\/)?/, '').slice(0, 300);
}
