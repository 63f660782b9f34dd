/**
 * How a recorded run is named to the user: by its prompt file (workspace-relative) and its run, never by the
 * prompt's internal `name:` field, which need not match the file and can repeat across files. No vscode import, so
 * the words are unit-tested.
 */
import * as path from 'node:path';
import type { RunSummary } from '../../core/runs';

/** The prompt file a run optimized, as an absolute path: logs sit at <root>/.whetstone/runs/<prompt name>/<run>.jsonl. */
export function promptPathOf(run: Pick<RunSummary, 'file' | 'promptFile'>): string {
  const root = path.dirname(path.dirname(path.dirname(path.dirname(run.file))));
  return path.resolve(root, run.promptFile);
}

/** "2026-12-02 01:10" from an ISO time. */
function startedAt(run: Pick<RunSummary, 'started'>): string {
  return run.started.slice(0, 16).replace('T', ' ');
}

/** "the APO run on prompts/reviews.prompt.yml (started 2026-12-02 01:10, run apo-…)". */
export function describeRun(run: RunSummary, relative: (file: string) => string): string {
  return `the ${run.method.toUpperCase()} run on ${relative(promptPathOf(run))} (started ${startedAt(run)}, run ${run.runId})`;
}

/** The notice shown on activation when runs were interrupted (a window closed, VS Code quit mid-job). */
export function interruptedNotice(runs: readonly RunSummary[], relative: (file: string) => string): string {
  if (runs.length === 1) return `Whetstone: ${describeRun(runs[0], relative)} was interrupted. Resume it?`;
  const files = [...new Set(runs.map((r) => relative(promptPathOf(r))))];
  const shown = files.length > 3 ? `${files.slice(0, 3).join(', ')} and ${files.length - 3} more` : files.join(', ');
  return `Whetstone: ${runs.length} optimization runs were interrupted (${shown}). Resume one?`;
}
