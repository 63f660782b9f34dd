export { startJob, estimateJob, checkJobInput } from './engine';
export { JobInputError } from './types';
export type {
  ApoParams,
  Budget,
  BudgetUsed,
  CandidateRecord,
  CandidateStatus,
  Estimate,
  ExampleResult,
  JobEvent,
  JobHandle,
  JobListener,
  JobResult,
  JobSpec,
  Method,
  MethodParams,
  PmpoParams,
  Roles,
  RoundSummary,
  SpoParams,
} from './types';
export { BudgetStop, Cancelled } from './ledger';
