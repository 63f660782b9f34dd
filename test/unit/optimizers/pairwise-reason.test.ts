import { strict as assert } from 'node:assert';
import { nameSlots, slotNames } from '../../../src/core/optimizers/pairwise-reason';

describe("SPO judge's reason: slot letters become the prompts they stood for", () => {
  const newFirst = slotNames(true);
  const newSecond = slotNames(false);

  it('maps A to the new prompt when its answers were in slot A, and to the current best when they were in B', () => {
    const said = 'A meets the requirements on 3 answers, B on 1.';
    assert.equal(
      nameSlots(said, newFirst),
      'The new prompt meets the requirements on 3 answers, the current best on 1.',
    );
    assert.equal(
      nameSlots(said, newSecond),
      'The current best meets the requirements on 3 answers, the new prompt on 1.',
    );
  });

  it('rewrites the names a judge gives the slots: "Response A", "Set B\'s", "response_A", "answer set B"', () => {
    assert.equal(
      nameSlots(
        "Response A is concise; Set B's answers ramble, and response_A follows the format better than answer set B.",
        newSecond,
      ),
      "The current best is concise; the new prompt's answers ramble, and the current best follows the format better than the new prompt.",
    );
  });

  it('keeps the article "A" at the start of a sentence and rewrites a capital A elsewhere', () => {
    assert.equal(
      nameSlots('A clear winner: I prefer B over A. A better label set would help.', newFirst),
      'A clear winner: I prefer the current best over the new prompt. A better label set would help.',
    );
  });

  it("rewrites a slot's possessive and leaves other words alone", () => {
    assert.equal(
      nameSlots("B's answers are correct; A's miss sarcasm. Also: ABC.", newFirst),
      "The current best's answers are correct; the new prompt's miss sarcasm. Also: ABC.",
    );
  });
});
