/** Running a job in tests: the result, every event, and the server requests of each round, classified. */
import { startJob } from '../../../src/core/jobs';
import type { CandidateRecord, JobEvent, JobResult, JobSpec } from '../../../src/core/jobs/types';
import type { SimServer } from '../../../src/sim/server';
import { renderSimChatTemplate } from '../../../src/sim/chat-template';

export interface RoundRequests {
  /** Chat requests without response_format (the target model). */
  target: number;
  /** Structured requests by schema name. */
  structured: Record<string, number>;
  /** `/v1/completions` requests (scoring), with their prompts. */
  scorePrompts: string[];
  /** `/tokenize` requests (two per chat-template score: the templated context and the target). */
  tokenize: number;
  total: number;
}

export interface Observed {
  result: JobResult;
  events: JobEvent[];
  /** Requests between a round's `round` event and its `beam` event. */
  rounds: RoundRequests[];
  /** Every server request of this job. */
  requests: number;
  runId: string;
  file: string;
}

export function classify(bodies: unknown[]): RoundRequests {
  const out: RoundRequests = { target: 0, structured: {}, scorePrompts: [], tokenize: 0, total: bodies.length };
  for (const body of bodies as (Record<string, any> | undefined)[]) {
    if (!body) continue;
    // /tokenize bodies (chat-template scoring renders the context there) are not calls of their own kind.
    // Chat-template scoring: the context is rendered by /tokenize (its text is the scored prompt), then the target
    // is tokenized alone and the ids are scored; the three requests are one score call.
    if (body.add_generation_prompt !== undefined || body.add_special_tokens !== undefined) {
      out.tokenize++;
      if (Array.isArray(body.messages)) out.scorePrompts.push(renderSimChatTemplate(body.messages, true));
    } else if (typeof body.prompt === 'string') out.scorePrompts.push(body.prompt);
    else if (Array.isArray(body.prompt)) continue;
    else if (body.response_format?.json_schema?.name) {
      const name = body.response_format.json_schema.name as string;
      out.structured[name] = (out.structured[name] ?? 0) + 1;
    } else out.target++;
  }
  return out;
}

export async function runObserved(
  spec: JobSpec,
  server: SimServer,
  onEvent?: (e: JobEvent, cancel: () => void) => void,
): Promise<Observed> {
  const start = server.bodies.length;
  const opened = new Map<number, number>();
  const rounds: RoundRequests[] = [];
  const job = startJob(spec);
  const events: JobEvent[] = [];
  job.events.on((e) => {
    events.push(e);
    if (e.type === 'round') opened.set(e.round, server.bodies.length);
    if (e.type === 'beam' && opened.has(e.round))
      rounds[e.round] = classify(server.bodies.slice(opened.get(e.round), server.bodies.length));
    onEvent?.(e, () => job.cancel());
  });
  const result = await job.result;
  return { result, events, rounds, requests: server.bodies.length - start, runId: job.runId, file: job.file };
}

/** Each candidate's last emitted state. */
export function candidatesOf(events: JobEvent[]): CandidateRecord[] {
  const latest = new Map<number, CandidateRecord>();
  for (const e of events) if (e.type === 'candidate') latest.set(e.candidate.id, e.candidate);
  return [...latest.values()];
}
