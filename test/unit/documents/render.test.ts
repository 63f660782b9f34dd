import { strict as assert } from 'node:assert';
import { mergeSettings, parsePromptFile, renderMessages, renderMessagesWithReport } from '../../../src/core/documents';
import { fixture } from './corpus';

describe('documents: renderMessages', () => {
  it('prompt.md: the body as one user message, candidate region and ${input:} values filled', () => {
    const f = fixture('code-review.prompt.md');
    const doc = parsePromptFile(f.file, f.text);
    const r = renderMessagesWithReport(doc, 'Check ${selection} for ${input:focus}. Read ${input:docsUrl}.', {
      selection: 'x++',
      focus: 'races',
    });
    assert.deepEqual(r.messages, [{ role: 'user', content: 'Check x++ for races. Read ${input:docsUrl}.' }]);
    assert.deepEqual(r.missing, ['docsUrl']);
  });

  it('prompty without role lines: one system message from the candidate body', () => {
    const doc = parsePromptFile('b.prompty', '---\nname: b\n---\nAnswer {{q}}.\n');
    assert.deepEqual(renderMessages(doc, 'Answer briefly: {{q}}', { q: 'why' }), [
      { role: 'system', content: 'Answer briefly: why' },
    ]);
  });

  it('prompty role sections: only the optimized message takes the candidate; others render as written', () => {
    const doc = parsePromptFile('c.prompty', '---\nname: c\n---\nsystem:\nOld.\n\nuser:\n{{q}}\n\nassistant:\nOk.\n');
    assert.deepEqual(renderMessages(doc, 'New {{q}}.', { q: 'hi' }), [
      { role: 'system', content: 'New hi.' },
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: 'Ok.' },
    ]);
  });

  it('prompty thread input: a line holding only {{conversation}} becomes the conversation messages', () => {
    const text =
      '---\ninputs:\n  - name: conversation\n    kind: thread\n  - name: question\n---\nsystem:\nYou help.\n\n{{conversation}}\n\nuser:\n{{question}}\n';
    const doc = parsePromptFile('t.prompty', text);
    const conversation = [
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello!' },
    ];
    assert.deepEqual(renderMessages(doc, doc.optimizable!.text, { conversation, question: 'And now?' }), [
      { role: 'system', content: 'You help.' },
      ...conversation,
      { role: 'user', content: 'And now?' },
    ]);
    // Not a thread value: rendered as text (JSON for objects), in place.
    assert.equal(
      renderMessages(doc, doc.optimizable!.text, { conversation: 'none', question: 'q' })[0].content,
      'You help.\n\nnone',
    );
  });

  it('sidecar region that matches nothing falls back to the default with a warning', () => {
    const doc = parsePromptFile('c.prompty', '---\nname: c\n---\nsystem:\nA\n');
    const merged = mergeSettings(doc, { region: 'user' });
    assert.equal(merged.optimizable?.text, 'A');
    assert.equal(merged.diagnostics.filter((d) => d.code === 'invalid-region').length, 1);
  });
});
