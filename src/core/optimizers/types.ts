/** What each algorithm gives the engine. */
import type { JobContext } from '../jobs/context';
import type { Estimate, JobInputError, JobSpec, Method } from '../jobs/types';

export interface SplitInfo {
  train: number[];
  validation: number[];
}

export interface Optimizer<P> {
  method: Method;
  resolve(spec: JobSpec): P;
  /** Input problems that make the job impossible (checked before anything runs). */
  check(spec: JobSpec, params: P, split: SplitInfo): JobInputError | undefined;
  estimate(spec: JobSpec, params: P, split: SplitInfo): Estimate;
  run(ctx: JobContext<P>): Promise<void>;
}
