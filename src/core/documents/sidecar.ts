/** The sidecar `<basename>.whetstone.yaml`: optimization settings a prompt format cannot hold itself. */
import type { Diagnostic } from '../diagnostics';
import { diagnosticAt } from '../diagnostics';
import { settingsFromNode } from './settings';
import type { WhetstoneSettings } from './types';
import { parseYamlSlice } from './yamlSource';

const PROMPT_SUFFIXES = ['.prompt.yml', '.prompt.yaml', '.prompty', '.prompt.md', '.yml', '.yaml', '.md'];

/** `dir/x.prompt.yml` → `dir/x.whetstone.yaml` (likewise `.prompty`, `.prompt.md`). */
export function sidecarPathFor(promptFile: string): string {
  const lower = promptFile.toLowerCase();
  for (const suffix of PROMPT_SUFFIXES) {
    if (lower.endsWith(suffix)) return promptFile.slice(0, promptFile.length - suffix.length) + '.whetstone.yaml';
  }
  return promptFile + '.whetstone.yaml';
}

/** Never throws: problems come back as diagnostics naming file:line:col. */
export function parseSidecar(file: string, text: string): { settings: WhetstoneSettings; diagnostics: Diagnostic[] } {
  try {
    const slice = parseYamlSlice(file, text);
    const { settings, diagnostics } = settingsFromNode(slice, slice.doc.contents, 'sidecar');
    return { settings, diagnostics: [...slice.diagnostics, ...diagnostics] };
  } catch (e) {
    return {
      settings: {},
      diagnostics: [
        diagnosticAt(
          file,
          text,
          { start: 0, end: 0 },
          'error',
          'internal-error',
          `could not read the sidecar: ${e instanceof Error ? e.message : String(e)}`,
        ),
      ],
    };
  }
}
