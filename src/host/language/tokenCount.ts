/**
 * Token counts with a real tokenizer (o200k_base, the GPT-4o/4.1/5 family's). The 2 MB rank table is loaded on the
 * first hover, not at activation.
 */
import type { Tiktoken } from 'js-tiktoken/lite';

let encoder: Promise<Tiktoken> | undefined;

function loadEncoder(): Promise<Tiktoken> {
  encoder ??= (async () => {
    const [{ Tiktoken: Encoder }, ranks] = await Promise.all([
      import('js-tiktoken/lite'),
      import('js-tiktoken/ranks/o200k_base'),
    ]);
    return new Encoder(ranks.default);
  })();
  return encoder;
}

export async function countTokens(text: string): Promise<number> {
  return (await loadEncoder()).encode(text).length;
}

export const TOKENIZER_NAME = 'o200k_base';
