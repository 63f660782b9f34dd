/**
 * .prompt.yml templating as gh-models does it: github/gh-models pkg/prompt/prompt.go `TemplateString` (exact
 * `{{key}}` replacement, `fmt.Sprintf("%v")` for non-strings), `GetAzureChatMessageRole` (roles case-insensitive) and
 * cmd/eval/eval.go `templateMessages` (each message rendered with the row; a missing key leaves the text as written).
 */
import { strict as assert } from 'node:assert';
import { renderTemplate, extractVariables } from '../../../src/core/template';
import { goValueString } from '../../../src/core/template/go-format';
import { parsePromptFile, renderMessagesWithReport } from '../../../src/core/documents';

const gh = (text: string, vars: Record<string, unknown>) => renderTemplate(text, vars, 'gh-models');

describe('gh-models templating (pkg/prompt/prompt.go TemplateString)', () => {
  it('replaces only an exact {{key}}; spaced, dotted, filtered and tag forms are sent as written', () => {
    const vars = { name: 'Ada', user: { id: 1 } };
    assert.equal(gh('Hi {{name}}', vars).text, 'Hi Ada');
    assert.equal(gh('Hi {{ name }}', vars).text, 'Hi {{ name }}');
    assert.equal(gh('{{user.id}}', vars).text, '{{user.id}}');
    assert.equal(gh('{{name|upper}}', vars).text, '{{name|upper}}');
    assert.equal(gh('{% if name %}x{% endif %}', vars).text, '{% if name %}x{% endif %}');
  });

  it('a key spelled with a dot or spaces is a key like any other', () => {
    assert.equal(gh('{{a.b}} {{ c }}', { 'a.b': 'dot', ' c ': 'spaced' }).text, 'dot spaced');
  });

  it('{{{x}}} holds {{x}}: it becomes {value}', () => {
    assert.equal(gh('{{{x}}}', { x: 'v' }).text, '{v}');
  });

  it('a missing key leaves {{x}} as written and is reported', () => {
    const r = gh('A {{x}} B {{y}}', { y: 1 });
    assert.equal(r.text, 'A {{x}} B 1');
    assert.deepEqual(r.missing, ['x']);
  });

  it('every occurrence is replaced; a value is not read again as a template', () => {
    assert.equal(gh('{{a}}{{a}}', { a: 'x' }).text, 'xx');
    assert.equal(gh('{{a}} {{b}}', { a: '{{b}}', b: 'B' }).text, '{{b}} B');
  });

  it("formats values as Go's %v: lists, maps, nil, numbers, booleans", () => {
    assert.equal(gh('{{v}}', { v: ['a', 'b', 3] }).text, '[a b 3]');
    assert.equal(gh('{{v}}', { v: { b: 1, a: 'x' } }).text, 'map[a:x b:1]');
    assert.equal(gh('{{v}}', { v: null }).text, '<nil>');
    assert.equal(gh('{{v}}', { v: true }).text, 'true');
    assert.equal(gh('{{v}}', { v: 42 }).text, '42');
    assert.equal(gh('{{v}}', { v: 1.5 }).text, '1.5');
    assert.equal(gh('{{v}}', { v: [[1, null], { k: [true] }] }).text, '[[1 <nil>] map[k:[true]]]');
  });

  it("formats float64 as strconv 'g' shortest: exponent below 1e-4 and from 1e21 (beyond int64)", () => {
    assert.equal(goValueString(0.0001), '0.0001');
    assert.equal(goValueString(0.000015), '1.5e-05');
    assert.equal(goValueString(1234567.5), '1.2345675e+06');
    assert.equal(goValueString(1e21), '1e+21');
    assert.equal(goValueString(-2.25), '-2.25');
  });

  it('finds exact {{key}} references as the variables of a .prompt.yml', () => {
    const refs = extractVariables('{{a}} {{ b }} {{c.d}} {{e|f}}', 'gh-models');
    assert.deepEqual(
      refs.map((r) => r.name),
      ['a', 'c.d'],
    );
  });
});

describe('gh-models messages (cmd/eval/eval.go templateMessages, GetAzureChatMessageRole)', () => {
  const file = `messages:
  - role: System
    content: Be {{tone}}.
  - role: USER
    content: "{{input}} and {{missing}}"
testData:
  - input: hi
    tone: kind
`;

  it('reads roles case-insensitively: no warning, sent in lower case', () => {
    const doc = parsePromptFile('t.prompt.yml', file);
    assert.deepEqual(
      doc.diagnostics.filter((d) => d.code === 'unknown-role'),
      [],
    );
    const r = renderMessagesWithReport(doc, doc.optimizable!.text, doc.testData[0].vars);
    assert.deepEqual(r.messages, [
      { role: 'system', content: 'Be kind.' },
      { role: 'user', content: 'hi and {{missing}}' },
    ]);
    assert.deepEqual(r.missing, ['missing']);
    assert.equal(doc.optimizable?.messageIndex, 0, 'a "System" message is the system region');
  });

  it('warns about a role gh refuses, and about a row that lacks a variable', () => {
    const doc = parsePromptFile(
      't.prompt.yml',
      'messages:\n  - role: developer\n    content: "{{x}}"\ntestData:\n  - y: 1\n',
    );
    const codes = doc.diagnostics.map((d) => `${d.severity} ${d.code}`);
    assert.deepEqual(codes.sort(), ['warning missing-column', 'warning unknown-role']);
    assert.match(
      doc.diagnostics.find((d) => d.code === 'missing-column')!.message,
      /^\{\{x\}\} has no value in the only test row: gh models sends the text \{\{x\}\} to the model as written$/,
    );
  });
});

describe('unknown top-level keys (gh-models ignores them: yaml.Unmarshal into pkg/prompt/prompt.go File)', () => {
  it('custom data is a note; a near miss of a known key is a warning', () => {
    const doc = parsePromptFile('k.prompt.yml', 'owner: me\nmodle: gpt\nmessages:\n  - role: user\n    content: hi\n');
    assert.deepEqual(
      doc.diagnostics.map((d) => [d.line, d.severity, d.code]),
      [
        [1, 'info', 'unknown-field'],
        [2, 'warning', 'unknown-field'],
      ],
    );
  });
});
