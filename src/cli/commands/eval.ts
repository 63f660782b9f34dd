/** `whetstone eval <prompt-file>`: run the prompt over its cases and evaluators; exit 1 when a case fails. */
import * as path from 'node:path';
import { runEval } from '../../core/evaluation/run-eval';
import { fileRequestFields } from '../../core/evaluation/target-request';
import type { EvalExtensions } from '../../core/evaluators/context';
import { CliError, EXIT } from '../errors';
import { openEndpoint } from '../endpoint';
import { createProgress } from '../progress';
import { meterUsage } from '../usage-meter';
import { loadForCommand, resolveTargetModel, endpointFailure } from './shared';
import { evaluatorName } from '../../core/evaluators';
import { codeEvaluators, codeEvaluatorsTrusted, refusalSentence } from '../trust';

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
    const result = await runEval({
      extensions,
      doc: loaded.doc,
      rows: loaded.rows,
      evaluators: loaded.evaluators,
      llm: endpoint.llm,
      target,
      trusted,
      onCase: (_case, done, total) => progress.update(done, total, 'cases'),
    }).catch((error) => {
      throw endpointFailure(error, endpoint.baseUrl);
    });
    progress.finish();
    meter.stop();
    // A case whose code evaluator was refused has no verdict: it counts as not run, neither passed nor failed.
    const notRun = (r: (typeof result.results)[number]) => r.evaluations.some((e) => e.untrusted);
    const notRunCount = result.results.filter(notRun).length;
    const passed = result.results.filter((r) => r.pass && !notRun(r)).length;
    const report = {
      prompt: file,
      model: target.model,
      cases: result.cases,
      passed,
      failed: result.cases - passed - notRunCount,
      notRun: notRunCount,
      score: result.score,
      extensions: extensionNames(extensions),
      calls: meter.totals.calls,
      tokens: meter.totals.tokens,
      costUsd: meter.totals.costUsd,
      results: result.results.map((r) => ({
        index: r.index,
        vars: r.vars,
        expected: r.expected,
        output: r.output,
        status: notRun(r) ? 'not run' : r.pass ? 'pass' : 'fail',
        pass: r.pass && !notRun(r),
        score: r.score,
        evaluations: r.evaluations,
      })),
    };
    if (flags.json) {
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    } else {
      for (const r of result.results) {
        const why = r.evaluations
          .filter((e) => !e.pass)
          .map((e) => e.feedback ?? e.name)
          .join('; ');
        const mark = notRun(r) ? '–' : r.pass ? '✓' : '✗';
        process.stdout.write(`${mark} #${r.index + 1} ${oneLine(r.output)}${why ? `  — ${why}` : ''}\n`);
      }
      const cost = report.costUsd === null ? 'cost unknown' : `$${report.costUsd.toFixed(4)}`;
      process.stdout.write(
        `${passed}/${result.cases} passed${notRunCount ? ` · ${notRunCount} not run (code evaluators need --trust)` : ''} · score ${result.score.toFixed(3)} · ` +
          `${report.calls} calls · ${report.tokens} tokens · ${cost}${endpoint.simulated ? ' · SIMULATED' : ''}` +
          `${report.extensions.length ? ` · Whetstone extensions: ${report.extensions.join(', ')}` : ''}\n`,
      );
    }
    // Refused code evaluators leave the verdict incomplete: that is bad usage (2), never a pass.
    if (notRunCount) return EXIT.usage;
    return report.failed ? EXIT.failures : EXIT.ok;
  } finally {
    await endpoint.close();
  }
}

const oneLine = (text: string) => (text.length > 60 ? `${text.slice(0, 57)}…` : text).replace(/\s+/g, ' ');
