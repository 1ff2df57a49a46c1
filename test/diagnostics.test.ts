import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DIAGNOSTIC_CODES, type DiagnosticCode } from '../codegen/catalogue/diagnostics.ts';
import { codeFrame, formatDiagnostics } from '../codegen/cli/format-diagnostics.ts';
import { paint } from '../codegen/cli/color.ts';
import { lintCatalogue } from '../codegen/pipeline/index.ts';

/** A small valid catalogue; each case below changes one thing in it. */
const HEAD = ['version: 1', 'domains:', '  plan: Plans.', 'events:'];
const VALID_EVENT = ['  plan.created:', '    description: Created.', '    payload:', '      type: object', '      properties:', '        id: { type: string }', '      required: [id]'];

function lines(...parts: (string | readonly string[])[]): string {
  return parts.flat().join('\n') + '\n';
}

/** An event `plan.created` whose payload properties are the given lines (at 8 spaces). */
function withProperties(...properties: string[]): string {
  return lines(HEAD, '  plan.created:', '    description: Created.', '    payload:', '      type: object', '      properties:', ...properties.map((line) => `        ${line}`));
}

/** Two events and a service producing `produced`; the lines that follow start at line 20. */
function withServices(produced: string, ...rest: string[]): string {
  return lines(HEAD, VALID_EVENT, '  plan.approved:', '    description: Approved.', '    payload: { type: object }', 'services:', '  planner:', '    description: Plans.', '    owner: planning', `    produces: [${produced}]`, ...rest);
}
const NOTIFIER = ['  notifier:', '    description: Tells.', '    owner: team'];

interface Case {
  readonly code: DiagnosticCode;
  readonly name: string;
  readonly yaml: string;
  readonly line: number;
  readonly column: number;
  readonly message?: RegExp;
}

const CASES: readonly Case[] = [
  { code: 'yaml-syntax', name: 'an unclosed flow sequence', yaml: lines(HEAD, VALID_EVENT, '      examples: [ { id: x }'), line: 13, column: 1 },
  { code: 'duplicate-key', name: 'the same event twice', yaml: lines(HEAD, VALID_EVENT, VALID_EVENT), line: 12, column: 3 },
  { code: 'yaml-alias-limit', name: 'an alias bomb', yaml: lines('a: &a [x, x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]', 'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]', 'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]', 'e: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]'), line: 1, column: 1 },
  { code: 'nesting-limit', name: 'flow lists 310 levels deep', yaml: withProperties(`id: { type: string, x-deep: ${'['.repeat(310)}${']'.repeat(310)} }`), line: 10, column: 331 },
  { code: 'invalid-structure', name: 'an event without a description', yaml: lines(HEAD, '  plan.created:', '    payload: { type: object }'), line: 5, column: 3, message: /missing required field `description`/ },
  // A field of the wrong kind is not a missing one: said at its value (it read "missing" before).
  { code: 'invalid-structure', name: 'a description that is a number', yaml: lines(HEAD, '  plan.created:', '    description: 5', '    payload: { type: object }'), line: 6, column: 18, message: /^events\.plan\.created\.description: Invalid input: expected string, received number$/ },
  { code: 'invalid-structure', name: 'previous that is not a list', yaml: lines(HEAD, VALID_EVENT.slice(0, 2), '    version: 2', VALID_EVENT.slice(2), '    previous: 5'), line: 13, column: 15, message: /expected a list of \{ version, payload, upcast\? \}/ },
  { code: 'invalid-structure', name: 'a format version that does not exist', yaml: lines('version: 2', HEAD.slice(1), VALID_EVENT), line: 1, column: 10 },
  { code: 'unknown-key', name: 'a misspelt event key', yaml: lines(HEAD, VALID_EVENT, '    deprecatd: true'), line: 12, column: 5, message: /`deprecatd`/ },
  { code: 'invalid-event-name', name: 'camel case in an event name', yaml: lines(HEAD, VALID_EVENT, VALID_EVENT.map((line) => line.replace('plan.created', 'plan.heartBeat'))), line: 12, column: 3 },
  { code: 'undeclared-domain', name: 'an event of an undeclared domain', yaml: lines(HEAD, VALID_EVENT, VALID_EVENT.map((line) => line.replace('plan.created', 'billing.created'))), line: 12, column: 3 },
  { code: 'invalid-name', name: 'a shared type in lower case', yaml: lines(HEAD.slice(0, 3), 'types:', '  actor: { type: string }', 'events:', VALID_EVENT), line: 5, column: 3 },
  { code: 'reserved-name', name: 'a property called __proto__', yaml: withProperties('__proto__: { type: string }'), line: 10, column: 9 },
  { code: 'identifier-collision', name: 'two names with the same identifier', yaml: lines(HEAD, '  plan.step_done.x:', VALID_EVENT.slice(1), '  plan.step.done_x:', VALID_EVENT.slice(1)), line: 12, column: 3, message: /`PlanStepDoneX`/ },
  { code: 'identifier-collision', name: 'a type named like a generated symbol', yaml: lines(HEAD.slice(0, 3), 'types:', '  EventType: { type: string }', 'events:', VALID_EVENT), line: 5, column: 3 },
  { code: 'undefined-ref', name: 'a $ref to a missing type', yaml: withProperties("owner: { $ref: '#/types/Actor' }"), line: 10, column: 24 },
  { code: 'ref-cycle', name: 'two types that are each other', yaml: lines(HEAD.slice(0, 3), 'types:', "  A: { $ref: '#/types/B' }", "  B: { anyOf: [{ $ref: '#/types/A' }, { type: string }] }", 'events:', VALID_EVENT), line: 5, column: 3, message: /A → B → A/ },
  { code: 'unsupported-keyword', name: 'a keyword JSON Schema does not have', yaml: withProperties('id: { type: string, minLenght: 2 }'), line: 10, column: 29, message: /`minLenght`/ },
  { code: 'unsupported-keyword', name: 'a keyword named like a member every object inherits', yaml: withProperties('id: { type: string, toString: 1, constructor: 2 }'), line: 10, column: 29, message: /`toString` is not a JSON Schema/ },
  { code: 'unsupported-keyword', name: 'a keyword refused on purpose, with why', yaml: withProperties('id: { type: object, $dynamicRef: "#meta" }'), line: 10, column: 29, message: /`\$dynamicRef` is not supported/ },
  { code: 'invalid-keyword-value', name: 'a negative minLength', yaml: withProperties('id: { type: string, minLength: -1 }'), line: 10, column: 40 },
  { code: 'unsupported-format', name: 'an unknown format', yaml: withProperties('id: { type: string, format: hostnam }'), line: 10, column: 37 },
  { code: 'missing-type', name: 'minLength without a type', yaml: withProperties('id: { minLength: 1 }'), line: 10, column: 15 },
  { code: 'inapplicable-keyword', name: 'minimum on a string', message: /^`minimum` applies to number or integer values, and `type` allows none: it has no effect here$/, yaml: withProperties('id: { type: string, minimum: 1 }'), line: 10, column: 29 },
  { code: 'keyword-without-effect', name: 'then without if', yaml: withProperties('id: { type: string, then: { minLength: 2 } }'), line: 10, column: 29 },
  { code: 'redundant-keyword', name: 'maxLength beside an enum it allows', yaml: withProperties('id: { type: string, enum: [a, b], maxLength: 3 }'), line: 10, column: 43 },
  { code: 'redundant-keyword', name: 'format beside const', yaml: withProperties("id: { const: 'https://example.com', format: uri }"), line: 10, column: 45 },
  { code: 'enum-value-rejected', name: 'an enum value that maxLength beside it rejects', yaml: withProperties('id: { type: string, enum: [a, bcdef], maxLength: 3 }'), line: 10, column: 39, message: /"bcdef" fails `maxLength: 3`/ },
  { code: 'required-missing-property', name: 'required naming a property a closed object cannot hold', yaml: lines(HEAD, VALID_EVENT.slice(0, -1), '      required: [id, name]'), line: 11, column: 22 },
  { code: 'backtracking-pattern', name: 'a nested quantifier, even under maxLength', yaml: withProperties("id: { type: string, pattern: '^(a+)+b$', maxLength: 20 }"), line: 10, column: 38, message: /^`pattern` can take exponential time \(even under `maxLength: 20`, which is checked first\): `\(a\+\)\+` matches a run of "a" in more than one way/ },
  { code: 'backtracking-pattern', name: 'two adjacent quantifiers on an unbounded string', yaml: withProperties("id: { type: string, pattern: 'a*a*b' }"), line: 10, column: 38, message: /^`pattern` can take polynomial time: `a\* … a\*`/ },
  { code: 'invalid-pattern', name: 'an unclosed group', yaml: withProperties("id: { type: string, pattern: '^(ab' }"), line: 10, column: 38 },
  { code: 'contradictory-bounds', name: 'minimum above maximum', yaml: withProperties('n: { type: integer, minimum: 10, maximum: 1 }'), line: 10, column: 29 },
  { code: 'contradictory-bounds', name: 'minLength above maxLength', yaml: withProperties('s: { type: string, minLength: 5, maxLength: 2 }'), line: 10, column: 28 },
  { code: 'duplicate-enum-value', name: 'an enum value twice', yaml: withProperties('s: { type: string, enum: [a, b, a] }'), line: 10, column: 41 },
  { code: 'enum-type-mismatch', name: 'a number in a string enum', yaml: withProperties('s: { type: string, enum: [a, 2] }'), line: 10, column: 38 },
  { code: 'invalid-example', name: 'an example with a wrong field', yaml: lines(HEAD, VALID_EVENT, '    examples:', '      - { id: 42 }'), line: 13, column: 15, message: /`id`: Invalid input: expected string/ },
  { code: 'version-order', name: 'an earlier version above the current one', yaml: lines(HEAD, VALID_EVENT, '    previous:', '      - version: 2', '        payload: { type: object }'), line: 13, column: 18, message: /kept as an earlier version, but the event is at version 1/ },
  { code: 'version-order', name: 'earlier versions out of order', yaml: lines(HEAD, VALID_EVENT.slice(0, 2), '    version: 4', VALID_EVENT.slice(2), '    previous:', '      - version: 2', '        payload: { type: object }', '      - version: 1', '        payload: { type: object }'), line: 16, column: 18, message: /version 1 of `plan.created` follows version 2/ },
  { code: 'upcaster-missing', name: 'a breaking step without an upcaster', yaml: lines(HEAD, VALID_EVENT.slice(0, 2), '    version: 2', VALID_EVENT.slice(2), '    previous:', '      - version: 1', '        payload:', '          type: object', '          properties: { name: { type: string } }', '          required: [name]'), line: 14, column: 18, message: /version 1 → 2 is breaking.*required field `id` added/ },
  { code: 'undeclared-event', name: 'a service consumes an event the catalogue lacks', yaml: withServices('plan.*', ...NOTIFIER, '    consumes: [plan.craeted]'), line: 23, column: 16, message: /^`plan\.craeted` is not an event of this catalogue$/ },
  { code: 'undeclared-event', name: 'a service produces a domain the catalogue lacks', yaml: withServices('plan.*', ...NOTIFIER, '    produces: [bill.*]'), line: 23, column: 16, message: /^`bill` is not a domain of this catalogue$/ },
  { code: 'duplicate-reference', name: 'an event named twice in one list', yaml: withServices('plan.*', ...NOTIFIER, '    consumes: [plan.*, plan.created]'), line: 23, column: 24, message: /^service `notifier` consumes `plan\.created` twice \(also at services\.notifier\.consumes\.0\)$/ },
  { code: 'unproduced-event', name: 'an event no service produces', yaml: withServices('plan.created'), line: 12, column: 3, message: /^no service produces `plan\.approved`$/ },
  { code: 'consumed-unproduced', name: 'a service consumes an event nobody produces', yaml: withServices('plan.created', ...NOTIFIER, '    consumes: [plan.approved]'), line: 23, column: 16, message: /^service `notifier` consumes `plan\.approved`, which no service produces$/ },
  { code: 'multiple-producers', name: 'two producers of one event where the catalogue says one', yaml: withServices('plan.*', ...NOTIFIER, '    produces: [plan.created]', 'defaults: { singleProducer: true }'), line: 23, column: 16, message: /^`plan\.created` is produced by `planner` and by `notifier`, but the catalogue says each event has one producer \(`defaults\.singleProducer`\)$/ },
  { code: 'unknown-version', name: 'a consumer accepts a version the event has not reached', yaml: withServices('plan.*', ...NOTIFIER, '    consumes: [{ event: plan.created, versions: [2] }]'), line: 23, column: 50, message: /^service `notifier` accepts version 2 of `plan\.created`, which the catalogue has not reached \(it is at version 1\)$/ },
  { code: 'invalid-name', name: 'a service name in capitals', yaml: withServices('plan.*', '  Notifier:', '    description: Tells.', '    owner: team'), line: 20, column: 3, message: /^service name "Notifier" is not lower case words joined by `-` or `_`$/ },
  { code: 'identifier-collision', name: 'two service names with one identifier', yaml: withServices('plan.*', '  plan-x:', '    description: X.', '    owner: team', '  plan_x:', '    description: X.', '    owner: team'), line: 23, column: 3, message: /^service `plan_x` would generate `planXService`, which service `plan-x` also generates$/ },
  { code: 'unused-domain', name: 'a domain with no events', yaml: lines(HEAD.slice(0, 3), '  billing: Money.', 'events:', VALID_EVENT), line: 4, column: 3 },
];

describe('diagnostics', () => {
  it.each(CASES)('$code: $name', ({ code, yaml, line, column, message }) => {
    const { diagnostics } = lintCatalogue(yaml, 'catalog.yaml');
    const found = diagnostics.find((diagnostic) => diagnostic.code === code);
    expect(found, formatDiagnostics(diagnostics, 'text')).toBeDefined();
    expect({ line: found?.line, column: found?.column }).toEqual({ line, column });
    if (message !== undefined) expect(found?.message).toMatch(message);
    expect(found?.severity).toBe(DIAGNOSTIC_CODES[code].severity);
  });

  it('has a case for every diagnostic code', () => {
    const tested = new Set(CASES.map((testCase) => testCase.code));
    expect(Object.keys(DIAGNOSTIC_CODES).filter((code) => !tested.has(code as DiagnosticCode))).toEqual([]);
  });

  it('accepts the valid base catalogue with no diagnostics at all', () => {
    const result = lintCatalogue(lines(HEAD, VALID_EVENT), 'catalog.yaml');
    expect(result.diagnostics).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it('reports every problem at once, in file order', () => {
    const yaml = withProperties('a: { type: string, minLength: -1 }', 'b: { type: strng }', 'c: { $ref: "#/types/Nope" }');
    const { diagnostics } = lintCatalogue(yaml, 'catalog.yaml');
    expect(diagnostics.map((diagnostic) => [diagnostic.code, diagnostic.line])).toEqual([
      ['invalid-keyword-value', 10],
      ['invalid-keyword-value', 11],
      ['undefined-ref', 12],
    ]);
  });

  it('reports schema problems next to structural ones', () => {
    const yaml = lines(HEAD, '  plan.created:', '    payload: { type: object, properties: { id: { type: strng } } }', '  plan.done:', '    description: Done.', '    payload: { type: object, properties: { n: { minimum: 1 } } }');
    const { diagnostics } = lintCatalogue(yaml, 'catalog.yaml');
    expect(diagnostics.map((diagnostic) => [diagnostic.code, diagnostic.line])).toEqual([
      ['invalid-structure', 5],
      ['invalid-keyword-value', 6],
      ['missing-type', 9],
    ]);
  });

  it('formats text, json and GitHub annotations with the location', () => {
    const { diagnostics } = lintCatalogue(withProperties('id: { type: string, format: hostnam }'), 'catalog.yaml');
    expect(formatDiagnostics(diagnostics, 'text')).toBe('catalog.yaml:10:37 error unsupported-format format "hostnam" is not supported\n  hint: did you mean `hostname`?');
    expect(formatDiagnostics(diagnostics, 'github')).toBe(
      '::error file=catalog.yaml,line=10,col=37,title=eventspec unsupported-format::format "hostnam" is not supported (hint: did you mean `hostname`?)',
    );
    const json = JSON.parse(formatDiagnostics(diagnostics, 'json')) as { diagnostics: unknown[] };
    expect(json.diagnostics).toEqual([expect.objectContaining({ code: 'unsupported-format', line: 10, column: 37, pointer: '/events/plan.created/payload/properties/id/format' })]);
  });
});

describe('one mistake, one diagnostic, and what to do about it', () => {
  const only = (yaml: string): [string, string | undefined][] => lintCatalogue(yaml, 'catalog.yaml').diagnostics.map((diagnostic) => [diagnostic.code, diagnostic.hint]);

  it('a misspelt required key is the unknown key, with the key it should be', () => {
    expect(only(lines(HEAD, '  plan.created:', '    descripton: Created.', '    payload: { type: object }'))).toEqual([['unknown-key', 'did you mean `description`?']]);
    expect(only(lines(HEAD, VALID_EVENT, '    exampels: []'))).toEqual([['unknown-key', 'did you mean `examples`?']]);
  });

  it('a tab is one YAML error, with how to fix it', () => {
    expect(only(lines(HEAD, '  plan.created:', '\tdescription: Created.', '    payload: { type: object }'))).toEqual([['yaml-syntax', 'indent with spaces: YAML does not allow tabs for indentation']]);
  });

  it('suggests the nearest declared domain, shared type, keyword and format', () => {
    expect(only(lines(HEAD, VALID_EVENT.map((line) => line.replace('plan.created', 'pln.created')))).find(([code]) => code === 'undeclared-domain')?.[1]).toMatch(/did you mean `plan` \(`plan\.created`\)\?/);
    expect(only(withProperties('id: { type: string, minLenght: 1 }'))[0]?.[1]).toBe('did you mean `minLength`?');
    expect(only(withProperties('id: { type: string, format: date_time }'))[0]?.[1]).toBe('did you mean `date-time`?');
  });

  it('puts a code frame under each text diagnostic: the line and a caret under the token, whatever the line holds', () => {
    const text = lines(HEAD, '  plan.created:', '    descripton: Created.', '    payload: { type: object }');
    const { diagnostics } = lintCatalogue(text, 'catalog.yaml');
    expect(formatDiagnostics(diagnostics, 'text', paint(false), () => text)).toBe(
      'catalog.yaml:6:5 error unknown-key unknown key `descripton` in events.plan.created\n   6 |     descripton: Created.\n     |     ^^^^^^^^^^\n  hint: did you mean `description`?',
    );
    expect(codeFrame('a: "x\u2028y"\n', 1, 4, paint(false))).toBe('   1 | a: "x y"\n     |    ^^^^^');
    expect(codeFrame('\tkey: 1\n', 1, 2, paint(false))).toBe('   1 | \tkey: 1\n     | \t^^^');
    expect(codeFrame(`x: ${'y'.repeat(300)}\n`, 1, 250, paint(false))?.split('\n').every((line) => line.length < 120)).toBe(true);
    expect(codeFrame('a: 1\n', 9, 1, paint(false))).toBeUndefined();
  });
});

describe('the README', () => {
  it('documents every diagnostic code with its severity', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    for (const [code, { severity }] of Object.entries(DIAGNOSTIC_CODES)) {
      expect(readme, code).toContain(`| \`${code}\` | ${severity} |`);
    }
  });
});

describe('a catalogue nested past what the YAML parser can follow', () => {
  it('is the nesting limit, on the line where the parser gave up (never `Maximum call stack size exceeded`)', () => {
    const result = lintCatalogue(withProperties(`id: { type: string, x-deep: ${'['.repeat(5000)}${']'.repeat(5000)} }`), 'deep.yaml');
    expect(result.ok).toBe(false);
    expect(result.diagnostics.map((each) => [each.code, each.line, each.message])).toEqual([['nesting-limit', 10, 'the YAML nests deeper than 300 levels']]);
  });
});
