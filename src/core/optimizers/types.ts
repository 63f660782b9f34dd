/** What each algorithm gives the engine. */
import type { JobContext } from '../jobs/context';
import type { Estimate, JobInputError, JobSpec, Method } from '../jobs/types';
import type { PlanStep } from './plan';

export interface SplitInfo {
  train: number[];
  validation: number[];
}

export interface Optimizer<P> {
  method: Method;
  resolve(spec: JobSpec): P;
  /** Input problems that make the job impossible (checked before anything runs). */
  check(spec: JobSpec, params: P, split: SplitInfo): JobInputError | undefined;
  /** The plan's calls (with phases, proposals and the verification reserve) for these parameters. */
  estimate(spec: JobSpec, params: P, split: SplitInfo): Estimate;
  /** Ever smaller settings, tried in order until the plan fits the budget (src/core/optimizers/plan.ts). */
  planSteps: PlanStep<P>[];
  run(ctx: JobContext<P>): Promise<void>;
}
