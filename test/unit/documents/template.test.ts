import { strict as assert } from 'node:assert';
import {
  checkCandidateInvariants,
  extractVariables,
  jinjaInputNames,
  protectedRegions,
  renderTemplate,
} from '../../../src/core/template';

describe('template: variables', () => {
  // Jinja2 (Prompty): names come from nunjucks' parse, so a name read in a tag counts and a comment does not.
  it('jinja2: finds {{ var }}, {{var|filter}}, dotted roots and tag reads, ignoring {# #}', () => {
    const text = 'Hi {{ name }}, {{topic|upper}} and {{ user.address.city }}. {% if name %}x{% endif %} {# {{note}} #}';
    const refs = extractVariables(text, 'jinja2');
    assert.deepEqual(
      refs.map((r) => r.name),
      ['name', 'topic', 'user', 'name'],
    );
    assert.equal(text.slice(refs[0].span.start, refs[0].span.end), '{{ name }}');
  });

  it('finds ${input:name} and ${input:name:placeholder}, not built-ins like ${selection}', () => {
    const text = 'Fix ${selection} in ${file}: ${input:goal} (${input:style:terse, clear})';
    const refs = extractVariables(text, 'vscode-input');
    assert.deepEqual(
      refs.map((r) => [r.name, r.placeholder]),
      [
        ['goal', undefined],
        ['style', 'terse, clear'],
      ],
    );
  });

  it('knows which names a Jinja template reads (loop variables excluded)', () => {
    const names = jinjaInputNames(
      '{% for item in documentation %}{{item.id}}{% endfor %}{% if customer|length > 0 %}{{customer.name}}{% endif %}',
    );
    assert.deepEqual([...names].sort(), ['customer', 'documentation']);
  });
});

describe('template: rendering', () => {
  // Jinja2 prints str(value) (runtime/python/prompty/prompty/renderers/jinja2.py); an undefined name prints nothing.
  it('jinja2: substitutes values, prints objects as Python does and reports missing names (rendered empty)', () => {
    const r = renderTemplate(
      'A {{a}} B {{ b.c }} C {{obj}} D {{missing}}',
      { a: 'x', b: { c: 2 }, obj: { k: [1] } },
      'jinja2',
    );
    assert.equal(r.text, "A x B 2 C {'k': [1]} D ");
    assert.deepEqual(r.missing, ['missing']);
  });

  it('jinja2: evaluates if / elif / else / for', () => {
    const tpl =
      '{% if items|length > 0 %}Items:{% for it in items %} [{{it.name}}]{% endfor %}{% else %}none{% endif %}';
    assert.equal(renderTemplate(tpl, { items: [{ name: 'a' }, { name: 'b' }] }, 'jinja2').text, 'Items: [a] [b]');
    assert.equal(renderTemplate(tpl, { items: [] }, 'jinja2').text, 'none');
    const eq = '{% if tone == "kind" %}Be kind.{% elif not tone %}Neutral.{% else %}Other.{% endif %}';
    assert.equal(renderTemplate(eq, { tone: 'kind' }, 'jinja2').text, 'Be kind.');
    assert.equal(renderTemplate(eq, {}, 'jinja2').text, 'Neutral.');
    assert.equal(renderTemplate(eq, { tone: 'x' }, 'jinja2').text, 'Other.');
  });

  it('jinja2: macros work; an unbalanced template is an error and is sent as written', () => {
    const r = renderTemplate('{% macro m(x) %}<{{x}}>{% endmacro %}{{ m(a) }}', { a: 1 }, 'jinja2');
    assert.equal(r.text, '<1>');
    assert.deepEqual(r.errors, []);
    const unbalanced = renderTemplate('{% if a %} {{a}}', { a: 'y' }, 'jinja2');
    assert.equal(unbalanced.text, '{% if a %} {{a}}');
    assert.equal(unbalanced.errors.length, 1);
  });

  it('renders ${input:…} and given built-ins for prompt.md; a missing input is reported', () => {
    const r = renderTemplate(
      'Check ${selection} for ${input:goal:bugs}; ${input:other}',
      { selection: 'x = 1', goal: 'style' },
      'vscode-input',
    );
    assert.equal(r.text, 'Check x = 1 for style; ${input:other}');
    assert.deepEqual(r.missing, ['other']);
  });
});

describe('template: protected regions and candidate invariants', () => {
  it('lists variables, control-flow tags, chat references, marked blocks and sidecar entries', () => {
    const md =
      'Use #tool:fetch and #githubRepo on ${selection} for ${input:x}.\n# Heading\n<!-- whetstone:protect -->KEEP<!-- /whetstone:protect -->';
    assert.deepEqual(protectedRegions(md, 'prompt.md', ['Heading', '/x+y/']), [
      '${input:x}',
      '${selection}',
      '#tool:fetch',
      '#githubRepo',
      '<!-- whetstone:protect -->KEEP<!-- /whetstone:protect -->',
      'Heading',
    ]);
    assert.deepEqual(protectedRegions('{{a}} {% if a %}b{% endif %}', 'prompty'), [
      '{{a}}',
      '{% if a %}',
      '{% endif %}',
    ]);
  });

  it('accepts a rewrite that keeps variables and protected text', () => {
    const r = checkCandidateInvariants(
      'Classify {{review}}. Say "OK".',
      'Please classify: {{review}}. Say "OK".',
      'prompt.yml',
      ['"OK"'],
    );
    assert.deepEqual(r, { ok: true, violations: [] });
    // gh-models fills only an exact {{review}} (pkg/prompt/prompt.go TemplateString): `{{ review }}` drops it.
    const spaced = checkCandidateInvariants('Classify {{review}}.', 'Classify {{ review }}.', 'prompt.yml');
    assert.deepEqual(spaced.violations, ['removes the variable {{review}}, which every candidate must keep']);
    // In a prompty, both spellings are the same Jinja variable.
    assert.equal(checkCandidateInvariants('Classify {{review}}.', 'Classify {{ review }}.', 'prompty').ok, true);
  });

  it('names dropped and added variables and changed protected text', () => {
    const r = checkCandidateInvariants('Review {{review}} with #tool:fetch', 'Review {{text}} carefully', 'prompt.md');
    assert.equal(r.ok, false);
    // prompt.md variables are ${input:…}; {{…}} is plain text there, so only the tool reference counts.
    assert.deepEqual(r.violations, ['changes the protected text "#tool:fetch", which must stay as written']);
    const y = checkCandidateInvariants('Review {{review}}', 'Review {{x}}', 'prompt.yml');
    assert.deepEqual(y.violations, [
      'removes the variable {{review}}, which every candidate must keep',
      'adds {{x}}, which is not a variable of this prompt: no message and no test row gives it a value',
    ]);
  });

  it('says where an added variable really comes from: another message, a test-data field, or nowhere', () => {
    const sources = { elsewhere: new Map([['review', 'user']]), columns: new Set(['review', 'context']) };
    const check = (candidate: string) =>
      checkCandidateInvariants('Classify the review.', candidate, 'prompt.yml', [], undefined, sources).violations;
    assert.deepEqual(check('Classify the review.\nReview: {{review}}'), [
      'adds {{review}} to the optimized text, where the original does not use it; the user message already fills it, so the model would receive it twice',
    ]);
    assert.deepEqual(check('Classify the review. Context: {{context}}'), [
      'adds {{context}}, a test-data field the original prompt does not use, so the prompt would depend on an input your application may not send',
    ]);
    // The same spelling rule as the runtime: in a prompt.yml, `{{ review }}` is literal text, so nothing is added.
    assert.deepEqual(check('Classify the review {{ review }}.'), []);
  });

  it('rejects a prompty candidate that would add a role line', () => {
    const r = checkCandidateInvariants('Be brief.', 'Be brief.\nuser:\nhi', 'prompty');
    assert.equal(r.ok, false);
    assert.match(r.violations[0], /role line "user:"/);
  });
});

describe('template: Jinja whitespace control', () => {
  it('trims around {%- -%} and {{- -}} like Jinja', () => {
    assert.equal(
      renderTemplate('A\n{%- if x %}\n  B {{- x -}}  \n{%- endif %}\nC', { x: 1 }, 'jinja2').text,
      'A\n  B1\nC',
    );
    assert.equal(renderTemplate('{% for i in xs -%}\n {{i}}\n{%- endfor %}', { xs: [1, 2] }, 'jinja2').text, '12');
  });
});
