/**
 * The llama.cpp child process (bundled to dist/llama-worker.mjs; tests run it from source with `node --import tsx`).
 * It loads one GGUF file, then answers chat and score requests one at a time over IPC. It lives in its own process
 * because a malformed model can make llama.cpp abort (SIGABRT), which no JS try/catch survives.
 */
import type { WorkerReply, WorkerRequest } from './protocol';
import { ModelSession, RequestError } from './model-session';

const send = (reply: WorkerReply) => process.send?.(reply);

let session: Promise<ModelSession> | undefined;
/** Requests run strictly one after another on the single context sequence. */
let queue: Promise<void> = Promise.resolve();
const controllers = new Map<number, AbortController>();
/** llama.cpp states its reasons (missing key, bad tensor) in log lines, then fails with a generic error. */
const recentLog: string[] = [];

function onLog(level: string, message: string) {
  if (!message) return;
  recentLog.push(message);
  if (recentLog.length > 20) recentLog.shift();
  if (level === 'error' || level === 'fatal') process.stderr.write(`[llama.cpp] ${message}\n`);
}

function loadFailure(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const reason = [...recentLog]
    .reverse()
    .find(
      (line) =>
        /error loading model|key not found|corrupt|invalid|failed to/i.test(line) &&
        !/failed to load model$/i.test(line),
    );
  return reason ? `${message}: ${reason.replace(/^llama_model_load: (error loading model: )?/, '')}` : message;
}

function handle(request: WorkerRequest) {
  if (request.type === 'load') {
    session = ModelSession.load(request.modelPath, request.options, onLog);
    session.then(
      (s) => send({ type: 'loaded', info: s.info }),
      (error) => send({ type: 'load-failed', message: loadFailure(error) }),
    );
    return;
  }
  if (request.type === 'abort') {
    controllers.get(request.id)?.abort();
    return;
  }
  const controller = new AbortController();
  controllers.set(request.id, controller);
  queue = queue.then(async () => {
    try {
      if (!session) throw new Error('no model loaded');
      const model = await session;
      controller.signal.throwIfAborted();
      const result =
        request.type === 'chat'
          ? await model.chat(request.messages, request.sampling, request.jsonSchema, controller.signal)
          : await model.score(
              request.messages,
              request.prompt,
              request.target,
              request.method ?? 'auto',
              controller.signal,
            );
      send({ type: 'result', id: request.id, result });
    } catch (error) {
      const kind = controller.signal.aborted
        ? 'aborted'
        : error instanceof RequestError
          ? error.kind
          : 'invalid-output';
      send({ type: 'failed', id: request.id, message: error instanceof Error ? error.message : String(error), kind });
    } finally {
      controllers.delete(request.id);
    }
  });
}

process.on('message', (message: WorkerRequest) => handle(message));
// The parent went away (crash, kill -9): do not linger holding the model in memory.
process.on('disconnect', () => process.exit(0));
