/** What the commands share: loading a prompt with its errors turned into exit 2, and naming the target model. */
import { stat } from 'node:fs/promises';
import { nodeFileSystem } from '../../core/node-file-system';
import { loadPrompt, errorsOf, type LoadedPrompt } from '../../core/project/load-prompt';
import { sidecarPathFor } from '../../core/documents';
import { formatDiagnostic } from '../../core/diagnostics';
import { LlmError } from '../../core/llm/types';
import { CliError, EXIT, usageError } from '../errors';
import type { Progress } from '../progress';

export async function loadForCommand(
  file: string,
  dataset: string | undefined,
  progress: Progress,
): Promise<LoadedPrompt & { sidecarPath: string }> {
  if (!(await nodeFileSystem.exists(file))) throw usageError(`${file}: no such file`);
  if ((await stat(file)).isDirectory()) throw usageError(`${file}: is a directory, not a prompt file`);
  if (dataset !== undefined && (await stat(dataset).catch(() => undefined))?.isDirectory())
    throw usageError(`${dataset}: is a directory, not a dataset file (JSONL, CSV or YAML)`);
  const loaded = await loadPrompt(file, nodeFileSystem, { dataset });
  const errors = errorsOf(loaded.diagnostics);
  if (errors.length) {
    // The first error is the one-line reason; the rest go to stderr too, so nothing is lost.
    for (const d of errors.slice(1)) progress.line(formatDiagnostic(d));
    throw usageError(formatDiagnostic(errors[0]));
  }
  for (const d of loaded.diagnostics) progress.line(formatDiagnostic(d));
  return { ...loaded, sidecarPath: sidecarPathFor(file) };
}

export function resolveTargetModel(flag: string | undefined, fromFile: string | undefined): string {
  const model = flag ?? process.env.OPENAI_MODEL ?? fromFile;
  if (!model) throw usageError('no model: pass --model M (the file names none)');
  return model;
}

/** An endpoint that failed outright is exit 3, with the endpoint and status in the one-line reason. */
export function endpointFailure(error: unknown, baseUrl: string): Error {
  if (error instanceof CliError) return error;
  if (error instanceof LlmError) return new CliError(error.message, EXIT.endpoint);
  const message = error instanceof Error ? error.message : String(error);
  return new CliError(`${baseUrl}: ${message}`, EXIT.endpoint);
}
