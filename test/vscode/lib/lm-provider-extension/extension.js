// Test-only language model provider (VS Code 1.100's proposed `chatProvider` API, enabled for this extension with
// code-server's --enable-proposed-api): each request is forwarded as a chat completion to the Whetstone simulator
// whose URL the harness puts in WHETSTONE_SIM_URL, so answers are the simulated task's.
const vscode = require('vscode');

const stats = { requests: 0, tokenCounts: 0 };

function roleOf(message) {
  return message.role === vscode.LanguageModelChatMessageRole.Assistant ? 'assistant' : 'user';
}

function textOf(message) {
  const parts = Array.isArray(message.content) ? message.content : [message.content];
  return parts.map((p) => (typeof p === 'string' ? p : (p.value ?? ''))).join('');
}

exports.activate = (context) => {
  const provider = {
    async provideLanguageModelResponse(messages, options, _extensionId, progress, token) {
      stats.requests++;
      const controller = new AbortController();
      token.onCancellationRequested(() => controller.abort());
      const response = await fetch(`${process.env.WHETSTONE_SIM_URL}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'sim-vscode-lm',
          messages: messages.map((m) => ({ role: roleOf(m), content: textOf(m) })),
          ...(options.modelOptions ?? {}),
        }),
        signal: controller.signal,
      });
      const body = await response.json();
      progress.report({ index: 0, part: new vscode.LanguageModelTextPart(body.choices[0].message.content) });
    },
    async provideTokenCount(text) {
      stats.tokenCounts++;
      const value = typeof text === 'string' ? text : textOf(text);
      return value.split(/\s+/).filter(Boolean).length;
    },
  };
  context.subscriptions.push(
    vscode.lm.registerChatModelProvider('sim-lm', provider, {
      vendor: 'whetstone-test',
      name: 'Simulated LM',
      family: 'sim',
      version: '1',
      maxInputTokens: 100000,
      maxOutputTokens: 4000,
      isUserSelectable: true,
    }),
    vscode.commands.registerCommand('whetstoneTestLm.stats', () => ({ ...stats })),
  );
};
exports.deactivate = () => undefined;
