/**
 * VS Code's language models (`vscode.lm`: Copilot and any extension's LanguageModelChatProvider) as a Whetstone
 * backend for the chat roles. It goes behind the core client (as `vscode-lm:` models), so calls, tokens, the cache,
 * budgets and cancellation are the engine's as for every other provider. What it cannot do, it says:
 * no log-probs (PMPO cannot score), no response_format (structured answers use the tagged-text contract), no system
 * role (sent as the first user message), and sampling options the model may ignore (vscode#219118).
 */
import * as vscode from 'vscode';
import {
  LlmError,
  VSCODE_LM,
  type ChatMessage,
  type ChatRequest,
  type ChatResult,
  type LlmClient,
  type ModelRef,
  type ScoreResult,
  type StructuredResult,
  type SchemaName,
} from '../../core/llm/types';
import { parseStructured, withTaggedInstruction } from '../../core/llm/structured-output';

/** Why VS Code asks the user: shown in its consent dialog the first time Whetstone uses a model. */
const JUSTIFICATION = 'Whetstone runs your prompt and its optimizer on this model to test and improve the prompt.';

export async function availableLmModels(): Promise<vscode.LanguageModelChat[]> {
  return vscode.lm.selectChatModels();
}

export function createLmChatClient(): LlmClient {
  async function modelFor(ref: ModelRef): Promise<vscode.LanguageModelChat> {
    const [model] = await vscode.lm.selectChatModels({ id: ref.model });
    if (!model)
      throw new LlmError(
        `VS Code language model ${ref.model} is not available (is its extension, e.g. GitHub Copilot, installed and signed in?)`,
        'unreachable',
        undefined,
        VSCODE_LM,
      );
    return model;
  }

  async function send(req: ChatRequest, messages: ChatMessage[]): Promise<ChatResult> {
    const model = await modelFor(req.model);
    const source = new vscode.CancellationTokenSource();
    const onAbort = () => source.cancel();
    req.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const lmMessages = toLmMessages(messages);
      const response = await model.sendRequest(
        lmMessages,
        { justification: JUSTIFICATION, modelOptions: req.model.params },
        source.token,
      );
      let text = '';
      for await (const part of response.text) text += part;
      if (req.signal?.aborted) throw new LlmError('aborted', 'aborted', undefined, VSCODE_LM);
      // Token counts from the model's own tokenizer, as VS Code reports them.
      const promptTokens = await countAll(model, lmMessages, source.token);
      const completionTokens = text ? await model.countTokens(text, source.token) : 0;
      return { text, usage: { promptTokens, completionTokens }, costUsd: 0, cached: false };
    } catch (error) {
      throw asLlmError(error, req.model);
    } finally {
      req.signal?.removeEventListener('abort', onAbort);
      source.dispose();
    }
  }

  return {
    chat: (req) => send(req, req.messages),
    async structured<T>(req: ChatRequest & { schema: SchemaName }): Promise<StructuredResult<T>> {
      const result = await send(req, withTaggedInstruction(req.messages, req.schema));
      const parsed = parseStructured<T>(req.schema, result.text, 'tagged');
      if (!parsed.ok)
        throw new LlmError(`${req.model.model}: ${parsed.reason}`, 'invalid-output', undefined, VSCODE_LM);
      return { ...result, value: parsed.value, mode: 'tagged' };
    },
    async score(req): Promise<ScoreResult> {
      throw new LlmError(noLogprobs(req.model), 'unsupported', undefined, VSCODE_LM);
    },
    async canScore() {
      return false;
    },
    onCall: () => () => undefined,
  };
}

export const noLogprobs = (ref: ModelRef) =>
  `${ref.model}: VS Code language models give no log-probs, so PMPO cannot score with them; use a local: GGUF model or vLLM as the scorer`;

/** VS Code's chat messages have user and assistant roles only: system/developer text leads as a user message. */
function toLmMessages(messages: ChatMessage[]): vscode.LanguageModelChatMessage[] {
  return messages.map((m) =>
    m.role === 'assistant'
      ? vscode.LanguageModelChatMessage.Assistant(m.content)
      : vscode.LanguageModelChatMessage.User(m.content),
  );
}

async function countAll(
  model: vscode.LanguageModelChat,
  messages: vscode.LanguageModelChatMessage[],
  token: vscode.CancellationToken,
): Promise<number> {
  let total = 0;
  for (const m of messages) total += await model.countTokens(m, token);
  return total;
}

function asLlmError(error: unknown, ref: ModelRef): LlmError {
  if (error instanceof LlmError) return error;
  if (error instanceof vscode.CancellationError) return new LlmError('aborted', 'aborted', undefined, VSCODE_LM);
  if (error instanceof vscode.LanguageModelError) {
    // NoPermissions (the user declined consent), Blocked (quota), NotFound: none is worth retrying blindly.
    const why =
      error.code === vscode.LanguageModelError.NoPermissions.name
        ? 'Whetstone may not use this model: allow it when VS Code asks (or in the Accounts menu)'
        : error.message;
    return new LlmError(`${ref.model}: ${why}`, 'http', error.code === 'Blocked' ? 429 : 403, VSCODE_LM);
  }
  return new LlmError(
    `${ref.model}: ${error instanceof Error ? error.message : String(error)}`,
    'http',
    undefined,
    VSCODE_LM,
  );
}
