import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { contentSecurityPolicy, createNonce, renderPanelHtml } from '../../../src/host/panel/html';
import { minimalReplacement } from '../../../src/host/panel/textEdit';

describe('results panel HTML and edits (host side, pure)', () => {
  it('has a strict CSP: nonce scripts only, own-origin styles/fonts, nothing unsafe, no inline handlers', () => {
    const nonce = createNonce();
    assert.match(nonce, /^[A-Za-z0-9+/]{22}==$/);
    assert.notEqual(createNonce(), nonce);
    const csp = contentSecurityPolicy('https://x.vscode-cdn.net', nonce);
    assert.equal(
      csp,
      `default-src 'none'; script-src 'nonce-${nonce}'; style-src https://x.vscode-cdn.net; font-src https://x.vscode-cdn.net; img-src https://x.vscode-cdn.net data:`,
    );
    const html = renderPanelHtml({
      cspSource: 'https://x.vscode-cdn.net',
      nonce,
      scriptUri: 'https://x/main.js',
      styleUri: 'https://x/panel.css',
      title: 'Whetstone: <a>.prompt.yml',
    });
    assert.ok(!/unsafe-/.test(html));
    assert.ok(!/\son[a-z]+=/i.test(html), 'no inline handlers');
    assert.equal((html.match(/<script/g) ?? []).length, 1);
    assert.ok(html.includes(`<script nonce="${nonce}" src="https://x/main.js"></script>`));
    assert.ok(html.includes('<title>Whetstone: &lt;a&gt;.prompt.yml</title>'));
    assert.ok(!/<style/.test(html) && !/style="/.test(html), 'no inline style');
  });

  it('minimalReplacement changes only the differing middle and round-trips', () => {
    assert.deepEqual(minimalReplacement('a: 1\nb: old\nc: 3\n', 'a: 1\nb: new text\nc: 3\n'), {
      start: 8,
      end: 11,
      text: 'new text',
    });
    assert.equal(minimalReplacement('same', 'same'), undefined);
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (before, after) => {
        const r = minimalReplacement(before, after);
        const result = r ? before.slice(0, r.start) + r.text + before.slice(r.end) : before;
        assert.equal(result, after);
      }),
      { seed: 7, numRuns: 300 },
    );
  });
});
