/** The shared conformance corpus (real prompt files by others) and our own fixtures, for the documents tests. */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const repoRoot = path.resolve(__dirname, '../../..');
/** In CI the repository is cloned next to a copy of shared/. */
export const conformanceDir = path.resolve(repoRoot, '../shared/conformance');
export const fixturesDir = path.join(repoRoot, 'test/fixtures/documents');

export interface CorpusFile {
  /** `prompt-yml/owner__repo__path` */
  id: string;
  /** Name used for format detection: the saved name, with `.prompt.yml` added for gh-models `*.yml` examples. */
  file: string;
  text: string;
}

export function conformanceFiles(): CorpusFile[] {
  const out: CorpusFile[] = [];
  for (const dir of ['prompt-yml', 'prompty', 'prompt-md']) {
    const full = path.join(conformanceDir, dir);
    for (const name of fs.readdirSync(full).sort()) {
      out.push({ id: `${dir}/${name}`, file: name, text: fs.readFileSync(path.join(full, name), 'utf8') });
    }
  }
  return out;
}

export function fixture(name: string): { file: string; text: string } {
  return { file: name, text: fs.readFileSync(path.join(fixturesDir, name), 'utf8') };
}

export function toCrlf(text: string): string {
  return text.replace(/\r?\n/g, '\r\n');
}
