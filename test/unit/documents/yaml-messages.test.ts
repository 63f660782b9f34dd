import { strict as assert } from 'node:assert';
import { parseDocument } from 'yaml';
import { parsePromptFile } from '../../../src/core/documents';
import { parseYamlRows } from '../../../src/core/data/parse-yaml-rows';
import { plainYamlMessage } from '../../../src/core/documents/yaml-messages';

const HEAD = 'name: Reviews\nmodel: openai/gpt-4o-mini\n';

/** One broken prompt file per library error code (and per message variant that gets its own sentence). */
const CASES: { code: string; text: string; line: number; says: RegExp }[] = [
  {
    code: 'MISSING_CHAR',
    text: `${HEAD}messages:\n  - role: system\n    content: Label the review.\nthis line lost its indentation\n`,
    line: 6,
    says: /^This line is indented less than the text above it, so it is not part of that text/,
  },
  {
    code: 'MISSING_CHAR',
    text: `${HEAD}messages:\n  - role: system\n    content: |\n      Label the review.\n   One word only.\n`,
    line: 7,
    says: /^This line is indented less than the text above it, so it is read as a new list item, but it has no `- `/,
  },
  {
    code: 'MISSING_CHAR',
    text: `${HEAD}messages:\n  - role: system\n    content: "Label the review.\n`,
    line: 5,
    says: /^This quoted text has no closing "\. Add one where the text ends\.$/,
  },
  {
    code: 'MISSING_CHAR',
    text: `${HEAD}description: "Sentiment"# labels\nmessages: []\n`,
    line: 3,
    says: /^A `#` starts a comment only after a space/,
  },
  {
    code: 'BAD_INDENT',
    text: `${HEAD}modelParameters:\n    temperature: 0\n  maxTokens: 5\nmessages: []\n`,
    line: 5,
    says: /^Every key in this block must start in the same column/,
  },
  {
    code: 'BAD_INDENT',
    text: `${HEAD}modelParameters: {temperature: 0\nmessages: []\n`,
    line: 4,
    says: /^A \{ opened above is never closed\. End it with `\}`/,
  },
  {
    code: 'BLOCK_AS_IMPLICIT_KEY',
    text: `${HEAD}messages:\n  - role: system\n    content: Answer: one word\n`,
    line: 5,
    says: /^This line has a second `: ` after its key, which YAML cannot read\. Put the value in quotes/,
  },
  {
    code: 'MULTILINE_IMPLICIT_KEY',
    text: `${HEAD}description\nmessages: []\n`,
    line: 3,
    says: /^A key must fit on one line, and this one runs onto the next/,
  },
  {
    code: 'KEY_OVER_1024_CHARS',
    text: `${HEAD}${'x'.repeat(1100)}: 1\nmessages: []\n`,
    line: 3,
    says: /^This key is longer than 1024 characters/,
  },
  {
    code: 'DUPLICATE_KEY',
    text: `${HEAD}name: Again\nmessages: []\n`,
    line: 3,
    says: /^This key appears twice in the same block/,
  },
  {
    code: 'TAB_AS_INDENT',
    text: `${HEAD}modelParameters:\n\ttemperature: 0\nmessages: []\n`,
    line: 4,
    says: /^This line is indented with a tab; YAML allows only spaces/,
  },
  {
    code: 'BAD_DQ_ESCAPE',
    text: `${HEAD}description: "C:\\q"\nmessages: []\n`,
    line: 3,
    says: /^`\\q` is not a valid escape inside double quotes/,
  },
  {
    code: 'BAD_SCALAR_START',
    text: `${HEAD}description: @reviews\nmessages: []\n`,
    line: 3,
    says: /^A value cannot start with `@` unless it is in quotes/,
  },
  {
    code: 'BAD_SCALAR_START',
    text: `${HEAD}tags: [ |\n  x\n]\nmessages: []\n`,
    line: 3,
    says: /^A `\|` or `>` block cannot go inside \[ \] or \{ \}/,
  },
  {
    code: 'UNEXPECTED_TOKEN',
    text: `${HEAD}description: "Reviews" and more\nmessages: []\n`,
    line: 3,
    says: /^There is more text after the value on this line/,
  },
  {
    code: 'UNEXPECTED_TOKEN',
    text: `${HEAD}messages:\n  - role: system\n    content: |x\n      Label it.\n`,
    line: 5,
    says: /^After `\|` or `>` only/,
  },
  {
    code: 'UNEXPECTED_TOKEN',
    text: `${HEAD}messages: - role: system\n`,
    line: 3,
    says: /^A list item \(`- `\) cannot start on the same line as its key/,
  },
  {
    code: 'UNEXPECTED_TOKEN',
    text: `${HEAD}description: ]\nmessages: []\n`,
    line: 3,
    says: /^This `\]` closes nothing/,
  },
  {
    code: 'BAD_ALIAS',
    text: `${HEAD}description: *\nmessages: []\n`,
    line: 3,
    says: /^This `\*alias` or `&anchor` has no name/,
  },
  {
    code: 'MULTIPLE_ANCHORS',
    text: `${HEAD}description: &a &b x\nmessages: []\n`,
    line: 3,
    says: /^A value can have only one `&anchor`/,
  },
  {
    code: 'MULTIPLE_TAGS',
    text: `${HEAD}description: !!str !!str x\nmessages: []\n`,
    line: 3,
    says: /^A value can have only one `!tag`/,
  },
  {
    code: 'TAG_RESOLVE_FAILED',
    text: `${HEAD}description: !important x\nmessages: []\n`,
    line: 3,
    says: /^YAML does not know the tag `!important`\. Quote the value/,
  },
  {
    code: 'MULTIPLE_DOCS',
    text: `${HEAD}messages: []\n---\nname: Second\n`,
    line: 4,
    says: /^A `---` line starts a second YAML document here/,
  },
];

describe('YAML problems in plain words (each library code, from a broken file)', () => {
  for (const c of CASES) {
    it(`${c.code}: ${c.says.source.slice(1, 60)}`, () => {
      const parsed = parseDocument(c.text, { prettyErrors: false, uniqueKeys: true });
      const library = [...parsed.errors, ...parsed.warnings].map((e) => e.code);
      assert.ok(library.includes(c.code as never), `the fixture triggers ${c.code} (got ${library.join(', ')})`);
      const doc = parsePromptFile('broken.prompt.yml', c.text);
      const syntax = doc.diagnostics.filter((d) => d.code === 'yaml-syntax' || d.code === 'yaml-warning');
      const hit = syntax.find((d) => c.says.test(d.message));
      assert.ok(hit, syntax.map((d) => `${d.line}: ${d.message}`).join('\n'));
      assert.equal(hit.file, 'broken.prompt.yml');
      assert.equal(hit.line, c.line);
      assert.ok(hit.column >= 1);
      // None of the library's own vocabulary reaches the user.
      for (const d of syntax)
        assert.doesNotMatch(d.message, /implicit|flow (sequence|map)|block scalar|indicator|YAML\.parse/i);
    });
  }

  it('covers every code the library can report, with a sentence of its own', () => {
    const codes = [
      'ALIAS_PROPS',
      'BAD_ALIAS',
      'BAD_DIRECTIVE',
      'BAD_DQ_ESCAPE',
      'BAD_INDENT',
      'BAD_PROP_ORDER',
      'BAD_SCALAR_START',
      'BLOCK_AS_IMPLICIT_KEY',
      'BLOCK_IN_FLOW',
      'DUPLICATE_KEY',
      'KEY_OVER_1024_CHARS',
      'MISSING_CHAR',
      'MULTILINE_IMPLICIT_KEY',
      'MULTIPLE_ANCHORS',
      'MULTIPLE_DOCS',
      'MULTIPLE_TAGS',
      'NON_STRING_KEY',
      'RESOURCE_EXHAUSTION',
      'TAB_AS_INDENT',
      'TAG_RESOLVE_FAILED',
      'UNEXPECTED_TOKEN',
      'BAD_COLLECTION_TYPE',
    ];
    for (const code of codes) {
      assert.doesNotMatch(plainYamlMessage({ code, message: 'some library words' }), /some library words/, code);
    }
    // A code the library adds later keeps its words, marked as YAML's.
    assert.equal(
      plainYamlMessage({ code: 'NEW_CODE', message: 'Odd thing\nat line 2' }),
      'YAML cannot read this: Odd thing',
    );
  });

  it('uses the same sentences for a dataset file, at the row line', () => {
    const parsed = parseYamlRows('- review: fine\n  expected: positive\n- review: "broken\n');
    assert.equal(parsed.problems.length, 1);
    assert.equal(parsed.problems[0].line, 3);
    assert.match(parsed.problems[0].message, /^This quoted text has no closing "/);
  });
});
