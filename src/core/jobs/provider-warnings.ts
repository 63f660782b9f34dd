/** Warnings a run states up front about what a role's provider cannot honour (shown in the CLI, panel and log). */
import { VSCODE_LM, type ModelRef } from '../llm/types';
import type { Roles } from './types';

export function providerWarnings(roles: Roles): string[] {
  const out: string[] = [];
  for (const [role, ref] of Object.entries(roles) as [string, ModelRef | undefined][]) {
    if (!ref?.baseUrl.startsWith(VSCODE_LM)) continue;
    const options = Object.keys(ref.params ?? {});
    if (options.length)
      out.push(
        `the ${role} model ${ref.model} is a VS Code language model: it may ignore ${options.join(', ')} (VS Code passes sampling options as hints only)`,
      );
  }
  return out;
}
