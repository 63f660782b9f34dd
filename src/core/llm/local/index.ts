/** The embedded llama.cpp backend (node-llama-cpp in a child process). Importing this loads no native code. */
export { createLocalBackend, type LocalBackend, type LocalBackendOptions } from './backend';
export type { LocalLogger } from './worker-process';
export type { ModelInfo, LoadOptions, SamplingOptions, ScoringMethod } from './protocol';
