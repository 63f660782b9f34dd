/** The `whetstone` command: the engine headless, for terminals and CI (DESIGN.md "CLI contract"). */
import { Command, CommanderError, Option } from 'commander';
import { METHODS } from '../core/jobs/types';
import { CliError, EXIT } from './errors';
import { redactUrlSecrets } from '../core/redact-urls';
import { evalCommand } from './commands/eval';
import { optimizeCommand } from './commands/optimize';
import { runsCommand } from './commands/runs';
import { downloadModelCommand } from './commands/download-model';
import { checkCommand } from './commands/check';
import { mcpCommand } from './commands/mcp';

const program = new Command('whetstone')
  .description('Evaluate and optimize prompt files (.prompt.yml, .prompty, .prompt.md)')
  .version('0.1.0')
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

const endpointOptions = (cmd: Command) =>
  cmd
    .option(
      '--base-url <url>',
      'OpenAI-compatible base URL (default: $OPENAI_BASE_URL; `sim` = bundled simulated endpoint)',
    )
    .option('--concurrency <n>', 'parallel requests per endpoint (default 4)')
    .option('--retry-minutes <m>', 'how long one call waits out rate limits (429) before failing (default 10)')
    .option('--no-cache', 'bypass the response cache in .whetstone/cache')
    .option(
      '--cache-max-mb <n>',
      'size cap of the response cache, LRU-evicted (default $WHETSTONE_CACHE_MAX_MB or 256)',
    )
    .option('--json', 'print one JSON object on stdout')
    .option('--trust', "run the prompt file's code (javascript) evaluators, in the QuickJS sandbox");

endpointOptions(
  program
    .command('eval <prompt-file>')
    .description('run the prompt over its test cases and evaluators; exit 1 if any case fails')
    .option('--dataset <file>', "dataset file (JSONL, CSV, YAML) instead of the file's own rows")
    .option('--model <m>', "target model (default: the file's model)")
    .option('--match-expected', 'Whetstone extension: check rows that have `expected` but no evaluators against it')
    .option('--robust-choices', "Whetstone extension: read an LLM judge's answer, not gh's first choice contained")
    .option(
      '--batch',
      "send the target calls as one batch through the provider's batch API (half price, results within 24 h; " +
        're-running the same command picks up a batch already sent)',
    ),
).action(async (file: string, flags) => finish(await evalCommand(file, flags)));

endpointOptions(
  program
    .command('optimize <prompt-file>')
    .description("optimize the prompt's system message or body with APO, SPO, PMPO, OPRO, CAPO or GEPA")
    .addOption(new Option('--method <method>', 'algorithm').choices(METHODS).makeOptionMandatory())
    .option('--rounds <r>', 'optimization rounds')
    .option('--budget-calls <n>', 'stop after at most N model calls')
    .option('--budget-usd <x>', 'stop after spending at most X US dollars')
    .option('--model <m>', 'model for every role unless a role flag says otherwise')
    .option('--target-model <m>', 'model that runs the prompt')
    .option('--optimizer-model <m>', 'model that critiques and rewrites')
    .option('--judge-model <m>', 'model that judges (SPO, LLM evaluators)')
    .option('--scorer-model <m>', 'model that returns log-probs (PMPO); local:<path.gguf> for the embedded backend')
    .option('--preset <name>', 'quick (small budgets) or default (paper settings)')
    .option('--dataset <file>', "dataset file instead of the file's own rows")
    .option('--seed <s>', 'seed for every random choice', '0')
    .option('--resume <run-id>', 'resume an interrupted run from its log')
    .option('--apply', 'write the best prompt into the file (only the optimized region changes)')
    .option(
      '--batch',
      "send the target calls through the provider's batch API (half price, slower); optimizer and judge calls stay " +
        'direct; --resume picks up a batch already sent',
    ),
).action(async (file: string, flags) => finish(await optimizeCommand(file, flags)));

program
  .command('check <files...>')
  .description('report the problems the editor shows for each prompt file; exit 1 if any is an error')
  .option('--json', 'print one JSON object on stdout')
  .action(async (files: string[], flags) => finish(await checkCommand(files, flags)));

program
  .command('runs')
  .description('list past runs, or show one')
  .argument('[action]', 'list | show', 'list')
  .argument('[run-id]', 'the run to show')
  .option('--json', 'print JSON on stdout')
  .action(async (action: string, runId: string | undefined, flags) => finish(await runsCommand(action, runId, flags)));

program
  .command('download-model <url>')
  .description('download a GGUF model for `local:` use, verify its SHA-256, resume partial downloads')
  .requiredOption('--sha256 <hex>', 'expected SHA-256 of the file')
  .option('--dir <dir>', 'where to store it (default: ~/.cache/whetstone/models)')
  .action(async (url: string, flags) => finish(await downloadModelCommand(url, flags)));

program
  .command('mcp')
  .description('serve eval, optimize, run_status, run_result and cancel_run as an MCP server on stdio')
  .option('--trust', "run the prompt files' code evaluators (isolated; never without this flag)")
  .action(async (flags) => finish(await mcpCommand(flags, program.version() ?? '0.0.0')));

// `whetstone runs show X | head -1`: the reader went away; stop quietly instead of dying on EPIPE.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});

function finish(code: number): void {
  process.exitCode = code;
}

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof CommanderError) {
    // --help and --version exit 0; every other parse error is bad usage.
    process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    return;
  }
  const code = error instanceof CliError ? error.exitCode : EXIT.endpoint;
  const message = redactUrlSecrets(error instanceof Error ? error.message : String(error));
  process.stderr.write(`whetstone: ${message.split('\n')[0]}\n`);
  if (!(error instanceof CliError) && process.env.WHETSTONE_DEBUG)
    process.stderr.write(`${redactUrlSecrets(String((error as Error).stack))}\n`);
  process.exitCode = code;
});
