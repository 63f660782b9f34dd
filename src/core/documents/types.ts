import type { Diagnostic, Span } from '../diagnostics';
import type { EvaluatorSpec } from '../evaluators/types';
import type { DatasetRow } from '../data/types';

export type PromptFormat = 'prompt.yml' | 'prompty' | 'prompt.md';

export type Role = 'system' | 'user' | 'assistant' | 'developer' | string;

export interface PromptMessage {
  role: Role;
  /** The decoded content (YAML scalar value, or the text under a role line). */
  content: string;
  /** Where the whole message (YAML item / role line + body) sits in the source. */
  span: Span;
  /**
   * Where the content's source text sits. For YAML: the whole scalar node (quotes, or block header + body lines).
   * For prompty role sections: the section text with leading/trailing whitespace left out.
   */
  contentSpan: Span;
}

/** A `{{name}}` / `${input:name}` occurrence. */
export interface VariableRef {
  name: string;
  span: Span;
  /** For `${input:name:placeholder}`. */
  placeholder?: string;
}

export interface DeclaredVariable {
  name: string;
  span?: Span;
  type?: string;
  description?: string;
  sample?: unknown;
  /**
   * The value Prompty renders when a row does not give one: v2 `default`, a v1 shorthand value, a v1 `sample:` value
   * (Prompty v1 merges `sample` into the inputs). A `${file:…}`/`${env:…}` reference is not resolved, so not a default.
   */
  default?: unknown;
}

/** What an optimizer may rewrite: one message's content or the body. */
export interface OptimizableRegion {
  kind: 'message' | 'body';
  /** Index into `messages` for kind 'message'. */
  messageIndex?: number;
  /** The current text of the region (decoded). */
  text: string;
  /** Source span of the region's text. */
  span: Span;
}

/** Optimization settings from the sidecar `<basename>.whetstone.yaml` or prompty `metadata.whetstone`. */
export interface WhetstoneSettings {
  dataset?: string;
  rows?: DatasetRow[];
  split?: { validation?: number; seed?: number };
  evaluators?: EvaluatorSpec[];
  /** The evaluator entries as written (YAML objects), before `normalizeEvaluators` turns them into `evaluators`. */
  rawEvaluators?: unknown[];
  /** Where the raw evaluators sit in the file they came from (sidecar or prompty metadata). */
  rawEvaluatorsSpan?: Span;
  requirements?: string;
  method?: import('../jobs/types').Method;
  models?: { target?: string; optimizer?: string; judge?: string; scorer?: string };
  budget?: { calls?: number; tokens?: number; usd?: number; seconds?: number };
  /** Literal substrings or `/regex/` that candidates must keep verbatim. */
  protected?: string[];
  /** Which region to optimize: 'system' (default for chat), 'body', or `message:N`. */
  region?: string;
  /** Algorithm parameters (rounds, beam, …), merged over the method's defaults. */
  params?: Record<string, unknown>;
}

export interface PromptDocument {
  file: string;
  format: PromptFormat;
  /** The exact source text; serialize(doc) === text. */
  text: string;
  name?: string;
  description?: string;
  model?: string;
  modelParameters?: Record<string, unknown>;
  responseFormat?: string;
  jsonSchema?: unknown;
  messages: PromptMessage[];
  /**
   * A prompty's template language from its front matter (`template: mustache`, v2 `template: {format: mustache}`);
   * absent: the format's default (Jinja2 for prompty).
   */
  templateSyntax?: 'jinja2' | 'mustache';
  /** Body for single-body formats (.prompt.md; prompty without role lines). */
  body?: { text: string; span: Span };
  /** Front matter / header span (prompty, prompt.md), if any. */
  frontMatter?: { span: Span; data: Record<string, unknown> };
  variables: VariableRef[];
  declaredVariables: DeclaredVariable[];
  testData: DatasetRow[];
  /** Where `testData` sits, for diagnostics. */
  testDataSpan?: Span;
  evaluators: EvaluatorSpec[];
  /** GitHub Models `evaluators[]` entries as written (YAML objects); `normalizeEvaluators` turns them into `evaluators`. */
  rawEvaluators?: unknown[];
  /** Where `evaluators` sits, for diagnostics. */
  evaluatorsSpan?: Span;
  optimizable?: OptimizableRegion;
  settings: WhetstoneSettings;
  diagnostics: Diagnostic[];
}
