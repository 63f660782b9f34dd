/** The host's pure helpers, run inside the extension host (they import `vscode` types or live beside code that does). */
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { progressLine, finishedMessage } from '../../../src/host/jobs/jobProgress';
import type { JobInfo } from '../../../src/host/jobs/jobManager';
import { modelRefFor, modelSpecFor } from '../../../src/host/jobs/models';
import { fileRequestFields } from '../../../src/core/evaluation/target-request';
import { closestName, editDistance } from '../../../src/core/edit-distance';
import { addColumnEdits, declareInputEdit, yamlBlockLines } from '../../../src/host/language/quickFixes';
import { messageCostText } from '../../../src/host/language/hover';
import { applySuggestionText, minimalEdit } from '../../../src/host/commands/suggestionCommands';
import { alignDecoded, inlineDiffParts } from '../../../src/host/language/inlineSuggestion';
import type { HostSettings } from '../../../src/host/config';
import type { PromptDocument } from '../../../src/core/documents/types';
import { activateWhetstone, writeWorkspaceFile } from './hostHelpers';

function job(extra: Partial<JobInfo>): JobInfo {
  return {
    runId: 'r1',
    uri: vscode.Uri.file('/w/reviews.prompt.yml'),
    fileName: 'reviews.prompt.yml',
    method: 'apo',
    status: 'running',
    runFile: '/w/.whetstone/runs/r/r1.jsonl',
    startedAt: new Date(0),
    events: [],
    originalRegion: 'x',
    ...extra,
  };
}

const settings: HostSettings = {
  baseUrl: 'https://api.openai.com/v1',
  models: { target: 'gpt-4o-mini', optimizer: 'gpt-4o', judge: '', scorer: '' },
  availableModels: [],
  concurrency: 4,
  retryMinutes: 10,
  budget: { calls: 100, usd: 1 },
  localModelPath: '/models/m.gguf',
  cacheEnabled: true,
  cacheMaxSizeMb: 256,
  diagnosticsDelayMs: 300,
  codeLensEnabled: true,
};

suite('host: helpers', () => {
  test('progress line and closing message use the agreed wording', () => {
    const used = { calls: 12, cachedCalls: 0, tokens: 900, costUsd: 0.1123, seconds: 3 };
    assert.strictEqual(
      progressLine(job({ round: { round: 2, of: 6 }, incumbent: { id: 9, score: 0.79 }, baselineScore: 0.37, used })),
      'Optimizing reviews.prompt.yml · APO · round 2/6 · best 0.79 (+0.42) · $0.11',
    );
    const result = {
      runId: 'r1',
      method: 'apo' as const,
      baseline: { score: 0.38 },
      best: { id: 14, score: 0.96, prompt: 'p' },
      rounds: [],
      used,
      stopReason: 'done' as const,
    };
    assert.strictEqual(finishedMessage(job({ status: 'done', result })), 'Optimization finished: best 0.96 (+0.58)');
    assert.match(
      finishedMessage(job({ status: 'done', result: { ...result, stopReason: 'budget' } })),
      /^Optimization finished: stopped at the budget/,
    );
    assert.match(finishedMessage(job({ status: 'failed', error: 'HTTP 401 from api.openai.com' })), /failed: HTTP 401/);
    assert.strictEqual(
      progressLine(job({ round: { round: 1, of: 6 }, retrying: 'api.openai.com: HTTP 429; retry 2/6 in 2.0 s' })),
      'Optimizing reviews.prompt.yml · APO · round 1/6 · retrying: api.openai.com: HTTP 429; retry 2/6 in 2.0 s',
    );
    // A rate-limit wait is shown as what it is.
    assert.strictEqual(
      progressLine(job({ round: { round: 1, of: 6 }, retrying: 'rate-limited: resuming in 40 s' })),
      'Optimizing reviews.prompt.yml · APO · round 1/6 · rate-limited: resuming in 40 s',
    );
  });

  test('model references: configured endpoint, explicit endpoint, local file, GitHub Models prefix', () => {
    assert.deepStrictEqual(modelRefFor('gpt-4o', settings), { baseUrl: 'https://api.openai.com/v1', model: 'gpt-4o' });
    assert.deepStrictEqual(modelRefFor('openai/gpt-4o', settings), {
      baseUrl: 'https://api.openai.com/v1',
      model: 'gpt-4o',
    });
    assert.deepStrictEqual(modelRefFor('http://127.0.0.1:9/v1#m', settings), {
      baseUrl: 'http://127.0.0.1:9/v1',
      model: 'm',
    });
    assert.deepStrictEqual(modelRefFor('local:/x.gguf', settings), { baseUrl: 'local:', model: '/x.gguf' });
    assert.deepStrictEqual(modelRefFor('local:', settings), { baseUrl: 'local:', model: '/models/m.gguf' });
    const doc = { format: 'prompt.yml', model: 'doc-model' } as PromptDocument;
    assert.strictEqual(modelSpecFor('target', doc, {}, settings), 'doc-model');
    assert.strictEqual(modelSpecFor('target', doc, { models: { target: 'sidecar-model' } }, settings), 'sidecar-model');
    assert.strictEqual(modelSpecFor('judge', doc, {}, settings), 'gpt-4o');
    assert.strictEqual(modelSpecFor('scorer', doc, {}, settings), 'doc-model');
    const withParams = { format: 'prompt.yml', modelParameters: { maxTokens: 5, temperature: 0, topP: 1 } };
    assert.deepStrictEqual(fileRequestFields(withParams as unknown as PromptDocument).fields, {
      max_tokens: 5,
      temperature: 0,
      top_p: 1,
    });
  });

  test('typo suggestions count a swap as one edit and refuse far-off words', () => {
    assert.strictEqual(editDistance('modle', 'model'), 1);
    assert.strictEqual(closestName('modle', ['name', 'model', 'messages']), 'model');
    assert.strictEqual(closestName('tesData', ['testData', 'messages']), 'testData');
    assert.strictEqual(closestName('banana', ['model', 'messages']), undefined);
  });

  test('YAML edits: block extent, declaring an input, adding a column', () => {
    const lines = ['a:', '  b: 1', '', '  c:', '    d: 2', 'e: 3'];
    assert.deepStrictEqual(yamlBlockLines(lines, 0), [0, 4]);
    assert.deepStrictEqual(declareInputEdit('---\nname: x\n---\nbody {{q}}\n', 'q'), {
      offset: 12,
      insert: 'inputs:\n  q:\n    type: string\n',
    });
    const seq = declareInputEdit('---\ninputs:\n  - name: a\n    kind: string\n---\n', 'b')!;
    assert.strictEqual(seq.insert, '  - name: b\n    kind: string\n');
    const rows = ['testData:', '  - text: a', '    expected: x', '  - text: b', 'evaluators: []'];
    assert.deepStrictEqual(
      addColumnEdits(
        rows,
        [
          { vars: { text: 'a' }, line: 2 },
          { vars: { text: 'b', mood: 'm' }, line: 4 },
        ],
        'mood',
      ),
      [{ line: 3, text: '    mood: ""' }],
    );
  });

  test('message cost: tokens × input price per model, unknown prices said plainly', () => {
    const text = messageCostText('system', 1000, ['gpt-4o-mini', 'sim-model', 'gpt-4o-mini']);
    assert.match(text, /\*\*1,000\*\* tokens/);
    assert.match(text, /`gpt-4o-mini` \| \$0\.000150 per call/);
    assert.match(text, /`sim-model` \| price unknown/);
    assert.strictEqual(text.match(/gpt-4o-mini/g)?.length, 1);
  });

  test('accepting a suggestion rewrites only the region, and refuses when the region changed', () => {
    const text = 'name: t\nmessages:\n  - role: system\n    content: Be brief.\n  - role: user\n    content: "{{q}}"\n';
    const applied = applySuggestionText('/w/t.prompt.yml', text, {
      prompt: 'Be brief and exact.',
      originalRegion: 'Be brief.',
    });
    assert.strictEqual(applied.text, text.replace('Be brief.', 'Be brief and exact.'));
    const edit = minimalEdit(text, applied.text!);
    assert.deepStrictEqual(edit, {
      start: text.indexOf('Be brief.') + 'Be brief'.length,
      end: text.indexOf('Be brief.') + 'Be brief'.length,
      text: ' and exact',
    });
    assert.match(
      applySuggestionText('/w/t.prompt.yml', text, { prompt: 'x', originalRegion: 'Something else.' }).problem ?? '',
      /changed since the run started/,
    );
  });

  test("inline suggestion: word changes are placed in the file through a block scalar's indentation", () => {
    const file =
      'messages:\n  - role: system\n    content: |\n      You classify reviews.\n      Answer in one word.\n';
    const start = file.indexOf('You');
    const source = file.slice(start, file.length - 1);
    const decoded = 'You classify reviews.\nAnswer in one word.';
    assert.strictEqual(alignDecoded(decoded, source, start)?.[decoded.indexOf('Answer')], file.indexOf('Answer'));
    const parts = inlineDiffParts(
      decoded,
      source,
      start,
      'You classify product reviews.\nAnswer in one lowercase word.',
    )!;
    assert.deepStrictEqual(parts, [
      { kind: 'added', span: { start: file.indexOf('reviews.'), end: file.indexOf('reviews.') }, text: 'product ' },
      { kind: 'added', span: { start: file.indexOf('word.'), end: file.indexOf('word.') }, text: 'lowercase ' },
    ]);
    const swap = inlineDiffParts('Be brief.', '"Be brief."', 10, 'Be precise.')!;
    assert.deepStrictEqual(swap, [
      { kind: 'removed', span: { start: 14, end: 19 }, text: 'brief' },
      { kind: 'added', span: { start: 19, end: 19 }, text: 'precise' },
    ]);
    assert.strictEqual(alignDecoded('abc', 'xyz', 0), undefined);
    // A new line after the region's final line break: a marker on the last line, not text glued to its end.
    const tail = inlineDiffParts(`${decoded}\n`, `${source}\n`, start, `${decoded}\nBe exact.\n`)!;
    assert.deepStrictEqual(
      tail.map((p) => [p.kind, p.span.start, p.text]),
      [['addedLines', file.indexOf('word.') + 'word.'.length, 'Be exact.']],
    );
  });

  test('Restricted Mode: job and test commands refuse before doing anything', async () => {
    const api = await activateWhetstone();
    const uri = writeWorkspaceFile(
      'host-trust/t.prompt.yml',
      'messages:\n  - role: user\n    content: "Say {{x}}"\ntestData:\n  - x: one\n    expected: one\n',
    );
    const gate = api.context.trust;
    const original = { isTrusted: gate.isTrusted, require: gate.require };
    const asked: string[] = [];
    gate.isTrusted = () => false;
    gate.require = (action: string) => {
      asked.push(action);
      return false;
    };
    try {
      const jobsBefore = api.context.jobs.list().length;
      assert.strictEqual(await vscode.commands.executeCommand('whetstone.optimize', uri, { method: 'apo' }), undefined);
      assert.strictEqual(await vscode.commands.executeCommand('whetstone.runTests', uri), undefined);
      assert.strictEqual(api.context.jobs.list().length, jobsBefore);
      assert.deepStrictEqual(asked, ['Optimizing a prompt', 'Running prompt tests']);
      // Language features keep working.
      const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>(
        'vscode.executeDocumentSymbolProvider',
        uri,
      );
      assert.ok(symbols.length > 0);
    } finally {
      Object.assign(gate, original);
    }
  });
});
