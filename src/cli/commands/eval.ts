/** `whetstone eval <prompt-file>`: run the prompt over its cases and evaluators; exit 1 when a case fails. */
import * as path from 'node:path';
import { runEval, type EvalCaseResult } from '../../core/evaluation/run-eval';
import { createCaseWriter } from '../case-writer';
import { CliError, EXIT } from '../errors';
import { openEndpoint } from '../endpoint';
import { createProgress } from '../progress';
import { meterUsage } from '../usage-meter';
import { loadForCommand, resolveTargetModel, endpointFailure } from './shared';

export interface EvalFlags {
  dataset?: string;
  baseUrl?: string;
  model?: string;
  concurrency?: string;
  json?: boolean;
  cache?: boolean;
}

export async function evalCommand(file: string, flags: EvalFlags): Promise<number> {
  const progress = createProgress();
  const loaded = await loadForCommand(file, flags.dataset, progress);
  if (!loaded.rows.length) {
    throw new CliError(
      `${file}: no test cases: add \`testData\` rows to the file, \`rows\`/\`dataset\` to ` +
        `${path.basename(loaded.sidecarPath)}, or pass --dataset FILE`,
      EXIT.usage,
    );
  }
  const endpoint = await openEndpoint(flags, process.env, (l) => progress.line(l));
  try {
    const target = endpoint.model(resolveTargetModel(flags.model, loaded.doc.model));
    const meter = meterUsage(endpoint.llm);
    // Cases are written as they finish (in row order, through a small reorder window), not held until the end.
    const out = createCaseWriter(flags.json ? jsonCaseLine : textCaseLine, process.stdout);
    if (flags.json)
      process.stdout.write(`{"prompt":${JSON.stringify(file)},"model":${JSON.stringify(target.model)},"results":[`);
    const result = await runEval({
      doc: loaded.doc,
      rows: loaded.rows,
      evaluators: loaded.evaluators,
      llm: endpoint.llm,
      target,
      trusted: true, // the CLI user chose to run this file's code evaluators
      concurrency: endpoint.concurrency,
      keepResults: false,
      onCase: (c, done, total) => {
        progress.update(done, total, 'cases');
        return out.add(c);
      },
    }).catch((error) => {
      throw endpointFailure(error, endpoint.baseUrl);
    });
    await out.drained();
    progress.finish();
    meter.stop();
    const totals = {
      cases: result.cases,
      passed: result.passed,
      failed: result.failed,
      score: result.score,
      calls: meter.totals.calls,
      tokens: meter.totals.tokens,
      costUsd: meter.totals.costUsd,
    };
    if (flags.json) {
      process.stdout.write(`\n],${JSON.stringify(totals).slice(1)}\n`);
    } else {
      const cost = totals.costUsd === null ? 'cost unknown' : `$${totals.costUsd.toFixed(4)}`;
      process.stdout.write(
        `${result.passed}/${result.cases} passed · score ${result.score.toFixed(3)} · ` +
          `${totals.calls} calls · ${totals.tokens} tokens · ${cost}${endpoint.simulated ? ' · SIMULATED' : ''}\n`,
      );
    }
    return result.failed ? EXIT.failures : EXIT.ok;
  } finally {
    await endpoint.close();
  }
}

function jsonCaseLine(r: EvalCaseResult, first: boolean): string {
  const entry = {
    index: r.index,
    vars: r.vars,
    expected: r.expected,
    output: r.output,
    pass: r.pass,
    score: r.score,
    evaluations: r.evaluations,
  };
  return `${first ? '' : ','}\n${JSON.stringify(entry)}`;
}

function textCaseLine(r: EvalCaseResult): string {
  const why = r.evaluations
    .filter((e) => !e.pass)
    .map((e) => e.feedback ?? e.name)
    .join('; ');
  return `${r.pass ? '✓' : '✗'} #${r.index + 1} ${oneLine(r.output)}${why ? `  — ${why}` : ''}\n`;
}

const oneLine = (text: string) => (text.length > 60 ? `${text.slice(0, 57)}…` : text).replace(/\s+/g, ' ');
