/**
 * `whetstone check <files…> [--json]`: the problems the extension shows for each prompt file (core `loadPrompt`, the
 * analysis the editor's diagnostics come from: the file, its sidecar, dataset and evaluators), for CI and pre-commit.
 * One `file:line:col severity code message` line each, or one JSON object; exit 1 when any is an error.
 */
import { nodeFileSystem } from '../../core/node-file-system';
import { loadPrompt } from '../../core/project/load-prompt';
import type { Diagnostic } from '../../core/diagnostics';
import { EXIT, usageError } from '../errors';

export interface CheckFlags {
  json?: boolean;
}

/** The same problem reached through two paths (prompt and sidecar) is shown once, as the editor does. */
function unique(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.file}:${d.line}:${d.column}:${d.code}:${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function byPosition(a: Diagnostic, b: Diagnostic): number {
  return a.file === b.file ? a.line - b.line || a.column - b.column : a.file < b.file ? -1 : 1;
}

export async function checkCommand(files: string[], flags: CheckFlags): Promise<number> {
  if (files.length === 0) throw usageError('check: name at least one prompt file');
  for (const file of files) if (!(await nodeFileSystem.exists(file))) throw usageError(`${file}: no such file`);
  const results: Array<{ file: string; diagnostics: Diagnostic[] }> = [];
  for (const file of files) {
    const loaded = await loadPrompt(file, nodeFileSystem);
    results.push({ file, diagnostics: unique(loaded.diagnostics).sort(byPosition) });
  }
  const all = results.flatMap((r) => r.diagnostics);
  const count = (s: Diagnostic['severity']) => all.filter((d) => d.severity === s).length;
  const summary = { files: results.length, errors: count('error'), warnings: count('warning'), infos: count('info') };
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ ...summary, results }, null, 2)}\n`);
  } else {
    for (const d of all) {
      process.stdout.write(`${d.file}:${d.line}:${d.column} ${d.severity} ${d.code} ${d.message.split('\n')[0]}\n`);
    }
    process.stderr.write(
      `${summary.files} file(s) checked: ${summary.errors} error(s), ${summary.warnings} warning(s), ` +
        `${summary.infos} info\n`,
    );
  }
  return summary.errors > 0 ? EXIT.failures : EXIT.ok;
}
