/**
 * Prompt files for the documents tests: the project's own corpus (test/fixtures/corpus, written for these tests to
 * recreate what real prompt files do: CRLF, BOM, no final newline, Jinja, block and folded scalars, json_schema,
 * tools, v1/v2 Prompty, VS Code variables) and, when WHETSTONE_CORPUS names a folder, the shared corpus of real
 * files by others (`.ci/run` sets it to ../shared/conformance).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const repoRoot = path.resolve(__dirname, '../../..');
export const ownCorpusDir = path.join(repoRoot, 'test/fixtures/corpus');
export const fixturesDir = path.join(repoRoot, 'test/fixtures/documents');
export const FORMAT_DIRS = ['prompt-yml', 'prompty', 'prompt-md'] as const;

export interface CorpusFile {
  /** `prompt-yml/<saved name>` */
  id: string;
  /** Name used for format detection. */
  file: string;
  text: string;
}

/** The shared corpus folder named by WHETSTONE_CORPUS, or undefined when unset; a named but missing folder throws. */
export function sharedCorpusDir(): string | undefined {
  const dir = process.env.WHETSTONE_CORPUS;
  if (!dir) return undefined;
  const full = path.resolve(repoRoot, dir);
  if (!fs.existsSync(full)) throw new Error(`WHETSTONE_CORPUS=${dir}: no such folder (${full})`);
  return full;
}

export function readCorpus(dir: string): CorpusFile[] {
  const out: CorpusFile[] = [];
  for (const sub of FORMAT_DIRS) {
    const full = path.join(dir, sub);
    for (const name of fs.readdirSync(full).sort()) {
      out.push({ id: `${sub}/${name}`, file: name, text: fs.readFileSync(path.join(full, name), 'utf8') });
    }
  }
  return out;
}

export function ownCorpusFiles(): CorpusFile[] {
  return readCorpus(ownCorpusDir);
}

export function sharedCorpusFiles(): CorpusFile[] {
  const dir = sharedCorpusDir();
  return dir ? readCorpus(dir) : [];
}

/** Our corpus, plus the shared one when WHETSTONE_CORPUS is set. */
export function corpusFiles(): CorpusFile[] {
  return [...ownCorpusFiles(), ...sharedCorpusFiles()];
}

export function fixture(name: string): { file: string; text: string } {
  return { file: name, text: fs.readFileSync(path.join(fixturesDir, name), 'utf8') };
}

export function toCrlf(text: string): string {
  return text.replace(/\r?\n/g, '\r\n');
}
