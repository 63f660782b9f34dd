/**
 * The simulated review-sentiment task's data: 24 reviews in four kinds. A plain review is always classified right;
 * the other kinds only when the system prompt states their rule (see task-rules.ts). Team-written, CC0.
 */
export type ReviewKind = 'plain' | 'turn' | 'sarcasm' | 'mixed';
export type Label = 'positive' | 'negative' | 'neutral';

export interface Review {
  text: string;
  kind: ReviewKind;
  label: Label;
  /** What the model answers when the prompt lacks the rule for this kind. */
  naive: Label;
}

const r = (text: string, kind: ReviewKind, label: Label, naive: Label = label): Review => ({
  text,
  kind,
  label,
  naive,
});

export const REVIEWS: readonly Review[] = [
  r('Battery lasts two full days and the screen is gorgeous.', 'plain', 'positive'),
  r(
    'At first the app kept crashing, but after the update it runs flawlessly and I love it.',
    'turn',
    'positive',
    'negative',
  ),
  r(
    'Oh wonderful, another charger that melts after ten minutes. Just what I needed.',
    'sarcasm',
    'negative',
    'positive',
  ),
  r('The camera is excellent, but the battery barely lasts a morning.', 'mixed', 'neutral', 'positive'),
  r('Stopped working after a week and support never replied.', 'plain', 'negative'),
  r('Arrived quickly, works perfectly, would buy again.', 'plain', 'positive'),
  r(
    'I was thrilled when it arrived, but by the second month it would not hold a charge, so I returned it.',
    'turn',
    'negative',
    'positive',
  ),
  r('Fantastic, the waterproof watch died in the shower. Truly top quality.', 'sarcasm', 'negative', 'positive'),
  r('Delicious coffee, though the machine is noisy and hard to descale.', 'mixed', 'neutral', 'positive'),
  r('The zipper broke on the first day and the seams are fraying.', 'plain', 'negative'),
  r('The blender crushes ice in seconds and cleans up easily.', 'plain', 'positive'),
  r(
    'The setup was a nightmare; once running, though, it is the best router I have owned.',
    'turn',
    'positive',
    'negative',
  ),
  r('Love how the lid pops off whenever I carry it. Brilliant design.', 'sarcasm', 'negative', 'positive'),
  r(
    'The color looks nothing like the photos, but shipping was fast and the price fair.',
    'mixed',
    'neutral',
    'negative',
  ),
  r('Loud, slow and it smells of burnt plastic.', 'plain', 'negative'),
  r('Comfortable headphones with rich bass and a long cable.', 'plain', 'positive'),
  r(
    'Looked beautiful out of the box, yet the paint peeled within days and I regret buying it.',
    'turn',
    'negative',
    'positive',
  ),
  r('Great, it only took three hours to assemble a two-shelf bookcase. Amazing.', 'sarcasm', 'negative', 'positive'),
  r('Soft and warm fabric; sadly the sizing runs very small.', 'mixed', 'neutral', 'positive'),
  r('Instructions were missing and two screws did not fit.', 'plain', 'negative'),
  r('Great value: sturdy, quiet and simple to set up.', 'plain', 'positive'),
  r(
    'I almost sent it back after the first wash, but it has held up great and I now recommend it.',
    'turn',
    'positive',
    'negative',
  ),
  r('Perfect if you enjoy calling customer service every single week.', 'sarcasm', 'negative', 'positive'),
  r('The keyboard feels great to type on, while the trackpad is unreliable.', 'mixed', 'neutral', 'positive'),
];

/** The review quoted in `text`, if any (longest match first, so no review shadows another). */
export function findReview(text: string): Review | undefined {
  let found: Review | undefined;
  for (const review of REVIEWS)
    if (text.includes(review.text) && (!found || review.text.length > found.text.length)) found = review;
  return found;
}

const POSITIVE = /\b(great|love|excellent|perfect|good|best|gorgeous|recommend|flawless\w*)\b/gi;
const NEGATIVE = /\b(bad|broke|broken|never|slow|loud|regret|unreliable|missing|worst|died)\b/gi;

/** A naive lexicon guess for reviews the task does not know. */
export function lexiconLabel(text: string): Label {
  const pos = text.match(POSITIVE)?.length ?? 0;
  const neg = text.match(NEGATIVE)?.length ?? 0;
  return pos > neg ? 'positive' : neg > pos ? 'negative' : 'neutral';
}
