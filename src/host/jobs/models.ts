/**
 * Which endpoint and model each role uses. The endpoint comes from the machine-scoped setting; a prompt file or
 * sidecar may name a model, or a model on another endpoint as `https://host/v1#model` — that endpoint only ever
 * receives a key stored for its own origin (none, unless the user set one).
 */
import { VSCODE_LM, type ModelRef } from '../../core/llm/types';
import { targetModelFor } from '../../core/evaluation/target-request';
import type { Roles } from '../../core/jobs/types';
import type { PromptDocument, WhetstoneSettings } from '../../core/documents/types';
import type { HostSettings, ModelRole } from '../config';

const URL_MODEL = /^(https?:\/\/[^\s#]+)#(.+)$/;

/**
 * `gpt-4o` → the configured endpoint; `https://h/v1#m` → that endpoint; `local:/x.gguf` → the embedded backend;
 * `vscode-lm:<id>` → a VS Code language model (Copilot, or any extension's provider).
 */
export function modelRefFor(spec: string, settings: HostSettings): ModelRef {
  const trimmed = spec.trim();
  if (trimmed.startsWith(VSCODE_LM)) return { baseUrl: VSCODE_LM, model: trimmed.slice(VSCODE_LM.length) };
  if (trimmed.startsWith('local:'))
    return { baseUrl: 'local:', model: trimmed.slice('local:'.length) || settings.localModelPath };
  const m = URL_MODEL.exec(trimmed);
  if (m) return { baseUrl: m[1], model: m[2] };
  // GitHub Models names carry a publisher prefix that OpenAI's own API does not accept.
  const model = /api\.openai\.com/.test(settings.baseUrl) ? trimmed.replace(/^openai\//, '') : trimmed;
  return { baseUrl: settings.baseUrl, model };
}

/** The model name for a role: sidecar/metadata `models.<role>`, then the prompt's own `model` (target), then settings. */
export function modelSpecFor(
  role: ModelRole,
  doc: PromptDocument,
  fileSettings: WhetstoneSettings,
  settings: HostSettings,
): string {
  const fromFile = fileSettings.models?.[role];
  if (fromFile) return fromFile;
  if (role === 'target' && doc.model && doc.format !== 'prompt.md') return doc.model;
  if (role === 'judge' && !settings.models.judge) return fileSettings.models?.optimizer ?? settings.models.optimizer;
  if (role === 'scorer' && !settings.models.scorer) return modelSpecFor('target', doc, fileSettings, settings);
  return settings.models[role];
}

export function resolveRoles(doc: PromptDocument, fileSettings: WhetstoneSettings, settings: HostSettings): Roles {
  const ref = (role: ModelRole) => modelRefFor(modelSpecFor(role, doc, fileSettings, settings), settings);
  // The file's parameters and response format, mapped exactly as the CLI maps them (one builder in core).
  const target = targetModelFor(doc, ref('target'));
  return { target, optimizer: ref('optimizer'), judge: ref('judge'), scorer: ref('scorer') };
}

export function endpointsOf(roles: Roles): string[] {
  return [
    ...new Set(
      Object.values(roles)
        .filter((r): r is ModelRef => !!r)
        .map((r) => r.baseUrl)
        .filter((u) => !u.startsWith('local:') && !u.startsWith(VSCODE_LM)),
    ),
  ];
}
