/**
 * The optimization jobs this MCP server started: each a `whetstone optimize --json` child, followed through its
 * stderr (the run id line first, then rounds and the best so far) until it prints its result.
 */
import { spawnCli, failureReason, type CliChild, type CliOutcome } from './cli-process';

export interface OptimizeJob {
  runId: string;
  logFile: string;
  child: CliChild;
  /** The last progress lines, newest last (bounded). */
  recent: string[];
  /** Called with every progress line from now on (a caller waiting for the end). */
  listeners: Set<(line: string) => void>;
  outcome?: CliOutcome;
}

export interface JobLine {
  runId: string;
  line: string;
}

const RUN_STARTED = /^run (\S+) started · log (.+)$/;
const RECENT_LINES = 20;

export class OptimizeJobs {
  private readonly jobs = new Map<string, OptimizeJob>();

  constructor(
    private readonly cwd: string,
    private readonly onLine: (event: JobLine) => void,
  ) {}

  /** Starts a job; resolves once the CLI has named its run, or rejects with the CLI's own one-line reason. */
  start(args: string[]): Promise<OptimizeJob> {
    return new Promise((resolve, reject) => {
      let job: OptimizeJob | undefined;
      const child = spawnCli(args, {
        cwd: this.cwd,
        onLine: (line) => {
          const started = job ? null : RUN_STARTED.exec(line);
          if (started) {
            job = { runId: started[1], logFile: started[2], child, recent: [], listeners: new Set() };
            this.jobs.set(job.runId, job);
            resolve(job);
            return;
          }
          if (!job || !line) return;
          job.recent.push(line);
          if (job.recent.length > RECENT_LINES) job.recent.shift();
          this.onLine({ runId: job.runId, line });
          for (const listener of job.listeners) listener(line);
        },
      });
      void child.done.then((outcome) => {
        if (job) job.outcome = outcome;
        else reject(new Error(failureReason(outcome)));
      });
    });
  }

  get(runId: string): OptimizeJob | undefined {
    return this.jobs.get(runId);
  }

  /** Every child still running is interrupted (each ends its run log as cancelled) when the server closes. */
  async closeAll(): Promise<void> {
    const running = [...this.jobs.values()].filter((j) => !j.outcome);
    for (const job of running) job.child.interrupt();
    await Promise.all(running.map((j) => j.child.done));
  }
}
