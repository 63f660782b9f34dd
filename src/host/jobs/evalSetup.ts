/**
 * Everything a prompt-test run needs, from a prompt file: its analysis (no blocking problems, some rows), the roles,
 * the region, and an LLM client with keys for its endpoints. Shared by the "Run Prompt Tests" command and the Test
 * Explorer. Throws JobStartError / MissingApiKeyError with a message for the user.
 */
import * as vscode from 'vscode';
import * as path from 'node:path';
import { chooseRegion } from '../../core/documents/region';
import type { OptimizableRegion } from '../../core/documents/types';
import type { LlmClient } from '../../core/llm/types';
import type { Roles } from '../../core/jobs/types';
import type { HostContext } from '../context';
import type { PromptAnalysis } from '../language/promptAnalyzer';
import { workspaceRootFor } from '../workspaceFiles';
import { JobStartError } from './jobManager';
import { createHostLlmClient, missingKeys } from './llmClient';
import { endpointsOf, resolveRoles } from './models';
import { resolveEndpointSettings } from './simulatedEndpoint';

export interface EvalSetup {
  analysis: PromptAnalysis;
  roles: Roles;
  region?: OptimizableRegion;
  llm: LlmClient;
  /** On the offline simulated endpoint: results are labelled SIMULATED. */
  simulated: boolean;
}

export async function prepareEval(ctx: HostContext, uri: vscode.Uri): Promise<EvalSetup> {
  const doc = await vscode.workspace.openTextDocument(uri);
  const analysis = await ctx.analyzer.analyze(doc);
  if (!analysis) throw new JobStartError(`Could not read ${path.basename(uri.fsPath)}.`);
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length)
    throw new JobStartError(`${path.basename(errors[0].file)}:${errors[0].line}: ${errors[0].message}`);
  if (!analysis.rows.length)
    throw new JobStartError(
      `${path.basename(uri.fsPath)} has no test cases: add \`testData\` or a \`dataset\` in the sidecar.`,
    );
  const settings = await resolveEndpointSettings(ctx.settings.read(), ctx.log);
  const roles = resolveRoles(analysis.doc, analysis.settings, settings);
  const endpoints = endpointsOf({ target: roles.target, optimizer: roles.target, judge: roles.judge });
  const missing = await missingKeys(endpoints, ctx.keys);
  if (missing.length) throw missing[0];
  const llm = await createHostLlmClient({
    baseUrls: endpoints,
    keys: ctx.keys,
    settings,
    workspaceRoot: workspaceRootFor(uri) ?? path.dirname(uri.fsPath),
    extensionPath: ctx.extension.extensionPath,
    log: ctx.log,
  });
  return { analysis, roles, region: chooseRegion(analysis.doc).region, llm, simulated: settings.simulated };
}
