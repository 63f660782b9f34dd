/**
 * `whetstone mcp` driven by the MCP SDK's own client over stdio (the built CLI as a real process), against the local
 * test server over real HTTP: list tools, eval a file, start an optimization, poll it to done, read the result, and
 * cancel another. Tool shapes follow the SDK's McpServer.registerTool (modelcontextprotocol/typescript-sdk,
 * src/server/mcp.ts); progress follows the spec's notifications/progress (one token per request, increasing).
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { startSimServer, type SimServer } from '../../../src/sim/server';
import { createSimulatedTask } from '../../../src/sim/task';
import { cliPath, tempWorkspace } from './run-cli';

type ToolResult = { isError?: boolean; content: { type: string; text?: string }[]; structuredContent?: any };

describe('whetstone mcp (stdio MCP server, SDK client)', function () {
  this.timeout(120_000);
  const task = createSimulatedTask({ seed: 0 });
  const file = 'reviews.prompt.yml';
  let server: SimServer;
  let dir: string;
  let client: Client;

  beforeEach(async () => {
    server = await startSimServer({ handler: task.handler });
    dir = tempWorkspace({ [file]: task.promptText, 'reviews.whetstone.yaml': task.sidecarText });
    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      OPENAI_BASE_URL: server.url,
      OPENAI_MODEL: 'sim-model',
    };
    delete env.OPENAI_API_KEY;
    client = new Client({ name: 'whetstone-test', version: '1.0.0' });
    await client.connect(
      new StdioClientTransport({ command: process.execPath, args: [cliPath, 'mcp'], cwd: dir, env }),
    );
  });
  afterEach(async () => {
    await client.close();
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const call = (name: string, args: Record<string, unknown>, options?: Parameters<Client['callTool']>[2]) =>
    client.callTool({ name, arguments: args }, undefined, options) as Promise<ToolResult>;

  async function pollUntilDone(runId: string): Promise<ToolResult> {
    for (let i = 0; i < 600; i++) {
      const status = await call('run_status', { runId });
      assert.ok(!status.isError, status.content[0]?.text);
      if (status.structuredContent.status !== 'running') return status;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`run ${runId} never finished`);
  }

  it('lists its tools, each with an input schema', async () => {
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((t) => t.name).sort(), [
      'cancel_run',
      'check',
      'eval',
      'optimize',
      'run_result',
      'run_status',
    ]);
    for (const tool of tools) {
      assert.equal(tool.inputSchema.type, 'object', tool.name);
      assert.ok(tool.description && tool.description.length > 20, `${tool.name} says what it does`);
    }
    const optimize = tools.find((t) => t.name === 'optimize')!;
    assert.deepEqual((optimize.inputSchema.required as string[]).sort(), ['file', 'method']);
  });

  it('eval returns the CLI contract object, with progress notifications', async () => {
    const progress: number[] = [];
    const result = await call('eval', { file }, { onprogress: (p) => progress.push(p.progress) });
    assert.ok(!result.isError, result.content[0]?.text);
    const report = result.structuredContent;
    assert.equal(report.prompt, file);
    assert.equal(report.cases, report.passed + report.failed);
    assert.ok(report.cases > 0);
    assert.equal(report.calls, server.stats.requests, 'every HTTP call is counted');
    assert.match(result.content[0].text!, new RegExp(`^${report.passed}/${report.cases} passed`));
    assert.ok(progress.length > 0, 'the client saw progress');
    assert.deepEqual(
      progress,
      [...progress].sort((a, b) => a - b),
      'progress only increases',
    );
  });

  it('check reports the diagnostics of each file, errors counted', async () => {
    fs.writeFileSync(`${dir}/broken.prompt.yml`, 'messages: [\n');
    const result = await call('check', { files: [file, 'broken.prompt.yml'] });
    assert.ok(!result.isError, result.content[0]?.text);
    const report = result.structuredContent;
    assert.equal(report.files, 2);
    assert.ok(report.errors >= 1);
    assert.deepEqual(
      report.results[0].diagnostics.filter((d: any) => d.severity === 'error'),
      [],
    );
    assert.ok(report.results[1].diagnostics.some((d: any) => d.severity === 'error' && d.line >= 1));
    assert.match(result.content[0].text!, /^\d+ error\(s\)/);
  });

  it('optimize returns a run id at once; run_status reaches done; run_result has the best prompt', async () => {
    const started = await call('optimize', { file, method: 'apo', preset: 'quick', seed: 1 });
    assert.ok(!started.isError, started.content[0]?.text);
    const { runId } = started.structuredContent;
    assert.match(runId, /^\d{8}-\d{6}-apo-[0-9a-f]{4}$/);
    const status = await pollUntilDone(runId);
    assert.equal(status.structuredContent.status, 'done');
    assert.ok(status.structuredContent.candidates > 0);
    const result = await call('run_result', { runId });
    assert.ok(!result.isError, result.content[0]?.text);
    assert.equal(result.structuredContent.runId, runId);
    assert.ok(result.structuredContent.best.score > result.structuredContent.baseline.score);
    assert.equal(fs.readFileSync(`${dir}/${file}`, 'utf8'), task.promptText, 'the tool never edits the file');
  });

  it('cancel_run stops a running job, which ends cancelled in its log', async () => {
    server.faults.when(() => true, { kind: 'delay', ms: 40 });
    const started = await call('optimize', { file, method: 'apo', seed: 2 });
    assert.ok(!started.isError, started.content[0]?.text);
    const { runId } = started.structuredContent;
    const running = await call('run_status', { runId });
    assert.equal(running.structuredContent.status, 'running');
    const cancelled = await call('cancel_run', { runId });
    assert.ok(!cancelled.isError, cancelled.content[0]?.text);
    assert.equal(cancelled.structuredContent.stopReason, 'cancelled');
    const after = await call('run_status', { runId });
    assert.equal(after.structuredContent.status, 'done');
    assert.equal(after.structuredContent.stopReason, 'cancelled', 'the log ends with the cancelled result');
  });

  it('optimize with wait: true reports progress and cancelling the call cancels the run', async () => {
    server.faults.when(() => true, { kind: 'delay', ms: 40 });
    const controller = new AbortController();
    const progress: string[] = [];
    const call1 = call(
      'optimize',
      { file, method: 'apo', seed: 3, wait: true },
      {
        signal: controller.signal,
        onprogress: (p) => {
          progress.push(p.message ?? '');
          controller.abort();
        },
      },
    );
    await assert.rejects(call1, /abort/i);
    assert.match(progress[0], /^round 1\/\d+/);
    // The server interrupted its child: its run log ends with the cancelled result.
    for (let i = 0; i < 300; i++) {
      const runs = fs
        .readdirSync(`${dir}/.whetstone/runs`, { recursive: true })
        .map(String)
        .filter((f) => f.endsWith('.jsonl'));
      const text = runs.length ? fs.readFileSync(`${dir}/.whetstone/runs/${runs[0]}`, 'utf8') : '';
      if (/"stopReason":"cancelled"/.test(text)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.fail('the run never ended cancelled');
  });

  it('refuses what it must: a file outside the workspace, a malformed run id, bad input with the CLI reason', async () => {
    const outside = await call('eval', { file: '../../etc/passwd' });
    assert.ok(outside.isError);
    assert.match(outside.content[0].text!, /outside the workspace/);
    const traversal = await call('run_status', { runId: '../../x' });
    assert.ok(traversal.isError);
    assert.match(traversal.content[0].text!, /not a run id/);
    fs.writeFileSync(`${dir}/broken.prompt.yml`, 'messages: [\n');
    const broken = await call('optimize', { file: 'broken.prompt.yml', method: 'apo' });
    assert.ok(broken.isError);
    assert.match(broken.content[0].text!, /broken\.prompt\.yml:\d+/, 'names the file and line');
  });
});
