/**
 * Token counts with a real tokenizer (o200k_base, the GPT-4o/4.1/5 family's). The 2.3 MB rank table is loaded on the
 * first hover, not at activation: from `dist/tiktoken-o200k_base.js` beside the bundle (scripts/build.mjs copies it
 * there), else from the package (running from source).
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { Tiktoken, TiktokenBPE } from 'js-tiktoken/lite';

let encoder: Promise<Tiktoken> | undefined;

async function loadRanks(): Promise<TiktokenBPE> {
  const beside = path.join(__dirname, 'tiktoken-o200k_base.js');
  // A runtime path, deliberately not bundled.
  if (existsSync(beside)) return require(beside) as TiktokenBPE;
  return (await import('js-tiktoken/ranks/o200k_base')).default;
}

function loadEncoder(): Promise<Tiktoken> {
  encoder ??= (async () => {
    const [{ Tiktoken: Encoder }, ranks] = await Promise.all([import('js-tiktoken/lite'), loadRanks()]);
    return new Encoder(ranks);
  })();
  return encoder;
}

export async function countTokens(text: string): Promise<number> {
  return (await loadEncoder()).encode(text).length;
}

export const TOKENIZER_NAME = 'o200k_base';
