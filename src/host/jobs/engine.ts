/** The one place the host touches the core job engine's entry points, so a change there is one edit here. */
import { startJob, estimateJob } from '../../core/jobs';
import type { Estimate, JobHandle, JobSpec } from '../../core/jobs/types';

export function startEngineJob(spec: JobSpec): JobHandle {
  return startJob(spec);
}

export async function estimateEngineJob(spec: JobSpec): Promise<Estimate> {
  return estimateJob(spec);
}
