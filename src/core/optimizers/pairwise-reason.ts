/**
 * The SPO judge compares "response A" and "response B", and which prompt sits in slot A is random per judgment (to
 * avoid position bias). Its analysis is shown to the user as the candidate's "Why", where "A" and "B" mean nothing:
 * this rewrites the slot letters to the prompts they stood for in that one judgment.
 */

export interface SlotNames {
  /** What slot A held in this judgment, as a noun phrase ("the new prompt"). */
  a: string;
  b: string;
}

export const NEW_PROMPT = 'the new prompt';
export const CURRENT_BEST = 'the current best';

/** The names of slots A and B for one judgment, given whether the new prompt's answers were shown in slot A. */
export function slotNames(newInA: boolean): SlotNames {
  return newInA ? { a: NEW_PROMPT, b: CURRENT_BEST } : { a: CURRENT_BEST, b: NEW_PROMPT };
}

// "Response A", "answer set B", "Set A's", "<response_A>", "response_B": the judge's own names for the slots.
const NAMED_SLOT =
  /<?\b(?:the\s+)?(?:(?:responses?|answers?|outputs?|sets?|options?|candidates?|prompts?)(?:\s+set)?(?:\s+|_))([AB])\b>?/gi;
// A bare "B" is always a slot; a bare capital "A" is one unless it is the article starting a sentence.
const BARE_SLOT = /(?<![\w'’-])([AB])(?![\w'’-]|['’]s\b)/g;
const BARE_POSSESSIVE = /(?<![\w'’-])([AB])['’]s\b/g;
// After a sentence start, "A" is a slot when a verb, a conjunction or punctuation follows, not a noun.
const SLOT_FOLLOWERS =
  /^\s*(?:[.,;:!?)\]]|$|(?:is|was|are|were|has|had|does|did|meets?|met|fails?|failed|follows?|gives?|provides?|uses?|misses|includes?|handles?|answers?|gets?|got|correctly|consistently|also|and|or|but|than|over|vs\.?|versus|wins?|won|outperforms?|performs?|scores?|satisfies|adheres|matches)\b)/i;

function isSentenceStart(text: string, index: number): boolean {
  return /(?:^|[.!?:]\s+|\n\s*)$/.test(text.slice(0, index));
}

function capitalizeAtSentenceStart(text: string): string {
  return text.replace(/(^|[.!?]\s+|\n\s*)(the )/g, (_, lead: string) => `${lead}The `);
}

/** The analysis with every reference to slot A or B replaced by the name of the prompt that slot held. */
export function nameSlots(analysis: string, names: SlotNames): string {
  const nameOf = (letter: string) => (letter.toUpperCase() === 'A' ? names.a : names.b);
  const named = analysis
    .replace(NAMED_SLOT, (_, letter: string) => nameOf(letter))
    .replace(BARE_POSSESSIVE, (_, letter: string) => `${nameOf(letter)}'s`)
    .replace(BARE_SLOT, (match: string, letter: string, index: number, whole: string) => {
      if (letter === 'B') return nameOf(letter);
      const rest = whole.slice(index + 1);
      return isSentenceStart(whole, index) && !SLOT_FOLLOWERS.test(rest) ? match : nameOf(letter);
    });
  return capitalizeAtSentenceStart(named);
}
