import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { parsePromptFile } from '../../../src/core/documents';
import { flattenChat } from '../../../src/core/llm';
import { createSimulatedTask } from '../../../src/sim/task';
import { REVIEWS } from '../../../src/sim/task-data';

const json = (name: string) => ({ type: 'json_schema', json_schema: { name, schema: {}, strict: true } });

describe('the simulated review task', () => {
  const task = createSimulatedTask({ seed: 0 });
  const ask = (system: string, review: string) =>
    task.handler.chat({
      model: 'm',
      messages: [
        { role: 'system', content: system },
        { role: 'user', content: `Review: ${review}` },
      ],
    }) as string;
  const base =
    'You classify product reviews by sentiment.\nAnswer with one lowercase word: positive, negative or neutral.';

  it("examples/reviews.prompt.yml and its sidecar are the task's own files", () => {
    assert.equal(readFileSync('examples/reviews.prompt.yml', 'utf8'), task.promptText);
    assert.equal(readFileSync('examples/reviews.whetstone.yaml', 'utf8'), task.sidecarText);
    const doc = parsePromptFile('examples/reviews.prompt.yml', task.promptText);
    assert.equal(doc.testData.length, 24);
    assert.deepEqual(
      doc.diagnostics.filter((d) => d.severity === 'error'),
      [],
    );
  });

  it('the target answers a review right only when the prompt states the rule its kind needs', () => {
    const sarcastic = REVIEWS.find((r) => r.kind === 'sarcasm')!.text;
    assert.equal(ask(base, sarcastic), 'positive');
    assert.equal(ask(`${base}\nSarcastic praise is negative.`, sarcastic), 'negative');
    assert.equal(ask('Classify the sentiment.', REVIEWS[0].text), 'The sentiment of this review is positive.');
    const correct = (system: string) => REVIEWS.filter((r) => ask(system, r.text) === r.label).length;
    assert.equal(correct(base), 9);
    assert.equal(
      correct(
        `${base}\nWhen a review changes its mind, follow the final verdict.\nSarcastic praise is negative.\nMixed reviews are neutral.`,
      ),
      24,
    );
  });

  it('the judge prefers the answer set with more correct labels', () => {
    const qa = (answers: string[]) =>
      answers
        .map((a, i) => `### Question ${i + 1}\nreview: ${REVIEWS[i].text}\n### Answer ${i + 1}\n${a}`)
        .join('\n\n');
    const content = `<response_A>\n${qa(['positive', 'negative', 'negative'])}\n</response_A>\n\n<response_B>\n${qa(['positive', 'positive', 'negative'])}\n</response_B>`;
    const verdict = JSON.parse(
      task.handler.chat({
        model: 'j',
        messages: [{ role: 'user', content }],
        response_format: json('pairwise_verdict'),
      }) as string,
    );
    assert.equal(verdict.choice, 'B');
  });

  it('answers in tagged text when the request carries no response_format', () => {
    const reply = task.handler.chat({
      model: 'o',
      messages: [
        {
          role: 'user',
          content: `<prompt>\n${base}\n</prompt>\nFind up to 5 units.\nThe object must match this JSON Schema (named "prompt_segments"):\n{}`,
        },
      ],
    }) as string;
    assert.match(reply, /^<json>\{"segments":\[.*\]\}<\/json>$/);
  });

  it('the expected answer gets likelier as the prompt covers more rules', () => {
    const mixed = REVIEWS.find((r) => r.kind === 'mixed')!;
    const loss = (system: string) => {
      const context = flattenChat([
        { role: 'system', content: system },
        { role: 'user', content: `Review: ${mixed.text}` },
      ]);
      const scored = task.handler.score!({ model: 's', prompt: context + mixed.label })!;
      return -scored.logprobs[scored.logprobs.length - 1];
    };
    const withMixed = `${base}\nMixed reviews are neutral.`;
    const withAll = `${withMixed}\nSarcastic praise is negative.\nFollow the final verdict.`;
    assert.ok(loss(base) > loss(withMixed));
    assert.ok(loss(withMixed) > loss(withAll));
  });
});
