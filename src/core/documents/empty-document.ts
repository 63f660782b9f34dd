/** A document with nothing parsed yet: each format's parser starts from it (and a parser crash returns it). */
import type { Diagnostic } from '../diagnostics';
import type { PromptDocument } from './types';

export function emptyDocument(
  file: string,
  format: PromptDocument['format'],
  text: string,
  diagnostics: Diagnostic[] = [],
): PromptDocument {
  return {
    file,
    format,
    text,
    messages: [],
    variables: [],
    declaredVariables: [],
    testData: [],
    evaluators: [],
    settings: {},
    diagnostics,
  };
}
