import * as assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadDataset, rowsFromTestData, checkDatasetColumns } from '../../../src/core/data';
import { nodeFileSystem } from '../../../src/core/node-file-system';
import { loadPrompt } from '../../../src/core/project/load-prompt';

const fixtures = path.join(__dirname, '../../fixtures/data');

describe('loadDataset', () => {
  let tmp: string;
  before(async () => {
    tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'whetstone-data-'));
  });
  after(async () => {
    await fsp.rm(tmp, { recursive: true, force: true });
  });
  const write = async (name: string, text: string) => {
    const file = path.join(tmp, name);
    await fsp.writeFile(file, text);
    return file;
  };

  it('reads JSONL row shapes, keeps good lines and reports a bad line with its number', async () => {
    const file = path.join(fixtures, 'mixed.jsonl');
    const { rows, diagnostics } = await loadDataset(file, nodeFileSystem);
    assert.equal(rows.length, 5);
    assert.deepEqual(rows[0], { vars: { text: 'I love it' }, expected: 'positive', id: 'a', line: 1 });
    assert.deepEqual(rows[1], { vars: { input: 'plain text row' }, expected: 'neutral', line: 2 });
    assert.deepEqual(rows[2], { vars: { text: 'awful' }, expected: 'negative', line: 4 });
    assert.deepEqual(rows[3], { vars: { text: 'flat row' }, expected: '3', line: 5 });
    assert.deepEqual(rows[4], { vars: { text: 'pref' }, chosen: 'good answer', rejected: 'bad answer', line: 8 });
    assert.deepEqual(
      diagnostics.map((d) => [d.line, d.severity, d.code]),
      [
        [6, 'error', 'dataset-bad-json'],
        [7, 'error', 'dataset-bad-row'],
      ],
    );
    assert.equal(diagnostics[0].file, file);
    assert.match(diagnostics[0].message, /invalid JSON/);
  });

  it('reads CSV with quotes, escaped quotes, embedded newlines and unicode, with start lines', async () => {
    const { rows, diagnostics } = await loadDataset(path.join(fixtures, 'quoted.csv'), nodeFileSystem);
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(
      rows.map((r) => [r.vars.text, r.expected, r.id, r.line]),
      [
        ['Hello, world', 'positive', 'r1', 2],
        ['She said "hi"\nand left', 'neutral', 'r2', 3],
        ['plain', 'multi\nline\nanswer', 'r3', 5],
        ['ünïcödé 😀', 'positive', 'r4', 8],
      ],
    );
  });

  it('reports a CSV record with the wrong field count and an unclosed quote', async () => {
    const file = await write('bad.csv', 'a,b\n1,2\n3,4,5\n6,7\n"8,9\n');
    const { rows, diagnostics } = await loadDataset(file, nodeFileSystem);
    assert.ok(rows.some((r) => r.vars.a === '1'));
    assert.ok(rows.some((r) => r.vars.a === '6'));
    assert.ok(
      diagnostics.some((d) => d.line === 3 && d.code === 'dataset-csv-columns'),
      JSON.stringify(diagnostics),
    );
    assert.ok(
      diagnostics.some((d) => d.code === 'dataset-bad-csv'),
      JSON.stringify(diagnostics),
    );
  });

  it('reads YAML lists with lines, and mappings holding rows', async () => {
    const { rows, diagnostics } = await loadDataset(path.join(fixtures, 'rows.yaml'), nodeFileSystem);
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(rows, [
      { vars: { text: 'first' }, expected: 'one', line: 2 },
      { vars: { text: 'second' }, expected: 'two', line: 4 },
      { vars: { input: 'third' }, line: 7 },
    ]);
    const mapped = await write('m.yml', 'rows:\n  - {q: 1}\n  - {q: 2}\n');
    assert.deepEqual(
      (await loadDataset(mapped, nodeFileSystem)).rows.map((r) => r.line),
      [2, 3],
    );
  });

  it('reads JSON arrays and reports a syntax error with a position', async () => {
    const good = await write('d.json', '[\n  {"q": "x", "expected": "y"},\n  {"q": "z"}\n]\n');
    const { rows } = await loadDataset(good, nodeFileSystem);
    assert.deepEqual(
      rows.map((r) => [r.vars.q, r.line]),
      [
        ['x', 2],
        ['z', 3],
      ],
    );
    const bad = await write('bad.json', '[\n  {"q": "x",,}\n');
    const res = await loadDataset(bad, nodeFileSystem);
    assert.equal(res.rows.length, 0);
    assert.ok(res.diagnostics.length > 0 && res.diagnostics.every((d) => d.severity === 'error' && d.line >= 1));
  });

  it('never throws: missing file, unknown extension, non-list YAML', async () => {
    const missing = path.join(tmp, 'nope.jsonl');
    const res = await loadDataset(missing, nodeFileSystem);
    assert.deepEqual(res.rows, []);
    assert.equal(res.diagnostics[0].message, `dataset not found: ${missing}`);
    assert.match(
      (await loadDataset(await write('x.txt', 'hi'), nodeFileSystem)).diagnostics[0].message,
      /unknown dataset format/,
    );
    assert.equal(
      (await loadDataset(await write('s.yaml', 'just: a map\n'), nodeFileSystem)).diagnostics[0].code,
      'dataset-not-a-list',
    );
  });

  it('with the prompt variables: checks columns, and a string input fills a single variable', async () => {
    const file = await write('v.jsonl', '{"input": "hello", "expected": "x"}\n{"other": 1}\n');
    const { rows, diagnostics } = await loadDataset(file, nodeFileSystem, { variables: ['question'] });
    assert.deepEqual(rows[0].vars, { input: 'hello', question: 'hello' });
    // A row lacking a variable is reported by loadPrompt, once, at the variable in the prompt (not per row here).
    assert.ok(!diagnostics.some((d) => d.code === 'dataset-missing-variable'));
    assert.ok(diagnostics.some((d) => d.code === 'dataset-unused-column' && /'other'/.test(d.message)));
  });

  it('a dataset lacking a variable in some rows gives one warning at the variable in the prompt', async () => {
    await write(
      'rows.jsonl',
      ['{"review": "fine", "expected": "positive"}', '{"text": "bad"}', '{"text": "ok"}'].join('\n'),
    );
    const prompt = await write(
      'p.prompt.yml',
      'messages:\n  - role: system\n    content: Label it.\n  - role: user\n    content: "Review: {{review}}"\n',
    );
    await write('p.whetstone.yaml', 'dataset: rows.jsonl\n');
    const { diagnostics } = await loadPrompt(prompt, nodeFileSystem);
    const missing = diagnostics.filter((d) => d.code === 'dataset-missing-variable');
    assert.deepEqual(
      missing.map((d) => [d.file, d.line, d.column, d.message]),
      [
        [
          prompt,
          5,
          23,
          '{{review}} has no value in 2 of 3 rows of rows.jsonl (rows 2 and 3): gh models sends the text {{review}} to the model as written in those rows',
        ],
      ],
    );
  });
});

describe('rowsFromTestData', () => {
  it('treats flat keys as variables and keeps expected as a variable', () => {
    const rows = rowsFromTestData([{ input: 'hello world', string: 'hello', expected: 'greeting' }]);
    assert.deepEqual(rows, [
      { vars: { input: 'hello world', string: 'hello', expected: 'greeting' }, expected: 'greeting' },
    ]);
  });
});

describe('checkDatasetColumns', () => {
  it('reports unused columns once (missing variables are reported at the variable, not per row)', () => {
    const d = checkDatasetColumns(
      [
        { vars: { a: 1, b: 2 }, line: 3 },
        { vars: { b: 1 }, line: 4 },
      ],
      ['a'],
      'f.jsonl',
    );
    assert.deepEqual(
      d.map((x) => [x.line, x.code, x.message]),
      [[3, 'dataset-unused-column', "column 'b' is not used by the prompt (no {{b}} in it)"]],
    );
  });
});

describe('loadDataset: TSV and CRLF', () => {
  it('reads tab-separated files and CRLF line endings with correct lines', async () => {
    const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'whetstone-tsv-'));
    try {
      const file = path.join(dir, 'd.tsv');
      await fsp.writeFile(file, 'q\texpected\r\na, b\tx\r\n\r\nc\ty\r\n');
      const { rows, diagnostics } = await loadDataset(file, nodeFileSystem);
      assert.deepEqual(diagnostics, []);
      assert.deepEqual(
        rows.map((r) => [r.vars.q, r.expected, r.line]),
        [
          ['a, b', 'x', 2],
          ['c', 'y', 4],
        ],
      );
      const jsonl = path.join(dir, 'd.jsonl');
      await fsp.writeFile(jsonl, '{"q": 1}\r\n{"q": 2\r\n');
      const res = await loadDataset(jsonl, nodeFileSystem);
      assert.deepEqual([res.rows.length, res.diagnostics[0].line, res.diagnostics[0].column], [1, 2, 8]);
    } finally {
      await fsp.rm(dir, { recursive: true, force: true });
    }
  });
});
