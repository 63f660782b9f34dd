// The results panel feature's public surface for activate() and other host features.
export { registerResultsPanel, showResultsPanel, acceptCandidate } from './register';
export { RESULTS_VIEW_TYPE } from './resultsPanel';
export { CANDIDATE_SCHEME, candidateUri } from './candidateDocuments';
