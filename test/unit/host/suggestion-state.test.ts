/**
 * One state per suggestion (issue 14): accept → Ctrl+Z is "undone" (the region reads as before the accept), Ctrl+Y
 * is "accepted" again, an edit while on offer is "stale"; the run log's accepted/undone lines fold into the same
 * answer for history after a reload.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseRunText } from '../../../src/core/runs';
import { applySuggestionState, nextSuggestionState, summarizeRun, runFromEvents } from '../../../src/protocol';
import { acceptancesOf, loadRun } from '../../../src/host/panel/runLog';

const s = (state: 'proposed' | 'accepted' | 'undone' | 'stale') => ({
  state,
  originalRegion: 'Be brief.\n',
  prompt: 'Be brief and exact.\n',
});

describe('suggestion state', () => {
  it('moves on the region text: undo, redo, edits, and back', () => {
    assert.equal(nextSuggestionState(s('accepted'), 'Be brief.\n'), 'undone');
    assert.equal(nextSuggestionState(s('accepted'), 'Be brief and exact.\n'), 'accepted');
    // Half an undo (the user typed over the candidate) is neither: the accept stands.
    assert.equal(nextSuggestionState(s('accepted'), 'Be brief and'), 'accepted');
    assert.equal(nextSuggestionState(s('undone'), 'Be brief and exact.'), 'accepted');
    assert.equal(nextSuggestionState(s('undone'), 'Something else'), 'undone');
    assert.equal(nextSuggestionState(s('proposed'), 'Be kind.'), 'stale');
    assert.equal(nextSuggestionState(s('proposed'), '  Be brief.  '), 'proposed', 'whitespace at the ends is ignored');
    assert.equal(nextSuggestionState(s('stale'), 'Be brief.'), 'proposed');
    assert.equal(nextSuggestionState(s('stale'), 'Be kinder.'), 'stale');
  });

  it('a candidate equal to the original is never "undone" by reading as itself', () => {
    assert.equal(nextSuggestionState({ state: 'accepted', originalRegion: 'x', prompt: 'x' }, 'x'), 'accepted');
  });

  it('folds accept / undo / accept into the acceptances the panel and history show', () => {
    let a = applySuggestionState([], { runId: 'r', candidateId: 3, state: 'accepted' }, 't1');
    a = applySuggestionState(a, { runId: 'r', candidateId: 3, state: 'accepted' }, 't1b');
    assert.deepEqual(a, [{ candidateId: 3, at: 't1' }], 'a repeated accept report adds nothing');
    a = applySuggestionState(a, { runId: 'r', candidateId: 3, state: 'undone' }, 't2');
    assert.deepEqual(a, [{ candidateId: 3, at: 't1', undoneAt: 't2' }]);
    a = applySuggestionState(a, { runId: 'r', candidateId: 3, state: 'undone' }, 't3');
    assert.deepEqual(a, [{ candidateId: 3, at: 't1', undoneAt: 't2' }], 'an undo without an accept is ignored');
    a = applySuggestionState(a, { runId: 'r', candidateId: 3, state: 'accepted' }, 't4');
    assert.equal(a.length, 2);
    assert.equal(a[1].undoneAt, undefined);
  });

  it('history after a reload: the run log says accepted, then undone', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'whetstone-undo-'));
    const file = path.join(dir, 'r.jsonl');
    const header = {
      kind: 'header',
      version: 1,
      runId: 'r',
      method: 'apo',
      seed: 0,
      preset: 'default',
      params: {},
      promptFile: 'p.prompt.yml',
      promptName: 'p',
      originalRegion: 'Be brief.',
      started: '2026-12-01T00:00:00.000Z',
      budget: { calls: 10 },
      split: { train: [0], validation: [] },
      rows: 1,
      evaluators: [],
      roles: {},
    };
    const lines = [
      header,
      { kind: 'event', event: { type: 'started', runId: 'r', method: 'apo', at: '2026-12-01T00:00:00.000Z' } },
      { kind: 'accepted', runId: 'r', candidateId: 2, at: '2026-12-01T00:01:00.000Z', prompt: 'Be exact.' },
      { kind: 'undone', runId: 'r', candidateId: 2, at: '2026-12-01T00:02:00.000Z' },
      // A hostile or torn line of the new kind is skipped, not fatal.
      { kind: 'undone', runId: 'r', candidateId: 'two', at: 5 },
    ];
    fs.writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const record = parseRunText(file, fs.readFileSync(file, 'utf8'), false)!;
    assert.equal(record.undone.length, 1);
    assert.deepEqual(acceptancesOf(record), [
      { candidateId: 2, at: '2026-12-01T00:01:00.000Z', undoneAt: '2026-12-01T00:02:00.000Z' },
    ]);
    const loaded = await loadRun(file);
    const summary = summarizeRun(loaded!.view);
    assert.deepEqual(summary.acceptedCandidateIds, []);
    assert.deepEqual(summary.undoneCandidateIds, [2]);
    const fresh = summarizeRun(runFromEvents([{ type: 'started', runId: 'x', method: 'apo', at: 't' }])!);
    assert.deepEqual([fresh.acceptedCandidateIds, fresh.undoneCandidateIds], [[], []]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
