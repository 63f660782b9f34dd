export {
  extractVariables,
  jinjaInputNames,
  variableTokens,
  builtinVariableTokens,
  VSCODE_BUILTIN_VARIABLES,
} from './variables';
export type { TemplateSyntax } from './variables';
export { renderTemplate } from './render';
export type { RenderResult } from './render';
export { protectedRegions, syntaxFor, countOccurrences } from './protect';
export { checkCandidateInvariants, promptyRoleOf, findRoleLine } from './invariants';
export { templateTokens } from './tokens';
export type { TemplateToken } from './tokens';
export type { InvariantCheck, VariableSources } from './invariants';
