import type { Severity } from '../diagnostics';
import type { EvaluatorSpec } from './types';

export interface NormalizeProblem {
  severity: Severity;
  code: string;
  message: string;
}

export interface NormalizedEntry {
  specs: EvaluatorSpec[];
  problems: NormalizeProblem[];
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
