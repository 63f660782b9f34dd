/** `whetstone eval <prompt-file>`: run the prompt over its cases and evaluators; exit 1 when a case fails. */
import * as path from 'node:path';
import { runEval, type EvalCaseResult } from '../../core/evaluation/run-eval';
import { fileRequestFields } from '../../core/evaluation/target-request';
import { evaluatorName } from '../../core/evaluators';
import type { EvalExtensions } from '../../core/evaluators/context';
import { createCaseWriter } from '../case-writer';
import { CliError, EXIT } from '../errors';
import { openEndpoint } from '../endpoint';
import { createProgress } from '../progress';
import { codeEvaluators, codeEvaluatorsTrusted, refusalSentence } from '../trust';
import { meterUsage } from '../usage-meter';
import { loadForCommand, resolveTargetModel, endpointFailure } from './shared';

export interface EvalFlags {
  dataset?: string;
  baseUrl?: string;
  model?: string;
  concurrency?: string;
  json?: boolean;
  cache?: boolean;
  trust?: boolean;
  matchExpected?: boolean;
  robustChoices?: boolean;
  batch?: boolean;
}

/** The Whetstone extensions turned on, by the names the output shows. */
function extensionNames(ext: EvalExtensions): string[] {
  return [...(ext.matchExpected ? ['match-expected'] : []), ...(ext.robustChoices ? ['robust-choices'] : [])];
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
  for (const note of fileRequestFields(loaded.doc).ignored) progress.line(`${file}: ${note}`);
  const trusted = codeEvaluatorsTrusted(file, flags.trust);
  const refused = trusted ? [] : codeEvaluators(loaded.evaluators);
  if (refused.length)
    progress.line(refusalSentence(file, refused, (s) => evaluatorName(s, loaded.evaluators.indexOf(s))));
  const endpoint = await openEndpoint(flags, process.env, (l) => progress.line(l));
  try {
    const target = endpoint.model(resolveTargetModel(flags.model, loaded.doc.model));
    const meter = meterUsage(endpoint.llm);
    const extensions: EvalExtensions = { matchExpected: !!flags.matchExpected, robustChoices: !!flags.robustChoices };
    // Cases are written as they finish (in row order, through a small reorder window), not held until the end.
    const out = createCaseWriter(flags.json ? jsonCaseLine : textCaseLine, process.stdout);
    if (flags.json)
      process.stdout.write(`{"prompt":${JSON.stringify(file)},"model":${JSON.stringify(target.model)},"results":[`);
    let passed = 0;
    let notRunCount = 0;
    const result = await runEval({
      extensions,
      doc: loaded.doc,
      rows: loaded.rows,
      evaluators: loaded.evaluators,
      llm: endpoint.llm,
      target,
      trusted,
      concurrency: endpoint.concurrency,
      batch: flags.batch,
      keepResults: false,
      onCase: (c, done, total) => {
        if (notRun(c)) notRunCount++;
        else if (c.pass) passed++;
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
      passed,
      failed: result.cases - passed - notRunCount,
      notRun: notRunCount,
      score: result.score,
      extensions: extensionNames(extensions),
      calls: meter.totals.calls,
      tokens: meter.totals.tokens,
      costUsd: meter.totals.costUsd,
      ...(flags.batch && { batchCalls: meter.totals.batchCalls }),
    };
    if (flags.json) {
      process.stdout.write(`\n],${JSON.stringify(totals).slice(1)}\n`);
    } else {
      const cost = totals.costUsd === null ? 'cost unknown' : `$${totals.costUsd.toFixed(4)}`;
      const batched = meter.totals.batchCalls
        ? ` (${meter.totals.batchCalls} through the batch API, at half price)`
        : '';
      process.stdout.write(
        `${passed}/${result.cases} passed${notRunCount ? ` · ${notRunCount} not run (code evaluators need --trust)` : ''} · score ${result.score.toFixed(3)} · ` +
          `${totals.calls} calls${batched} · ${totals.tokens} tokens · ${cost}${endpoint.simulated ? ' · SIMULATED' : ''}` +
          `${totals.extensions.length ? ` · Whetstone extensions: ${totals.extensions.join(', ')}` : ''}\n`,
      );
    }
    // Refused code evaluators leave the verdict incomplete: that is bad usage (2), never a pass.
    if (notRunCount) return EXIT.usage;
    return totals.failed ? EXIT.failures : EXIT.ok;
  } finally {
    await endpoint.close();
  }
}

/** A case whose code evaluator was refused has no verdict: it counts as not run, neither passed nor failed. */
const notRun = (r: EvalCaseResult) => r.evaluations.some((e) => e.untrusted);

function jsonCaseLine(r: EvalCaseResult, first: boolean): string {
  const entry = {
    index: r.index,
    vars: r.vars,
    expected: r.expected,
    output: r.output,
    status: notRun(r) ? 'not run' : r.pass ? 'pass' : 'fail',
    pass: r.pass && !notRun(r),
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
  const mark = notRun(r) ? '–' : r.pass ? '✓' : '✗';
  return `${mark} #${r.index + 1} ${oneLine(r.output)}${why ? `  — ${why}` : ''}\n`;
}

const oneLine = (text: string) => (text.length > 60 ? `${text.slice(0, 57)}…` : text).replace(/\s+/g, ' ');
