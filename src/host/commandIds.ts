/** Every command id the extension contributes, declared once; a test checks this map against package.json. */
export const Commands = {
  optimize: 'whetstone.optimize',
  rerun: 'whetstone.rerun',
  runTests: 'whetstone.runTests',
  showResults: 'whetstone.showResults',
  showJobs: 'whetstone.showJobs',
  resumeJob: 'whetstone.resumeJob',
  setApiKey: 'whetstone.setApiKey',
  removeApiKey: 'whetstone.removeApiKey',
  selectModels: 'whetstone.selectModels',
  showLogs: 'whetstone.showLogs',
  acceptSuggestion: 'whetstone.acceptSuggestion',
  diffSuggestion: 'whetstone.diffSuggestion',
  nextSuggestion: 'whetstone.nextSuggestion',
  dismissSuggestion: 'whetstone.dismissSuggestion',
  downloadModel: 'whetstone.downloadModel',
  openExample: 'whetstone.openExample',
  useSimulatedEndpoint: 'whetstone.useSimulatedEndpoint',
  useRealEndpoint: 'whetstone.useRealEndpoint',
} as const;

export type CommandId = (typeof Commands)[keyof typeof Commands];

/** Context keys set by the host and read by `when` clauses in package.json. */
export const ContextKeys = {
  hasSuggestion: 'whetstone.hasSuggestion',
  jobRunning: 'whetstone.jobRunning',
} as const;
