/** Suggestions after a job: ranking, the CodeLens row, cycling candidates, and the host's own Accept (one undoable edit). */
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import { rankCandidates } from '../../../src/host/jobs/suggestions';
import type { JobInfo } from '../../../src/host/jobs/jobManager';
import type { CandidateRecord, JobEvent, JobResult } from '../../../src/core/jobs/types';
import { activateWhetstone, writeWorkspaceFile } from './hostHelpers';
import type { WhetstoneApi } from '../../../src/host/extension';

const candidate = (
  id: number,
  prompt: string,
  score: number | undefined,
  status: CandidateRecord['status'] = 'scored',
): JobEvent => ({
  type: 'candidate',
  candidate: { id, parent: 0, round: 1, prompt, origin: { kind: 'edit' }, status, score, tokens: 0, costUsd: null },
});

function finishedJob(uri: vscode.Uri): JobInfo {
  const used = { calls: 10, cachedCalls: 0, tokens: 100, costUsd: null, seconds: 1 };
  const result: JobResult = {
    runId: 'fake-run',
    method: 'apo',
    baseline: { score: 0.5 },
    best: { id: 3, score: 0.9, prompt: 'Be brief and exact.' },
    rounds: [],
    used,
    stopReason: 'done',
  };
  return {
    runId: 'fake-run',
    uri,
    fileName: 's.prompt.yml',
    method: 'apo',
    status: 'done',
    runFile: '',
    startedAt: new Date(0),
    originalRegion: 'Be brief.',
    result,
    events: [
      candidate(0, 'Be brief.', 0.5),
      candidate(3, 'Be brief and exact.', 0.85),
      candidate(5, 'Be exact.', 0.7),
      candidate(6, 'Be vague.', 0.4),
      candidate(7, 'Drop {{q}}.', undefined, 'rejected'),
      candidate(3, 'Be brief and exact.', 0.9, 'best'),
      candidate(8, 'Be exact.', 0.75),
    ],
  };
}

const titles = async (uri: vscode.Uri) =>
  (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 10)).map(
    (l) => l.command?.title ?? '',
  );

suite('host: suggestions', () => {
  let api: WhetstoneApi;
  suiteSetup(async () => {
    api = await activateWhetstone();
  });

  test('ranking: above the baseline, best first, one per prompt, rejected ones left out', () => {
    const ranked = rankCandidates(finishedJob(vscode.Uri.file('/w/s.prompt.yml')));
    assert.deepStrictEqual(
      ranked.map((c) => [c.id, c.score]),
      [
        [3, 0.9],
        [8, 0.75],
      ],
    );
  });

  test('CodeLens offers Accept / Diff / Next / Dismiss; Next cycles; Accept writes the candidate as one undoable edit', async () => {
    const text = 'name: s\nmessages:\n  - role: system\n    content: Be brief.\n  - role: user\n    content: "{{q}}"\n';
    const uri = writeWorkspaceFile('host-suggest/s.prompt.yml', text);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    api.context.suggestions.offerFrom(finishedJob(uri));
    let shown = await titles(uri);
    for (const t of ['✓ Accept best (+0.40)', '⇄ Diff', '▸ Next candidate (1/2)', '✗ Dismiss'])
      assert.ok(shown.includes(t), shown.join(' · '));

    await vscode.commands.executeCommand('whetstone.nextSuggestion', uri);
    shown = await titles(uri);
    assert.ok(shown.includes('✓ Accept #8 (+0.25)') && shown.includes('▸ Next candidate (2/2)'), shown.join(' · '));
    await vscode.commands.executeCommand('whetstone.nextSuggestion', uri);
    assert.ok((await titles(uri)).includes('✓ Accept best (+0.40)'));

    // The host's own Accept (the panel's is tried first when it is there; this run exists only in memory).
    const panelAccept = api.context.resultsPanel.accept;
    api.context.resultsPanel.accept = undefined;
    try {
      assert.strictEqual(await vscode.commands.executeCommand('whetstone.acceptSuggestion', uri), true);
    } finally {
      api.context.resultsPanel.accept = panelAccept;
    }
    assert.strictEqual(doc.getText(), text.replace('content: Be brief.', 'content: Be brief and exact.'));
    const afterAccept = await titles(uri);
    assert.ok(
      afterAccept.includes('✓ Accepted #3 (+0.40)') && !afterAccept.some((t) => t.startsWith('✓ Accept best')),
      `once accepted the row says so and offers no second accept: ${afterAccept.join(' · ')}`,
    );
    await vscode.commands.executeCommand('undo');
    assert.strictEqual(doc.getText(), text);
    // The undo is seen as such: the region reads as before the accept (the state follows the document change).
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && api.context.suggestions.get(uri)?.state !== 'undone')
      await new Promise((r) => setTimeout(r, 50));
    assert.strictEqual(api.context.suggestions.get(uri)?.state, 'undone');
    assert.ok((await titles(uri)).includes('↶ Undone #3'), (await titles(uri)).join(' · '));
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  test('Dismiss removes the suggestion; a region changed since the run is not overwritten', async () => {
    const text = 'name: s\nmessages:\n  - role: system\n    content: Be brief.\n';
    const uri = writeWorkspaceFile('host-suggest/t.prompt.yml', text);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    api.context.suggestions.offerFrom(finishedJob(uri));
    await vscode.commands.executeCommand('whetstone.dismissSuggestion', uri);
    assert.ok(!(await titles(uri)).some((t) => t.startsWith('✓ Accept')));

    api.context.suggestions.offerFrom(finishedJob(uri));
    const edit = new vscode.WorkspaceEdit();
    edit.replace(uri, doc.lineAt(3).range, '    content: Be kind.');
    await vscode.workspace.applyEdit(edit);
    const panelAccept = api.context.resultsPanel.accept;
    api.context.resultsPanel.accept = undefined;
    try {
      assert.strictEqual(await vscode.commands.executeCommand('whetstone.acceptSuggestion', uri), false);
    } finally {
      api.context.resultsPanel.accept = panelAccept;
    }
    assert.ok(doc.getText().includes('Be kind.'));
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });
});
