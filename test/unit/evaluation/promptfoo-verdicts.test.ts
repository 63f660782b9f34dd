/**
 * promptfoo-style asserts (`type:` entries in the sidecar) give promptfoo's verdicts. Each case cites the handler in
 * promptfoo/promptfoo src/assertions/ (equals.ts, contains.ts, startsWith.ts, regex.ts, json.ts, javascript.ts) and
 * src/util/parseCommaSeparatedValues.ts. Run through core loadPrompt + runEval against the local server, whose
 * target echoes each row's `reply`.
 */
import * as assert from 'node:assert/strict';
import { commaSeparated } from '../../../src/core/evaluators/normalize-typed';
import { startEchoServer, verdicts, type EchoServer } from './helpers';

const prompt = (replies: string[]) => `name: pf
messages:
  - role: user
    content: "{{reply}}"
testData:
${replies.map((r) => `  - { reply: ${JSON.stringify(r)} }`).join('\n')}
`;

describe('promptfoo assert parity (src/assertions/*.ts)', () => {
  let echo: EchoServer;
  before(async () => (echo = await startEchoServer()));
  after(() => echo.close());

  const run = async (replies: string[], evaluators: string) =>
    verdicts((await echo.run('p.prompt.yml', prompt(replies), { sidecar: `evaluators:\n${evaluators}` })).result);

  it('equals.ts: `renderedValue === outputString`, no trimming, case-sensitive', async () => {
    assert.deepEqual(await run(['Yes', 'Yes\n', ' Yes', 'yes'], `  - { type: equals, value: "Yes" }`), [
      true,
      false,
      false,
      false,
    ]);
  });

  it('equals.ts: an object value is deep-equal to the parsed output (key order free); not JSON fails', async () => {
    assert.deepEqual(
      await run(['{"b": 2, "a": 1}', '{"a": 1}', 'a=1'], `  - { type: equals, value: { a: 1, b: 2 } }`),
      [true, false, false],
    );
  });

  it('startsWith.ts / endsWith: exact, no trimming of the output', async () => {
    assert.deepEqual(await run(['The end', ' The end', 'the end'], `  - { type: starts-with, value: "The" }`), [
      true,
      false,
      false,
    ]);
    assert.deepEqual(await run(['end.', 'end. '], `  - { type: ends-with, value: "." }`), [true, false]);
  });

  it('contains.ts: contains is case-sensitive; icontains lower-cases both with JS toLowerCase (no folding)', async () => {
    assert.deepEqual(await run(['Paris', 'paris'], `  - { type: contains, value: "Paris" }`), [true, false]);
    assert.deepEqual(await run(['PARIS', 'STRASSE', 'straße'], `  - { type: icontains, value: "paris" }\n`), [
      true,
      false,
      false,
    ]);
    // "STRASSE".toLowerCase() is "strasse": it does not contain "straße" (Unicode case folding would say it does).
    assert.deepEqual(await run(['STRASSE', 'Straße'], `  - { type: icontains, value: "straße" }`), [false, true]);
  });

  it('not- forms invert (inverse): not-contains, not-icontains, not-starts-with', async () => {
    assert.deepEqual(await run(['fine', 'Sorry, no'], `  - { type: not-icontains, value: "sorry" }`), [true, false]);
    assert.deepEqual(await run(['ok', 'Sorry'], `  - { type: not-contains, value: "sorry" }`), [true, true]);
    assert.deepEqual(await run(['- a', 'a'], `  - { type: not-starts-with, value: "-" }`), [false, true]);
  });

  it('contains-any / contains-all: a list, or a text split like parseCommaSeparatedValues', async () => {
    assert.deepEqual(await run(['a cat', 'a bird', 'A DOG'], `  - { type: contains-any, value: "cat, dog" }`), [
      true,
      false,
      false,
    ]);
    assert.deepEqual(await run(['A DOG'], `  - { type: icontains-any, value: [cat, dog] }`), [true]);
    assert.deepEqual(await run(['x, y!', 'x y', 'z'], `  - { type: contains-any, value: '"x, y", q' }`), [
      true,
      false,
      false,
    ]);
    assert.deepEqual(await run(['red and blue', 'red'], `  - { type: contains-all, value: [red, blue] }`), [
      true,
      false,
    ]);
    assert.deepEqual(await run(['red and blue', 'red'], `  - { type: not-contains-all, value: [red, blue] }`), [
      false,
      true,
    ]);
    assert.deepEqual(await run(['RED BLUE'], `  - { type: icontains-all, value: "red,, blue" }`), [true]);
  });

  it('parseCommaSeparatedValues: trims, skips empty fields, keeps quoted commas and escaped quotes', () => {
    assert.deepEqual(commaSeparated(' a , b,,c '), ['a', 'b', 'c']);
    assert.deepEqual(commaSeparated('"x, y", "say ""hi""", "q\\"r"'), ['x, y', 'say "hi"', 'q"r']);
    assert.equal(commaSeparated('"open'), undefined);
    assert.equal(commaSeparated('"a" b'), undefined);
  });

  it('regex.ts: `new RegExp(value)` with no flags — case-sensitive, not anchored', async () => {
    assert.deepEqual(await run(['yes', 'Yes', 'oh yes'], `  - { type: regex, value: "^yes" }`), [true, false, false]);
  });

  it('json.ts is-json: JSON.parse of the whole output (a fenced block is not JSON); a YAML text value is the schema', async () => {
    assert.deepEqual(await run(['{"a": 1}', '```json\n{"a": 1}\n```', ' [1] ', 'nope'], `  - { type: is-json }`), [
      true,
      false,
      true,
      false,
    ]);
    assert.deepEqual(
      await run(['{"a": 1}', '{"b": 1}'], `  - type: is-json\n    value: "{type: object, required: [a]}"`),
      [true, false],
    );
    assert.deepEqual(await run(['Here: {"a": 1} done', 'none'], `  - { type: contains-json }`), [true, false]);
  });

  it('javascript.ts: a number passes when > 0 without a threshold, and when >= threshold with one', async () => {
    assert.deepEqual(await run(['0.3', '0'], `  - { type: javascript, value: "Number(output)" }`), [true, false]);
    assert.deepEqual(await run(['0.3', '0.7'], `  - { type: javascript, value: "Number(output)", threshold: 0.5 }`), [
      false,
      true,
    ]);
    assert.deepEqual(
      await run(['short', 'a much longer answer'], `  - { type: javascript, value: "output.length < 10" }`),
      [true, false],
    );
  });
});
