import { strict as assert } from 'node:assert';
import type { JobEvent } from '../../../src/core/jobs/types';
import { runFromEvents } from '../../../src/protocol';
import { click, openPanel, text } from './harness';
import { baseline, candidate, snapshot } from './fixtures';

const SCRIPT = '<script>window.__xss = 1</script>';
const IMG = '<img src=x onerror="window.__xss = 2">';
const SVG = '<svg onload="window.__xss = 3"></svg>';
const PAYLOAD = `${SCRIPT} ${IMG} ${SVG} {{review}}`;

function hostileRun() {
  const evil = candidate({
    id: 1,
    score: 0.7,
    status: 'best',
    prompt: `Classify.\n${PAYLOAD}`,
    origin: { kind: 'edit', why: `Because ${IMG}` },
    examples: [{ rowIndex: 0, input: { review: SCRIPT }, expected: IMG, output: SVG, score: 1, pass: true }],
  });
  const rejected = candidate({ id: 2, status: 'rejected', rejectedReason: `broke variable ${IMG}`, prompt: SCRIPT });
  const events: JobEvent[] = [
    { type: 'started', runId: 'run-x', method: 'apo', at: '2026-11-27T10:00:00.000Z' },
    { type: 'candidate', candidate: baseline },
    { type: 'candidate', candidate: evil },
    { type: 'candidate', candidate: rejected },
    { type: 'log', level: 'warn', message: `retrying ${SCRIPT}` },
    { type: 'failed', error: `endpoint said ${IMG}` },
  ];
  return runFromEvents(events);
}

describe('results panel: model and file text is rendered as text', () => {
  it('shows XSS payloads as characters, creates no script/img/svg-from-text and runs nothing', () => {
    const page = openPanel(undefined, 'dangerously');
    page.app.receive({
      type: 'snapshot',
      snapshot: snapshot({ promptLabel: `reviews${IMG}.prompt.yml`, run: hostileRun() }),
    });
    page.app.receive({ type: 'notice', level: 'error', message: SCRIPT });
    click(page, page.root.querySelector('[data-action=toggleExamples]'));
    click(page, page.root.querySelector('[data-action=diffSplit]'));
    page.root.querySelector('details.warnings')?.setAttribute('open', '');
    const all = text(page.root);
    assert.ok(all.includes(SCRIPT), 'the script tag is visible as text');
    assert.ok(all.includes('onerror="window.__xss = 2"'), 'the img payload is visible as text');
    assert.equal(page.root.querySelectorAll('script, img, iframe, object, embed').length, 0);
    // Only the chart's SVG exists, never one made from the payload.
    for (const element of page.root.querySelectorAll('svg')) assert.ok(element.classList.contains('chart'));
    for (const element of page.root.querySelectorAll('*')) {
      for (const attr of element.getAttributeNames()) assert.ok(!/^on/i.test(attr), `no handler attribute (${attr})`);
    }
    assert.equal((page.window as unknown as { __xss?: number }).__xss, undefined);
    // The rejection reason and the critique are text too.
    click(page, page.root.querySelector('tr[data-candidate="2"]'));
    assert.match(text(page.root.querySelector('[data-testid=details]')), /broke variable <img src=x onerror=/);
  });

  it('the three-version conflict view shows hostile text as text', () => {
    const page = openPanel(undefined, 'dangerously');
    page.app.receive({ type: 'snapshot', snapshot: snapshot({ run: hostileRun() }) });
    page.app.receive({
      type: 'acceptConflict',
      conflict: { runId: 'run-x', candidateId: 1, original: SCRIPT, current: IMG, candidate: SVG },
    });
    assert.equal(page.root.querySelector('[data-testid=conflict-original]')?.textContent, SCRIPT);
    assert.equal(page.root.querySelector('[data-testid=conflict-current]')?.textContent, IMG);
    assert.equal(page.root.querySelectorAll('script, img').length, 0);
    assert.equal((page.window as unknown as { __xss?: number }).__xss, undefined);
  });
});

describe('results panel source: no HTML sinks', () => {
  it('webview code never assigns HTML strings (innerHTML, outerHTML, insertAdjacentHTML, document.write)', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const path = await import('node:path');
    const root = path.join(__dirname, '..', '..', '..', 'webview');
    const files = readdirSync(root, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.ts'));
    assert.ok(files.length >= 5);
    for (const file of files) {
      const source = readFileSync(path.join(root, file), 'utf8');
      assert.ok(
        !/\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write|createContextualFragment/.test(source),
        `${file} uses an HTML sink`,
      );
    }
  });
});
