/**
 * A local OpenAI-compatible HTTP server for tests and demos: real HTTP on 127.0.0.1 (node:http only), OpenAI response
 * shapes, content decided by a handler, and injectable faults (see faults.ts).
 *
 * Usage counting is deliberately simple and documented: a text's token count is its number of whitespace-separated
 * words; a chat prompt counts the words of every message plus 1 per message (role overhead). `max_tokens` is honoured
 * in the same unit: a longer reply is cut after that many words with finish_reason 'length'.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { FaultQueue, type Fault } from './faults';
import { renderSimChatTemplate, SimVocabulary } from './chat-template';
import { createSimBatches, type SimBatches, type SimBatchOptions } from './batches';

export interface SimMessage {
  role: string;
  content: string;
}

export interface SimChatRequest {
  model: string;
  messages: SimMessage[];
  response_format?: { type: string; json_schema?: { name: string; schema: unknown; strict?: boolean } };
  seed?: number;
  temperature?: number;
  max_tokens?: number;
}

export interface SimScoreRequest {
  model: string;
  prompt: string;
}

/** Tokenization + natural-log probability per token of a whole text (what a real server computes with echo). */
export interface SimScore {
  tokens: string[];
  logprobs: number[];
}

export interface SimHandler {
  chat(req: SimChatRequest): string | { content: string } | Promise<string | { content: string }>;
  /** Absent, or returning null → 400 'logprobs not supported' (like a server that cannot echo log-probs). */
  score?(req: SimScoreRequest): SimScore | null;
  /** Reject any request carrying `response_format` with 400 (like servers without structured outputs). */
  rejectResponseFormat?: boolean;
  /** Reject `/v1/completions` with `max_tokens: 0` with 400 (like vLLM, which wants at least 1). */
  rejectMaxTokensZero?: boolean;
  /**
   * Serve vLLM's chat-template scoring: `POST /tokenize` (messages → the template's token ids, or a prompt's ids) and
   * `/v1/completions` with a token-id prompt. Without it `/tokenize` is 404, like servers that have none.
   */
  chatTemplate?: boolean;
  /** Model ids listed by GET /v1/models (default: ['sim-model']). */
  models?: string[];
}

export interface SimStats {
  requests: number;
  inFlight: number;
  /** Highest number of requests open at the same time. */
  maxInFlight: number;
  byPath: Record<string, number>;
  /** The Authorization header of each request, in arrival order (undefined when absent). */
  authHeaders: (string | undefined)[];
}

export interface SimServer {
  /** `http://127.0.0.1:PORT/v1` */
  url: string;
  stats: SimStats;
  faults: FaultQueue;
  /** Every parsed request body, in arrival order (for asserting what the client sent). */
  bodies: unknown[];
  /** The Files + Batch API's knobs and counters (batches.ts); undefined when started with `batches: false`. */
  batches?: SimBatches;
  close(): Promise<void>;
}

type ChatReply =
  | { error: { status: number; message: string; param: string | null } }
  | {
      req: SimChatRequest;
      content: string;
      finishReason: string;
      id: string;
      usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
      payload: { choices: Record<string, unknown>[] };
    };

/** Token count used for `usage` (see the file comment). */
export function simTokenCount(text: string): number {
  const words = text.trim().split(/\s+/).filter(Boolean);
  return words.length;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function startSimServer(opts: {
  handler: SimHandler;
  port?: number;
  /** The Files + Batch API (on by default, like OpenAI); false answers 404 there, like servers without one. */
  batches?: Partial<SimBatchOptions> | false;
}): Promise<SimServer> {
  const { handler } = opts;
  const stats: SimStats = { requests: 0, inFlight: 0, maxInFlight: 0, byPath: {}, authHeaders: [] };
  const faults = new FaultQueue();
  const bodies: unknown[] = [];
  let responseCounter = 0;
  const vocabulary = new SimVocabulary();
  // Batch lines are answered by the same chat path as synchronous requests.
  const batches =
    opts.batches === false
      ? undefined
      : createSimBatches(async (b) => {
          const reply = await chatReply(b);
          if ('error' in reply)
            return {
              status: reply.error.status,
              body: { error: { message: reply.error.message, type: 'invalid_request_error' } },
            };
          return { status: 200, body: reply.payload };
        }, opts.batches);

  const server = http.createServer((req, res) => {
    stats.requests++;
    stats.inFlight++;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    const path = (req.url ?? '/').split('?')[0];
    stats.byPath[path] = (stats.byPath[path] ?? 0) + 1;
    stats.authHeaders.push(req.headers.authorization);
    const index = stats.requests;
    // 'close' fires when the response finished or the connection went away (client abort): either way it is no
    // longer in flight.
    res.on('close', () => {
      stats.inFlight--;
    });
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const buffer = Buffer.concat(chunks);
      const contentType = req.headers['content-type'] ?? '';
      // A file upload is multipart form data, not JSON.
      const raw = contentType.startsWith('multipart/form-data') ? '' : buffer.toString('utf8');
      let body: unknown = undefined;
      if (raw) {
        try {
          body = JSON.parse(raw);
        } catch {
          return sendError(res, 400, 'request body is not JSON');
        }
      }
      bodies.push(body);
      const fault = faults.take({ method: req.method ?? 'GET', path, body, index });
      route(req.method ?? 'GET', path, body, fault, res, buffer, contentType).catch((err: unknown) => {
        if (!res.headersSent) sendError(res, 500, `sim handler failed: ${String(err)}`);
        else res.destroy();
      });
    });
  });

  async function route(
    method: string,
    path: string,
    body: unknown,
    fault: Fault | undefined,
    res: http.ServerResponse,
    raw: Buffer,
    contentType: string,
  ) {
    if (fault) {
      switch (fault.kind) {
        case 'status': {
          const headers: Record<string, string> = {};
          if (fault.retryAfter !== undefined) headers['retry-after'] = fault.retryAfter;
          if (fault.retryAfterMs !== undefined) headers['retry-after-ms'] = String(fault.retryAfterMs);
          return sendError(res, fault.status, fault.message ?? `injected ${fault.status}`, headers);
        }
        case 'redirect':
          res.writeHead(fault.status ?? 307, { location: fault.location, 'content-length': 0 });
          res.end();
          return;
        case 'reset':
          res.socket?.destroy();
          return;
        case 'hang':
          return;
        case 'delay':
          await sleep(fault.ms);
          break;
        default:
          break;
      }
    }
    if (method === 'GET' && path === '/v1/models') {
      const ids = handler.models ?? ['sim-model'];
      return sendJson(res, 200, {
        object: 'list',
        data: ids.map((id) => ({ id, object: 'model', created: 0, owned_by: 'sim' })),
      });
    }
    const batchReply = await batches?.handle(method, path, body, raw, contentType);
    if (batchReply) {
      if (batchReply.text === undefined) return sendJson(res, batchReply.status, batchReply.json);
      res.writeHead(batchReply.status, { 'content-type': 'application/octet-stream' });
      return res.end(batchReply.text);
    }
    const known = path === '/v1/chat/completions' || path === '/v1/completions' || path === '/tokenize';
    if (method !== 'POST' || !known) return sendError(res, 404, `no route ${method} ${path}`);
    if (typeof body !== 'object' || body === null) return sendError(res, 400, 'expected a JSON object body');
    const b = body as Record<string, unknown>;
    if (path === '/v1/chat/completions') return chatCompletions(b, fault, res);
    if (path === '/v1/completions') return completions(b, fault, res);
    if (path === '/tokenize' && handler.chatTemplate) return tokenize(b, res);
    return sendError(res, 404, `no route ${method} ${path}`);
  }

  /** vLLM's /tokenize: `messages` are rendered with the chat template (generation prompt by default), or `prompt`. */
  function tokenize(b: Record<string, unknown>, res: http.ServerResponse) {
    let text: string;
    if (Array.isArray(b.messages))
      text = renderSimChatTemplate(b.messages as SimMessage[], b.add_generation_prompt !== false);
    else if (typeof b.prompt === 'string') text = b.prompt;
    else return sendError(res, 400, "'messages' or a string 'prompt' is required");
    const tokens = vocabulary.encode(text);
    return sendJson(res, 200, {
      count: tokens.length,
      max_model_len: 32768,
      tokens,
      ...(b.return_token_strs === true && { token_strs: vocabulary.decode(tokens) }),
    });
  }

  /** Log-probs of given token texts: the handler scores their joined text; each token takes the log-prob of the
   * handler's token that starts where it starts (−1 at a boundary the handler splits differently). */
  function scoreTokens(model: string, tokens: string[]): SimScore | null {
    const scored = handler.score?.({ model, prompt: tokens.join('') }) ?? null;
    if (!scored) return null;
    const byOffset = new Map<number, number>();
    let at = 0;
    scored.tokens.forEach((t, i) => {
      byOffset.set(at, scored.logprobs[i]);
      at += t.length;
    });
    at = 0;
    const logprobs = tokens.map((t) => {
      const lp = byOffset.get(at) ?? -1;
      at += t.length;
      return lp;
    });
    return { tokens, logprobs };
  }

  /** A chat completion for a request body: the payload and its parts, or the error a server would answer. */
  async function chatReply(b: Record<string, unknown>, fault?: Fault): Promise<ChatReply> {
    if (typeof b.model !== 'string' || !Array.isArray(b.messages))
      return { error: { status: 400, message: "'model' and 'messages' are required", param: null } };
    if (b.response_format !== undefined && handler.rejectResponseFormat) {
      const message = "Unsupported parameter: 'response_format' (json_schema) is not supported by this server";
      return { error: { status: 400, message, param: 'response_format' } };
    }
    const req: SimChatRequest = {
      model: b.model,
      messages: (b.messages as SimMessage[]).map((m) => ({ role: String(m.role), content: contentText(m.content) })),
      response_format: b.response_format as SimChatRequest['response_format'],
      seed: typeof b.seed === 'number' ? b.seed : undefined,
      temperature: typeof b.temperature === 'number' ? b.temperature : undefined,
      max_tokens: typeof b.max_tokens === 'number' ? b.max_tokens : undefined,
    };
    let content: string;
    if (fault?.kind === 'malformed-content') {
      content = fault.content ?? '{"broken": [1, 2';
    } else {
      const out = await handler.chat(req);
      content = typeof out === 'string' ? out : out.content;
    }
    let finishReason = 'stop';
    if (req.max_tokens !== undefined && simTokenCount(content) > req.max_tokens) {
      // Honour max_tokens like a real server: cut the reply (here after that many words) and say why it stopped.
      content = (content.match(/\s*\S+/g) ?? []).slice(0, req.max_tokens).join('');
      finishReason = 'length';
    }
    const promptTokens = req.messages.reduce((n, m) => n + simTokenCount(m.content) + 1, 0);
    const completionTokens = simTokenCount(content);
    const id = `chatcmpl-sim-${++responseCounter}`;
    const usage = {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
    };
    const payload = {
      id,
      object: 'chat.completion',
      created: 0,
      model: req.model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content, refusal: null },
          finish_reason: finishReason,
          logprobs: null,
        },
      ],
      usage,
    };
    return { req, content, finishReason, id, usage, payload };
  }

  async function chatCompletions(b: Record<string, unknown>, fault: Fault | undefined, res: http.ServerResponse) {
    const reply = await chatReply(b, fault);
    if ('error' in reply) return sendError(res, reply.error.status, reply.error.message, {}, reply.error.param);
    const { req, content, finishReason, id, usage, payload } = reply;
    if (b.stream === true) {
      const includeUsage = (b.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
      const delay = fault?.kind === 'slow-stream' ? fault.chunkDelayMs : 0;
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
      });
      const pieces = content.match(/\s*\S+|\s+/g) ?? [''];
      const chunk = (delta: Record<string, unknown>, finish: string | null, extra: Record<string, unknown> = {}) =>
        `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: 0, model: req.model, choices: [{ index: 0, delta, finish_reason: finish }], ...extra })}\n\n`;
      const parts = [
        chunk({ role: 'assistant', content: '' }, null),
        ...pieces.map((p) => chunk({ content: p }, null)),
        chunk({}, finishReason),
      ];
      if (includeUsage)
        parts.push(
          `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: 0, model: req.model, choices: [], usage })}\n\n`,
        );
      parts.push('data: [DONE]\n\n');
      for (const part of parts) {
        if (res.destroyed) return;
        if (delay) await sleep(delay);
        res.write(part);
      }
      res.end();
      return;
    }
    if (fault?.kind === 'truncated-body') return sendTruncated(res, payload);
    if (fault?.kind === 'stall-body') return sendStalled(res, payload);
    if (fault?.kind === 'garbage-200') return sendGarbage(res, payload, fault.shape);
    return sendJson(res, 200, payload);
  }

  async function completions(b: Record<string, unknown>, fault: Fault | undefined, res: http.ServerResponse) {
    const idPrompt =
      Array.isArray(b.prompt) && handler.chatTemplate ? vocabulary.decode(b.prompt as number[]) : undefined;
    if (typeof b.model !== 'string' || (typeof b.prompt !== 'string' && !idPrompt))
      return sendError(res, 400, "'model' and a string 'prompt' are required");
    const model = b.model;
    const prompt = idPrompt ? idPrompt.join('') : (b.prompt as string);
    const maxTokens = typeof b.max_tokens === 'number' ? b.max_tokens : 16;
    const wantsLogprobs = typeof b.logprobs === 'number';
    const id = `cmpl-sim-${++responseCounter}`;
    let text = '';
    let logprobs: unknown = null;
    let completionTokens = 0;
    if (b.echo === true || wantsLogprobs) {
      if (maxTokens === 0 && handler.rejectMaxTokensZero)
        return sendError(res, 400, 'max_tokens must be at least 1, got 0.', {}, 'max_tokens');
      const scored = idPrompt ? scoreTokens(model, idPrompt) : (handler.score?.({ model, prompt }) ?? null);
      if (!scored) return sendError(res, 400, 'logprobs not supported');
      const tokens = [...scored.tokens];
      const tokenLogprobs: (number | null)[] = [...scored.logprobs];
      // Like vLLM/OpenAI: the first prompt token has no context, hence no log-prob.
      if (tokenLogprobs.length) tokenLogprobs[0] = null;
      if (maxTokens > 0) {
        tokens.push(' x');
        tokenLogprobs.push(-1);
        completionTokens = 1;
      }
      const textOffset: number[] = [];
      let offset = 0;
      for (const t of tokens) {
        textOffset.push(offset);
        offset += t.length;
      }
      const echoed = b.echo === true;
      text = echoed ? tokens.join('') : maxTokens > 0 ? ' x' : '';
      const keepFrom = echoed ? 0 : scored.tokens.length;
      logprobs = {
        tokens: tokens.slice(keepFrom),
        token_logprobs: tokenLogprobs.slice(keepFrom),
        text_offset: textOffset.slice(keepFrom).map((o) => o - (echoed ? 0 : prompt.length)),
        top_logprobs: tokens.slice(keepFrom).map((t, i) => ({ [t]: tokenLogprobs[keepFrom + i] ?? 0 })),
      };
    } else {
      const out =
        fault?.kind === 'malformed-content'
          ? (fault.content ?? '{"broken": [1, 2')
          : await handler.chat({ model, messages: [{ role: 'user', content: prompt }] });
      text = typeof out === 'string' ? out : out.content;
      completionTokens = simTokenCount(text);
    }
    const promptTokens = simTokenCount(prompt);
    const payload = {
      id,
      object: 'text_completion',
      created: 0,
      model,
      choices: [{ index: 0, text, logprobs, finish_reason: 'length' }],
      usage: {
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
      },
    };
    if (fault?.kind === 'truncated-body') return sendTruncated(res, payload);
    if (fault?.kind === 'garbage-200') return sendGarbage(res, payload, fault.shape);
    return sendJson(res, 200, payload);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    stats,
    faults,
    bodies,
    batches: batches?.state,
    close: () =>
      new Promise<void>((resolve) => {
        // Hanging requests would keep close() waiting forever: drop every connection.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content))
    return content
      .map((p) => (typeof p === 'object' && p && 'text' in p ? String((p as { text: unknown }).text) : ''))
      .join('');
  return '';
}

function sendJson(res: http.ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(payload);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function sendError(
  res: http.ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = {},
  param: string | null = null,
) {
  const type = status === 429 ? 'rate_limit_error' : status >= 500 ? 'server_error' : 'invalid_request_error';
  sendJson(res, status, { error: { message, type, param, code: null } }, headers);
}

function sendStalled(res: http.ServerResponse, payload: unknown) {
  const text = JSON.stringify(payload);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.write(text.slice(0, Math.floor(text.length / 2)));
}

function sendTruncated(res: http.ServerResponse, payload: unknown) {
  const text = JSON.stringify(payload);
  const cut = text.slice(0, Math.floor(text.length / 2));
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(cut) });
  res.end(cut);
}

/** A 200 the client cannot use (fault `garbage-200`). */
function sendGarbage(
  res: http.ServerResponse,
  payload: { choices: Record<string, unknown>[] },
  shape: 'no-choices' | 'null-content' | 'no-logprobs' | 'not-json',
): void {
  if (shape === 'not-json') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('<html><body>502 Bad Gateway</body></html>');
    return;
  }
  const choice = { ...payload.choices[0] };
  if (shape === 'null-content') choice.message = { role: 'assistant', content: null };
  if (shape === 'no-logprobs') choice.logprobs = null;
  sendJson(res, 200, { ...payload, choices: shape === 'no-choices' ? [] : [choice] });
}
