/**
 * The `yaml` package's errors in words a prompt engineer understands. Its messages speak of "implicit map keys",
 * "flow sequences" and "block scalars"; these say what is wrong on the line and how to fix it. The position comes
 * with the diagnostic (file:line:column), so the sentences say "this line", not where it is.
 */

/** What the `yaml` package reports: its error code and its own message. */
export interface YamlProblem {
  code: string;
  message: string;
}

type Rule = readonly [pattern: RegExp, plain: (m: RegExpExecArray) => string];

// At the top level the library calls an unclosed [ or { MISSING_CHAR, inside a block BAD_INDENT.
const UNCLOSED_FLOW: Rule = [
  /^Flow (sequence|map) (?:in block collection must be sufficiently indented and )?(?:must )?end with a (\S)/,
  (m) =>
    `A ${m[1] === 'map' ? '{' : '['} opened above is never closed. End it with \`${m[2]}\`, and indent any lines inside it.`,
];

const DEDENTED =
  'This line is indented less than the text above it, so it is not part of that text and is not a `key: value` line either. Indent it like the lines it belongs to (or add `key:` if it starts a new entry).';

/** Per code, the library's message variants, most specific first; the last rule of a code is its fallback. */
const RULES: Readonly<Record<string, readonly Rule[]>> = {
  MISSING_CHAR: [
    [/^Implicit map keys need to be followed by map values/, () => DEDENTED],
    [
      /^Sequence item without - indicator/,
      () =>
        'This line is indented less than the text above it, so it is read as a new list item, but it has no `- `. Indent it like the lines it belongs to.',
    ],
    [/^Missing closing (["'])quote/, (m) => `This quoted text has no closing ${m[1]}. Add one where the text ends.`],
    [
      /^Comments must be separated/,
      () => 'A `#` starts a comment only after a space. Put a space before it, or quote the whole value.',
    ],
    [/^Missing , (or : )?between/, () => 'The items inside [ ] or { } must be separated by commas.'],
    [/^Missing space after :/, () => 'Put a space after the colon.'],
    [/^Tags and anchors must be separated/, () => 'Put a space after the `!tag` or `&anchor`.'],
    UNCLOSED_FLOW,
    [/^Missing directives-end/, () => 'A `---` line is missing after the `%` directive lines.'],
    [/.*/, () => 'Something is missing here (a colon, a quote, a comma or a bracket).'],
  ],
  BAD_INDENT: [
    UNCLOSED_FLOW,
    [
      /^Block scalar lines must not be less indented than their/,
      () =>
        "This line of a `|` or `>` text is indented less than the text's first line, so the text ends above it. Indent it like the first line.",
    ],
    [
      /^All (sequence|mapping) items must start at the same column/,
      (m) =>
        `Every ${m[1] === 'sequence' ? 'list item (`- `)' : 'key'} in this block must start in the same column; this one does not line up with the ones above.`,
    ],
    [/.*/, () => 'This line is indented differently from the block it belongs to. Line it up with the lines above.'],
  ],
  BLOCK_AS_IMPLICIT_KEY: [
    [
      /^Nested mappings are not allowed in compact mappings/,
      () =>
        'This line has a second `: ` after its key, which YAML cannot read. Put the value in quotes if it contains a colon followed by a space.',
    ],
    [/.*/, () => 'A list cannot be used as a key. Put the list under a key instead.'],
  ],
  MULTILINE_IMPLICIT_KEY: [
    [
      /.*/,
      () =>
        'A key must fit on one line, and this one runs onto the next. Often a colon or a quote is missing on the line above.',
    ],
  ],
  KEY_OVER_1024_CHARS: [
    [
      /.*/,
      () =>
        'This key is longer than 1024 characters, which YAML does not allow. Often a missing line break or quote earlier makes a whole paragraph look like a key.',
    ],
  ],
  DUPLICATE_KEY: [[/.*/, () => 'This key appears twice in the same block. Remove or rename one of them.']],
  TAB_AS_INDENT: [[/.*/, () => 'This line is indented with a tab; YAML allows only spaces for indentation.']],
  BAD_DQ_ESCAPE: [
    [
      /^Invalid escape sequence (.*)/,
      (m) =>
        `\`${m[1]}\` is not a valid escape inside double quotes. Write \`\\\\\` for a backslash, or use single quotes or a \`|\` block.`,
    ],
    [/.*/, () => 'A backslash escape inside double quotes is not valid. Use single quotes or a `|` block instead.'],
  ],
  BAD_SCALAR_START: [
    [
      /^Plain value cannot start with block scalar indicator/,
      () => 'A `|` or `>` block cannot go inside [ ] or { }. Write the list or map on separate lines.',
    ],
    [
      /^Plain value cannot start with (?:reserved character|directive indicator character) (.)/,
      (m) => `A value cannot start with \`${m[1]}\` unless it is in quotes. Put the value in quotes.`,
    ],
    [/.*/, () => 'A value cannot start with this character unless it is in quotes. Put the value in quotes.'],
  ],
  UNEXPECTED_TOKEN: [
    [
      /^Unexpected scalar at node end/,
      () => 'There is more text after the value on this line. If the text belongs to the value, quote all of it.',
    ],
    [
      /^Block scalar header includes extra characters/,
      () =>
        'After `|` or `>` only `-`, `+`, a digit or a comment may follow on the same line. Start the text on the next line.',
    ],
    [
      /^Unexpected block-seq-ind on same line with key/,
      () => 'A list item (`- `) cannot start on the same line as its key. Start the list on the next line.',
    ],
    [
      /^Unexpected flow-(seq|map)-end/,
      (m) => `This \`${m[1] === 'seq' ? ']' : '}'}\` closes nothing. Remove it or quote the value.`,
    ],
    [/^Unexpected ,/, () => 'This comma is out of place. Remove it, or quote the value if the comma belongs to it.'],
    [/.*/, () => 'YAML cannot read the text here. Check the indentation, and quote values that contain `: ` or ` #`.'],
  ],
  BLOCK_IN_FLOW: [[/.*/, () => 'A `|` or `>` block or an indented list cannot go inside [ ] or { }.']],
  BAD_ALIAS: [
    [
      /.*/,
      () =>
        'This `*alias` or `&anchor` has no name, or its name ends in `:`. Quote the value if `*` or `&` is meant as text.',
    ],
  ],
  ALIAS_PROPS: [[/.*/, () => 'A `*alias` cannot have a `!tag` or `&anchor` of its own.']],
  MULTIPLE_ANCHORS: [[/.*/, () => 'A value can have only one `&anchor`.']],
  MULTIPLE_TAGS: [[/.*/, () => 'A value can have only one `!tag`.']],
  BAD_PROP_ORDER: [[/.*/, () => 'A `!tag` or `&anchor` must come after the `- `, `? ` or `: ` before it.']],
  TAG_RESOLVE_FAILED: [
    [
      /^Unresolved tag: (\S+)/,
      (m) => `YAML does not know the tag \`${m[1]}\`. Quote the value if the \`!\` is meant as text.`,
    ],
    [/.*/, () => 'The value does not fit its `!tag`.'],
  ],
  BAD_COLLECTION_TYPE: [
    [/.*/, () => 'The `!tag` here is for a different kind of value (a list, a map or plain text).'],
  ],
  BAD_DIRECTIVE: [
    [
      /.*/,
      () =>
        'A line starting with `%` is read as a YAML directive, and this one is unknown. Quote the value if `%` is meant as text.',
    ],
  ],
  MULTIPLE_DOCS: [
    [
      /.*/,
      () => 'A `---` line starts a second YAML document here; this file may hold only one. Remove the `---` line.',
    ],
  ],
  NON_STRING_KEY: [[/.*/, () => 'A key must be plain text, not a list or a map.']],
  RESOURCE_EXHAUSTION: [[/.*/, () => 'The `*alias` references here expand to too much data; YAML stops reading.']],
};

/** The problem as a plain sentence; an unknown code keeps the library's words, marked as YAML's. */
export function plainYamlMessage(problem: YamlProblem): string {
  const raw = problem.message.split('\n')[0];
  for (const [pattern, plain] of RULES[problem.code] ?? []) {
    const m = pattern.exec(raw);
    if (m) return plain(m);
  }
  return `YAML cannot read this: ${raw}`;
}
