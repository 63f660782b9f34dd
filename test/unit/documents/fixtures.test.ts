/** Our own fixtures per format, broken ones included: fields, spans, settings, diagnostics with the right line. */
import { strict as assert } from 'node:assert';
import {
  mergeSettings,
  parsePromptFile,
  parseSidecar,
  renderMessages,
  replaceMessageContent,
  replaceOptimizableRegion,
  serialize,
  sidecarPathFor,
  type PromptDocument,
} from '../../../src/core/documents';
import { fixture } from './corpus';

function load(name: string): PromptDocument {
  const f = fixture(name);
  return parsePromptFile(f.file, f.text);
}

const at = (doc: PromptDocument, code: string) => doc.diagnostics.filter((d) => d.code === code);

describe('documents: prompt.yml fixtures', () => {
  const doc = load('review-triage.prompt.yml');

  it('reads fields, messages with spans, testData rows and raw evaluators', () => {
    assert.equal(doc.format, 'prompt.yml');
    assert.equal(doc.name, 'Review triage');
    assert.equal(doc.model, 'openai/gpt-4o-mini');
    assert.deepEqual(doc.modelParameters, { temperature: 0.2 });
    assert.deepEqual(
      doc.messages.map((m) => m.role),
      ['system', 'user'],
    );
    assert.equal(doc.messages[1].content, 'Review: {{review}}');
    assert.equal(
      doc.text.slice(doc.messages[1].contentSpan.start, doc.messages[1].contentSpan.end),
      "'Review: {{review}}'",
    );
    assert.deepEqual(
      doc.variables.map((v) => v.name),
      ['review'],
    );
    assert.equal(doc.testData.length, 2);
    assert.deepEqual(doc.testData[0], {
      vars: { review: 'I love it, works great.', expected: 'positive' },
      expected: 'positive',
      line: 15,
    });
    assert.deepEqual(doc.rawEvaluators, [{ name: 'exact label', string: { equals: '{{expected}}' } }]);
    assert.ok(doc.evaluatorsSpan && doc.testDataSpan);
    assert.equal(serialize(doc), doc.text);
  });

  it('defaults the optimizable region to the system message and notes unknown top-level fields', () => {
    assert.equal(doc.optimizable?.kind, 'message');
    assert.equal(doc.optimizable?.messageIndex, 0);
    assert.equal(
      doc.optimizable?.text,
      'You label product reviews.\nAnswer with one word: positive, negative or mixed.\n',
    );
    const unknown = at(doc, 'unknown-field');
    assert.equal(unknown.length, 1);
    assert.equal(unknown[0].line, 23);
    // gh-models ignores unknown keys (yaml.Unmarshal into pkg/prompt/prompt.go File): a note, not a warning.
    assert.equal(unknown[0].severity, 'info');
  });

  it('replaces the block scalar keeping its indentation, and adjusts chomping when the text needs it', () => {
    const out = replaceOptimizableRegion(doc, 'Label the review.\nOne word only.');
    assert.ok(out.includes('    content: |-\n      Label the review.\n      One word only.\n  - role: user'));
    assert.equal(parsePromptFile(doc.file, out).optimizable?.text, 'Label the review.\nOne word only.');
    const user = replaceMessageContent(doc, 1, "Review (it's short): {{review}}");
    assert.ok(user.includes("content: 'Review (it''s short): {{review}}'"));
    const multi = replaceMessageContent(doc, 1, 'Review:\n{{review}}');
    assert.equal(parsePromptFile(doc.file, multi).messages[1].content, 'Review:\n{{review}}');
  });

  it('renders messages with the candidate region and the row variables', () => {
    assert.deepEqual(renderMessages(doc, 'Be terse.', doc.testData[1].vars), [
      { role: 'system', content: 'Be terse.' },
      { role: 'user', content: 'Review: Broke after a day.' },
    ]);
  });

  it('warns once, at the variable, when testData rows lack a value for it, saying how many rows', () => {
    const d = parsePromptFile(
      'm.prompt.yml',
      'messages:\n  - role: user\n    content: "{{a}} {{b}}"\ntestData:\n  - a: 1\n    b: 2\n  - a: 3\n',
    );
    assert.deepEqual(
      at(d, 'missing-column').map((x) => [x.line, x.column, x.endColumn, x.message]),
      [
        [
          3,
          21,
          26,
          '{{b}} has no value in 1 of 2 test rows (row 2): gh models sends the text {{b}} to the model as written in that row',
        ],
      ],
    );
  });

  it('a variable no row has: one warning, not one per row', () => {
    const rows = Array.from({ length: 24 }, (_, i) => `  - text: review ${i}\n`).join('');
    const d = parsePromptFile(
      'm.prompt.yml',
      `messages:\n  - role: system\n    content: Label it.\n  - role: user\n    content: "{{text}} {{review}} {{review}}"\ntestData:\n${rows}`,
    );
    assert.deepEqual(
      at(d, 'missing-column').map((x) => [x.line, x.message]),
      [
        [
          5,
          '{{review}} has no value in 24 of 24 test rows: gh models sends the text {{review}} to the model as written',
        ],
      ],
    );
  });

  it('names at most five rows that lack a variable', () => {
    const rows = Array.from({ length: 10 }, (_, i) => (i % 3 === 0 ? `  - a: ${i}\n    b: x\n` : `  - a: ${i}\n`));
    const d = parsePromptFile(
      'm.prompt.yml',
      `messages:\n  - role: user\n    content: "{{a}} {{b}}"\ntestData:\n${rows.join('')}`,
    );
    assert.match(
      at(d, 'missing-column')[0].message,
      /^\{\{b\}\} has no value in 6 of 10 test rows \(rows 2, 3, 5, 6, 8 and 1 more\):/,
    );
  });

  it('reports malformed YAML at the line where the problem is, and never throws', () => {
    const broken = load('broken.prompt.yml');
    const syntax = at(broken, 'yaml-syntax');
    assert.ok(syntax.length >= 1);
    assert.equal(syntax[0].line, 4);
    assert.equal(syntax[0].severity, 'error');
    assert.match(syntax[0].message, /^This quoted text has no closing "\./);
    const notAMap = parsePromptFile('x.prompt.yml', '- just\n- a list\n');
    assert.equal(at(notAMap, 'not-a-prompt').length, 1);
    const badMessages = parsePromptFile('x.prompt.yml', 'messages:\n  - role: system\n  - content: hi\n  - 3\n');
    assert.deepEqual(
      at(badMessages, 'invalid-messages').map((d) => d.line),
      [2, 3, 4],
    );
  });
});

describe('documents: YAML scalar edge cases', () => {
  const edit = (text: string, t: string, index = 0) =>
    replaceMessageContent(parsePromptFile('e.prompt.yml', text), index, t);

  it("keeps a block header comment and an explicit indentation indicator's base indentation", () => {
    assert.equal(
      edit('messages:\n  - role: system\n    content: |  # note\n      Be nice.\n', 'A\nB'),
      'messages:\n  - role: system\n    content: |-  # note\n      A\n      B\n',
    );
    assert.equal(
      edit('messages:\n  - role: system\n    content: |2\n        more\n      base\n', 'x\n'),
      'messages:\n  - role: system\n    content: |\n      x\n',
    );
  });

  it('uses double quotes inside flow collections and before a trailing comment', () => {
    assert.equal(
      edit('messages: [{role: system, content: "Be nice."}]\n', 'A\nB'),
      'messages: [{role: system, content: "A\\nB"}]\n',
    );
    assert.equal(
      edit('messages:\n  - role: system\n    content: Be nice.   # c\n', 'A\nB'),
      'messages:\n  - role: system\n    content: "A\\nB"   # c\n',
    );
  });

  it('keeps plain scalars plain when the text allows it, quoting when it would change type or meaning', () => {
    const text = 'messages:\n  - role: system\n    content: Be nice.\n';
    assert.equal(edit(text, 'Be kind.'), 'messages:\n  - role: system\n    content: Be kind.\n');
    assert.equal(edit(text, 'true'), "messages:\n  - role: system\n    content: 'true'\n");
    assert.equal(edit(text, '- dash: colon'), "messages:\n  - role: system\n    content: '- dash: colon'\n");
  });

  it('reads `content: *alias` (rewriting the anchored text changes both)', () => {
    const doc = parsePromptFile(
      'a.prompt.yml',
      'messages:\n  - role: system\n    content: &s Hi\n  - role: user\n    content: *s\n',
    );
    assert.deepEqual(
      doc.messages.map((m) => m.content),
      ['Hi', 'Hi'],
    );
    assert.throws(() => replaceMessageContent(doc, 1, 'x'), /could not find the YAML scalar/);
  });
});

describe('documents: prompty fixtures', () => {
  it('reads v2 front matter: model, typed inputs (list shape) and metadata.whetstone settings', () => {
    const doc = load('summarize.prompty');
    assert.equal(doc.format, 'prompty');
    assert.equal(doc.model, 'gpt-4o-mini');
    assert.deepEqual(doc.modelParameters, { temperature: 0.3 });
    assert.deepEqual(
      doc.declaredVariables.map((d) => [d.name, d.type, d.sample]),
      [
        ['article', 'string', 'The city council met on Tuesday.'],
        ['audience', 'string', 'general readers'],
      ],
    );
    assert.deepEqual(doc.settings, {
      method: 'apo',
      dataset: 'data/articles.jsonl',
      split: { validation: 0.25, seed: 7 },
      budget: { calls: 200, usd: 1.5 },
      protected: ['Summary:'],
    });
    assert.deepEqual(
      doc.messages.map((m) => m.role),
      ['system', 'user'],
    );
    assert.ok(doc.messages[0].content.includes('{% if audience == "children" %}'), 'Jinja control flow kept verbatim');
    assert.deepEqual(doc.diagnostics, []);
    assert.equal(doc.optimizable?.kind, 'message');
    const rendered = renderMessages(doc, doc.optimizable!.text, { audience: 'children', article: 'Text.' });
    assert.match(rendered[0].content, /Use short words/);
    assert.equal(rendered[1].content, 'Text.');
  });

  it('reads v1 inputs (map with type, sample) and `# System:` / `User:` role lines; warns on undeclared and unused', () => {
    const doc = load('legacy.prompty');
    assert.equal(doc.model, 'gpt-35-turbo');
    assert.deepEqual(
      doc.messages.map((m) => [m.role, m.content]),
      [
        ['system', 'You answer camping questions.\nUse {{context}} when it helps.'],
        ['user', '{{question}}'],
      ],
    );
    assert.equal(doc.declaredVariables[0].sample, 'What is a tent footprint?');
    const undeclared = at(doc, 'undeclared-variable');
    assert.deepEqual(
      undeclared.map((d) => [d.line, d.message]),
      [[20, 'variable {{context}} is not declared in inputs']],
    );
    assert.deepEqual(
      at(doc, 'unused-variable').map((d) => d.line),
      [13],
    );
  });

  it('reports a front-matter YAML error at its line in the whole file', () => {
    const doc = load('broken.prompty');
    const syntax = at(doc, 'yaml-syntax');
    assert.equal(syntax[0].line, 3);
    assert.equal(syntax[0].column, 14);
    assert.deepEqual(
      doc.messages.map((m) => m.content),
      ['Hello.'],
    );
    const unclosed = parsePromptFile('u.prompty', '---\nname: x\nsystem:\nhi\n');
    assert.equal(at(unclosed, 'unclosed-front-matter')[0].line, 1);
  });

  it('keeps CRLF: decoded text uses LF, replacement writes CRLF', () => {
    const doc = load('crlf.prompty');
    assert.equal(doc.messages[0].content, 'Be brief.');
    const out = replaceOptimizableRegion(doc, 'Be brief.\nBe kind.');
    assert.equal(out, '---\r\nname: crlf\r\n---\r\nsystem:\r\nBe brief.\r\nBe kind.\r\n\r\nuser:\r\n{{q}}\r\n');
  });

  it('treats a body without role lines as one system message (the body) and honours settings.region', () => {
    const doc = parsePromptFile('b.prompty', '---\nname: b\n---\nYou help with {{task}}.\n');
    assert.equal(doc.body?.text, 'You help with {{task}}.');
    assert.deepEqual(
      doc.messages.map((m) => m.role),
      ['system'],
    );
    assert.equal(doc.optimizable?.kind, 'body');
    const chat = parsePromptFile(
      'c.prompty',
      '---\nmetadata:\n  whetstone:\n    region: user\n---\nsystem:\nA\nuser:\nB\n',
    );
    assert.equal(chat.optimizable?.text, 'B');
    const wrong = parsePromptFile(
      'c.prompty',
      '---\nmetadata:\n  whetstone:\n    region: message:9\n---\nsystem:\nA\n',
    );
    assert.equal(wrong.optimizable?.text, 'A');
    assert.equal(at(wrong, 'invalid-region').length, 1);
  });

  it('refuses to write a candidate that would add a role line', () => {
    const doc = load('crlf.prompty');
    assert.throws(() => replaceOptimizableRegion(doc, 'Be brief.\nuser:\nHi'), /role line/);
  });
});

describe('documents: prompt.md fixtures', () => {
  const doc = load('code-review.prompt.md');

  it('reads the header, the body as one user message, and ${input:} variables (not built-ins)', () => {
    assert.equal(doc.format, 'prompt.md');
    assert.equal(doc.description, 'Review the selected code');
    assert.deepEqual(doc.frontMatter?.data.tools, ['fetch', 'search']);
    assert.deepEqual(
      doc.variables.map((v) => [v.name, v.placeholder]),
      [
        ['focus', 'security issues'],
        ['docsUrl', undefined],
      ],
    );
    assert.equal(doc.messages.length, 1);
    assert.equal(doc.messages[0].role, 'user');
    assert.ok(doc.body?.text.startsWith('Review ${selection}'));
    assert.equal(doc.optimizable?.kind, 'body');
    assert.deepEqual(doc.declaredVariables, []);
    assert.deepEqual(doc.diagnostics, []);
  });

  it('replaces the body only, keeping the header and the final newline', () => {
    const out = replaceOptimizableRegion(doc, 'Review ${selection}.\n');
    assert.equal(out, doc.text.slice(0, doc.optimizable!.span.start) + 'Review ${selection}.\n');
  });

  it('warns about header fields VS Code does not know', () => {
    const d = parsePromptFile('x.prompt.md', '---\ndescription: d\nwhetstone: {method: apo}\n---\nBody\n');
    assert.deepEqual(
      at(d, 'unknown-field').map((x) => x.line),
      [3],
    );
  });
});

describe('documents: sidecar', () => {
  it('maps prompt files to their sidecar path', () => {
    assert.equal(sidecarPathFor('a/b/x.prompt.yml'), 'a/b/x.whetstone.yaml');
    assert.equal(sidecarPathFor('x.prompt.yaml'), 'x.whetstone.yaml');
    assert.equal(sidecarPathFor('x.prompty'), 'x.whetstone.yaml');
    assert.equal(sidecarPathFor('.github/prompts/x.prompt.md'), '.github/prompts/x.whetstone.yaml');
  });

  it('reads every key', () => {
    const f = fixture('code-review.whetstone.yaml');
    const { settings, diagnostics } = parseSidecar(f.file, f.text);
    assert.deepEqual(diagnostics, []);
    assert.equal(settings.dataset, 'data/snippets.jsonl');
    assert.deepEqual(settings.rows?.[0].expected, 'infinite loop');
    assert.deepEqual(settings.split, { validation: 0.2, seed: 42 });
    assert.deepEqual(settings.rawEvaluators, [{ name: 'mentions loop', string: { contains: 'loop' } }]);
    assert.equal(settings.requirements, 'Point out real bugs only.\n');
    assert.equal(settings.method, 'spo');
    assert.deepEqual(settings.models, { target: 'gpt-4o-mini', optimizer: 'gpt-4.1', judge: 'gpt-4.1-mini' });
    assert.deepEqual(settings.budget, { calls: 100, seconds: 600 });
    assert.deepEqual(settings.protected, ['/#tool:\\w+/']);
    assert.equal(settings.region, 'body');
    assert.deepEqual(settings.params, { rounds: 3 });
  });

  it('names file:line for every bad value and unknown key', () => {
    const f = fixture('bad.whetstone.yaml');
    const { diagnostics } = parseSidecar(f.file, f.text);
    const byLine = diagnostics.map((d) => `${d.line}:${d.severity}:${d.code}`).sort();
    assert.deepEqual(
      byLine,
      [
        '1:error:invalid-setting',
        '3:error:invalid-setting',
        '4:warning:unknown-setting',
        '5:error:invalid-setting',
        '6:warning:unknown-setting',
        '7:error:invalid-setting',
        '8:error:yaml-syntax',
      ].sort(),
    );
    assert.ok(diagnostics.every((d) => d.file === 'bad.whetstone.yaml'));
  });

  it('merges over in-file settings (sidecar wins) and re-chooses the region', () => {
    const doc = load('summarize.prompty');
    const merged = mergeSettings(doc, { method: 'pmpo', budget: { calls: 50 }, region: 'user' });
    assert.equal(merged.settings.method, 'pmpo');
    assert.deepEqual(merged.settings.budget, { calls: 50, usd: 1.5 });
    assert.equal(merged.settings.dataset, 'data/articles.jsonl');
    assert.equal(merged.optimizable?.text, '{{article}}');
    assert.equal(doc.settings.method, 'apo', 'the original document is not changed');
  });
});
