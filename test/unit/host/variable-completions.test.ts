import { strict as assert } from 'node:assert';
import { ANSWER_DETAIL, variableChoices } from '../../../src/host/language/variableCompletions';

describe('completion inside {{: the prompt’s variables first, answer columns last', () => {
  it('puts expected after the variables the template and rows provide, labelled as the answer column', () => {
    const choices = variableChoices({
      declared: [],
      used: ['review'],
      // GitHub Models testData: `expected` sits beside the variables, first in the row.
      rows: [{ vars: { expected: 'positive', review: 'Great', product: 'kettle', reference: 'yes' } }],
      evaluators: [{ name: 'matches', string: { equals: '{{reference}}' } }],
    });
    assert.deepEqual(
      choices.map((c) => [c.name, c.detail]),
      [
        ['review', 'used in this prompt'],
        ['product', 'test data column'],
        ['expected', ANSWER_DETAIL],
        ['reference', ANSWER_DETAIL],
      ],
    );
  });

  it('a label column the template already uses is an ordinary variable (the user chose to show it)', () => {
    const choices = variableChoices({
      declared: [{ name: 'topic', description: 'What to write about' }],
      used: ['expected'],
      rows: [{ vars: { expected: 'x', topic: 'y' } }],
      evaluators: [],
    });
    assert.deepEqual(
      choices.map((c) => [c.name, c.detail]),
      [
        ['topic', 'What to write about'],
        ['expected', 'used in this prompt'],
      ],
    );
  });
});
