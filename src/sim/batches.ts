/**
 * OpenAI's Files + Batch API on the sim server: `POST /v1/files` (multipart, purpose "batch"), `POST /v1/batches`,
 * `GET /v1/batches/{id}` (validating → in_progress → completed, with request_counts), `POST /v1/batches/{id}/cancel`
 * (cancelling → cancelled) and `GET /v1/files/{id}/content` (the output and error JSONL files, lines
 * `{id, custom_id, response: {status_code, request_id, body}, error}`). Each line is answered by the server's own chat
 * completion path, so a batched answer equals the synchronous one.
 *
 * Knobs for tests: `pollsToComplete` (status checks before a batch completes; Infinity keeps it running) and
 * `failLine` (answer chosen lines with an error instead).
 */

export interface SimBatchOptions {
  /** Status checks of a batch before it completes (default 2); Infinity keeps every batch in progress. */
  pollsToComplete: number;
  /** Lines to fail: return an HTTP status and message to put that line in the error file instead of answering it. */
  failLine?: (customId: string, body: unknown) => { status: number; message: string } | undefined;
}

export interface SimBatchStats {
  filesUploaded: number;
  batchesCreated: number;
  statusChecks: number;
  cancels: number;
  /** Requests answered through batches. */
  lines: number;
}

export interface SimBatches {
  options: SimBatchOptions;
  stats: SimBatchStats;
}

export interface SimReply {
  status: number;
  /** A JSON body, or raw text (file content). */
  json?: unknown;
  text?: string;
}

interface InputLine {
  custom_id: string;
  body: Record<string, unknown>;
}

interface Batch {
  id: string;
  input_file_id: string;
  lines: InputLine[];
  status: string;
  polls: number;
  created_at: number;
  output_file_id: string | null;
  error_file_id: string | null;
  errors: { data: { code: string; message: string; line?: number }[] } | null;
  completed: number;
  failed: number;
}

/** Answers one chat completion request body like `POST /v1/chat/completions` would. */
export type ChatAnswer = (body: Record<string, unknown>) => Promise<{ status: number; body: unknown }>;

export function createSimBatches(answer: ChatAnswer, initial: Partial<SimBatchOptions> = {}) {
  const state: SimBatches = {
    options: { pollsToComplete: 2, ...initial },
    stats: { filesUploaded: 0, batchesCreated: 0, statusChecks: 0, cancels: 0, lines: 0 },
  };
  const files = new Map<string, string>();
  const batches = new Map<string, Batch>();
  let counter = 0;
  const nextId = (prefix: string) => `${prefix}-sim${++counter}`;
  const error = (status: number, message: string): SimReply => ({
    status,
    json: { error: { message, type: 'invalid_request_error', param: null, code: null } },
  });

  async function upload(raw: Buffer, contentType: string): Promise<SimReply> {
    const form = await new Response(new Uint8Array(raw), { headers: { 'content-type': contentType } })
      .formData()
      .catch(() => undefined);
    const file = form?.get('file');
    if (!form || form.get('purpose') !== 'batch' || typeof file === 'string' || !file)
      return error(400, "expected multipart form data with a 'file' and purpose 'batch'");
    const id = nextId('file');
    files.set(id, await file.text());
    state.stats.filesUploaded++;
    return {
      status: 200,
      json: { id, object: 'file', bytes: file.size, created_at: 0, filename: file.name, purpose: 'batch' },
    };
  }

  function create(b: Record<string, unknown>): SimReply {
    const input = typeof b.input_file_id === 'string' ? files.get(b.input_file_id) : undefined;
    if (input === undefined) return error(400, `no file ${String(b.input_file_id)}`);
    if (b.endpoint !== '/v1/chat/completions') return error(400, `unsupported endpoint ${String(b.endpoint)}`);
    const batch: Batch = {
      id: nextId('batch'),
      input_file_id: b.input_file_id as string,
      lines: [],
      status: 'validating',
      polls: 0,
      created_at: Math.floor(Date.now() / 1000),
      output_file_id: null,
      error_file_id: null,
      errors: null,
      completed: 0,
      failed: 0,
    };
    const problems = validate(input, batch.lines);
    if (problems.length) {
      batch.status = 'failed';
      batch.errors = { data: problems };
    }
    batches.set(batch.id, batch);
    state.stats.batchesCreated++;
    return { status: 200, json: view(batch) };
  }

  async function retrieve(batch: Batch): Promise<SimReply> {
    state.stats.statusChecks++;
    if (batch.status === 'cancelling') batch.status = 'cancelled';
    if (batch.status === 'validating' || batch.status === 'in_progress') {
      batch.polls++;
      if (batch.polls >= state.options.pollsToComplete) await run(batch);
      else {
        batch.status = 'in_progress';
        // Progress as a real batch shows it: the share of polls done, in request counts.
        batch.completed = Math.floor((batch.lines.length * batch.polls) / state.options.pollsToComplete);
      }
    }
    return { status: 200, json: view(batch) };
  }

  async function run(batch: Batch): Promise<void> {
    const output: string[] = [];
    const errors: string[] = [];
    batch.completed = 0;
    for (const [i, line] of batch.lines.entries()) {
      state.stats.lines++;
      const failure = state.options.failLine?.(line.custom_id, line.body);
      const reply = failure
        ? { status: failure.status, body: { error: { message: failure.message, type: 'invalid_request_error' } } }
        : await answer(line.body);
      const text = JSON.stringify({
        id: `batch_req_${batch.id}_${i}`,
        custom_id: line.custom_id,
        response: { status_code: reply.status, request_id: `req_${i}`, body: reply.body },
        error: null,
      });
      if (reply.status === 200) {
        output.push(text);
        batch.completed++;
      } else {
        errors.push(text);
        batch.failed++;
      }
    }
    batch.output_file_id = output.length ? keepFile(output) : null;
    batch.error_file_id = errors.length ? keepFile(errors) : null;
    batch.status = 'completed';
  }

  const keepFile = (lines: string[]) => {
    const id = nextId('file');
    files.set(id, lines.join('\n') + '\n');
    return id;
  };

  function view(batch: Batch) {
    return {
      id: batch.id,
      object: 'batch',
      endpoint: '/v1/chat/completions',
      errors: batch.errors,
      input_file_id: batch.input_file_id,
      completion_window: '24h',
      status: batch.status,
      output_file_id: batch.output_file_id,
      error_file_id: batch.error_file_id,
      created_at: batch.created_at,
      request_counts: { total: batch.lines.length, completed: batch.completed, failed: batch.failed },
      metadata: null,
    };
  }

  /** Routes the Files and Batch API; undefined when the request is not one of theirs. */
  async function handle(
    method: string,
    path: string,
    body: unknown,
    raw: Buffer,
    contentType: string,
  ): Promise<SimReply | undefined> {
    if (method === 'POST' && path === '/v1/files') return upload(raw, contentType);
    if (method === 'POST' && path === '/v1/batches') return create((body ?? {}) as Record<string, unknown>);
    const content = /^\/v1\/files\/([\w-]+)\/content$/.exec(path);
    if (method === 'GET' && content) {
      const text = files.get(content[1]);
      return text === undefined ? error(404, `no file ${content[1]}`) : { status: 200, text };
    }
    const one = /^\/v1\/batches\/([\w-]+)(\/cancel)?$/.exec(path);
    if (!one) return undefined;
    const batch = batches.get(one[1]);
    if (!batch) return error(404, `no batch ${one[1]}`);
    if (method === 'GET' && !one[2]) return retrieve(batch);
    if (method === 'POST' && one[2]) {
      state.stats.cancels++;
      if (batch.status === 'validating' || batch.status === 'in_progress') batch.status = 'cancelling';
      return { status: 200, json: view(batch) };
    }
    return undefined;
  }

  return { state, handle };
}

/** The input file's lines, as OpenAI checks them: JSON, a unique custom_id, POST to the chat endpoint, a body. */
function validate(input: string, into: InputLine[]): { code: string; message: string; line: number }[] {
  const problems: { code: string; message: string; line: number }[] = [];
  const seen = new Set<string>();
  input.split('\n').forEach((raw, i) => {
    if (!raw.trim()) return;
    let line: { custom_id?: unknown; method?: unknown; url?: unknown; body?: unknown };
    try {
      line = JSON.parse(raw) as typeof line;
    } catch {
      problems.push({ code: 'invalid_json_line', message: `line ${i + 1} is not JSON`, line: i + 1 });
      return;
    }
    const bad =
      typeof line.custom_id !== 'string'
        ? 'has no custom_id'
        : seen.has(line.custom_id)
          ? `repeats custom_id ${line.custom_id}`
          : line.method !== 'POST' || line.url !== '/v1/chat/completions'
            ? 'is not a POST to /v1/chat/completions'
            : typeof line.body !== 'object' || line.body === null
              ? 'has no body'
              : undefined;
    if (bad) problems.push({ code: 'invalid_request', message: `line ${i + 1} ${bad}`, line: i + 1 });
    else {
      seen.add(line.custom_id as string);
      into.push({ custom_id: line.custom_id as string, body: line.body as Record<string, unknown> });
    }
  });
  return problems;
}
