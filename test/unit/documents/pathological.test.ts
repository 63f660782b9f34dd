/**
 * Inputs that take naive parsers down: deep nesting (the YAML library recurses per level and, near a thousand
 * levels, kills the process) and long blank runs (regular expressions with `\s*(…)*?\s*` backtrack cubically).
 * These finish quickly now; before, they crashed the process or ran for minutes (the mocha timeout catches that).
 */
import { strict as assert } from 'node:assert';
import { parsePromptFile, parseSidecar } from '../../../src/core/documents';
import {
  checkCandidateInvariants,
  extractVariables,
  jinjaInputNames,
  protectedRegions,
  renderTemplate,
} from '../../../src/core/template';

describe('documents: pathological input', function () {
  this.timeout(20000);

  it('refuses YAML nested thousands of levels deep with a diagnostic instead of crashing', () => {
    for (const text of ['['.repeat(5000), '- '.repeat(3000) + 'x', `messages: ${'{a: '.repeat(3000)}`]) {
      const doc = parsePromptFile('deep.prompt.yml', text);
      assert.equal(doc.diagnostics[0].code, 'yaml-too-deep');
      assert.equal(parseSidecar('deep.whetstone.yaml', text).diagnostics[0].code, 'yaml-too-deep');
      assert.equal(parsePromptFile('deep.prompty', `---\n${text}\n---\nbody`).diagnostics[0].code, 'yaml-too-deep');
    }
  });

  it('handles long blank runs inside and around template delimiters', () => {
    const blanks = ' '.repeat(30000);
    for (const text of [
      `{{${blanks}`,
      `{%${blanks}`,
      `{#${blanks}`,
      `{{ a${blanks}}}`,
      `{% if a${blanks}%}x{% endif %}`,
      `system:${blanks}\nuser:\n{{q}}`,
      `a${blanks}b`,
      `${'\n'.repeat(30000)}x`,
    ]) {
      extractVariables(text, 'jinja2');
      extractVariables(text, 'mustache');
      extractVariables(text, 'gh-models');
      jinjaInputNames(text);
      renderTemplate(text, { a: 1 }, 'jinja2');
      renderTemplate(text, { a: 1 }, 'mustache');
      renderTemplate(text, { a: 1 }, 'gh-models');
      protectedRegions(text, 'prompty');
      checkCandidateInvariants(text, text, 'prompty');
      parsePromptFile('x.prompty', text);
      parsePromptFile('x.prompt.md', text);
    }
    assert.equal(renderTemplate(`{% if a${blanks}%}x{% endif %}`, { a: 1 }, 'jinja2').text, 'x');
  });

  it('does not recurse without bound on deeply nested control flow', () => {
    const text = '{% if a %}'.repeat(5000) + 'x' + '{% endif %}'.repeat(5000);
    const r = renderTemplate(text, { a: true }, 'jinja2');
    assert.ok(r.text === 'x' || r.errors.length > 0, 'rendered, or refused with an error: never a crash');
    parsePromptFile('deep.prompty', text);
  });
});
