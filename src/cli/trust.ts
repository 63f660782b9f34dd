/**
 * Whether the CLI may run a prompt file's code evaluators. Never decided by the prompt file or its sidecar (a pull
 * request could set that): only `--trust` on the command line, or `trustedFolders` in the user's own config file,
 * `$XDG_CONFIG_HOME/whetstone/config.json` (default `~/.config/whetstone/config.json`), which trusts prompt files
 * inside the listed folders, as VS Code's workspace trust does.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { EvaluatorSpec } from '../core/evaluators/types';
import { usageError } from './errors';

export function userConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config');
  return path.join(base, 'whetstone', 'config.json');
}

function trustedFolders(env: NodeJS.ProcessEnv): string[] {
  const file = userConfigPath(env);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch (err) {
    throw usageError(`${file}: not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  const folders = (config as { trustedFolders?: unknown } | null)?.trustedFolders;
  if (folders === undefined) return [];
  if (!Array.isArray(folders) || !folders.every((f) => typeof f === 'string'))
    throw usageError(`${file}: trustedFolders must be a list of folder paths`);
  return folders.map((f) => path.resolve(f.replace(/^~(?=$|\/)/, os.homedir())));
}

/** True when `--trust` was given or the prompt file lies inside a folder the user's config trusts. */
export function codeEvaluatorsTrusted(
  promptFile: string,
  flag: boolean | undefined,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  if (flag) return true;
  const file = fs.realpathSync(path.resolve(promptFile));
  return trustedFolders(env).some((folder) => {
    const rel = path.relative(realOr(folder), file);
    return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
  });
}

function realOr(folder: string): string {
  try {
    return fs.realpathSync(folder);
  } catch {
    return folder;
  }
}

export function codeEvaluators(specs: readonly EvaluatorSpec[]): EvaluatorSpec[] {
  return specs.filter((s) => s.type === 'javascript');
}

/** The one sentence the CLI prints when it does not run a file's code evaluators. */
export function refusalSentence(
  file: string,
  specs: readonly EvaluatorSpec[],
  evaluatorName: (s: EvaluatorSpec) => string,
) {
  const names = specs.map((s) => `"${evaluatorName(s)}"`).join(', ');
  return (
    `${file}: not running code evaluator${specs.length > 1 ? 's' : ''} ${names}: code from a prompt file runs only ` +
    `with --trust or when the file is in a trustedFolders entry of ${userConfigPath()}`
  );
}
