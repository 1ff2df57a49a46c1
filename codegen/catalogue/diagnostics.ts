/**
 * Problems found in a catalogue, as data: a stable code, a location and a hint.
 * Stages collect them all before failing; formatting is separate (see `format-diagnostics.ts`).
 */

/** Every diagnostic code, with its severity and what it means (the README's table comes from here). */
export const DIAGNOSTIC_CODES = {
  'yaml-syntax': { severity: 'error', summary: 'The file is not valid YAML.' },
  'duplicate-key': { severity: 'error', summary: 'A mapping has the same key twice.' },
  'yaml-alias-limit': { severity: 'error', summary: 'YAML aliases expand past the safe limit (an alias bomb).' },
  'nesting-limit': { severity: 'error', summary: 'The YAML nests deeper than 300 levels (collections within collections).' },
  'invalid-structure': { severity: 'error', summary: 'A catalogue field is missing or has the wrong kind of value.' },
  'unknown-key': { severity: 'error', summary: 'A key the catalogue format does not define (use an `x-` prefix for extensions).' },
  'invalid-event-name': { severity: 'error', summary: 'An event name is not dot-separated lower snake case with 2 or 3 segments.' },
  'undeclared-domain': { severity: 'error', summary: "An event's first segment is not a declared domain." },
  'invalid-name': { severity: 'error', summary: 'A domain, shared type or service name does not follow its naming rule.' },
  'reserved-name': { severity: 'error', summary: 'A key named `__proto__`, which would change the prototype of generated objects.' },
  'identifier-collision': { severity: 'error', summary: 'Two names produce the same TypeScript identifier.' },
  'undefined-ref': { severity: 'error', summary: '`$ref` names no shared type (`#/types/Name`) and no definition of its payload or type (`#/$defs/Name`), or another document.' },
  'ref-cycle': { severity: 'error', summary: 'Shared types refer to each other without an object or array in between: no value could satisfy them.' },
  'unsupported-keyword': { severity: 'error', summary: 'A keyword that is not JSON Schema 2020-12 validation vocabulary, or one refused on purpose (the hint says why).' },
  'invalid-keyword-value': { severity: 'error', summary: 'A JSON Schema keyword has a value of the wrong kind.' },
  'unsupported-format': { severity: 'error', summary: '`format` names a format that is not supported.' },
  'missing-type': { severity: 'warning', summary: 'A type-specific keyword (such as `properties` or `minLength`) without `type`: values of other types pass the schema.' },
  'keyword-without-effect': { severity: 'error', summary: 'A keyword that does nothing without a partner (`then` without `if`, `minContains` without `contains`), or a mark that cannot be honoured there (`x-sensitive` in `propertyNames`).' },
  'inapplicable-keyword': { severity: 'warning', summary: 'A keyword for values `type` excludes (`minLength` beside `type: integer`): JSON Schema ignores it, and so does the generated code.' },
  'redundant-keyword': { severity: 'warning', summary: 'A keyword that changes nothing, such as `format` beside a `const` that satisfies it.' },
  'enum-value-rejected': { severity: 'error', summary: 'An `enum` or `const` value that a keyword beside it rejects.' },
  'required-missing-property': { severity: 'error', summary: '`required` names a property that a closed object (no extra keys, no patterns) does not define.' },
  'invalid-pattern': { severity: 'error', summary: '`pattern` or a `patternProperties` key is not a valid regular expression (Unicode mode).' },
  'backtracking-pattern': { severity: 'warning', summary: 'A pattern that can backtrack for exponential time, or polynomial time on strings no `maxLength` bounds (a hostile input could hold a validator for seconds).' },
  'contradictory-bounds': { severity: 'error', summary: 'Bounds that no value can satisfy, such as `minimum` > `maximum`.' },
  'duplicate-enum-value': { severity: 'error', summary: '`enum` lists the same value twice.' },
  'enum-type-mismatch': { severity: 'error', summary: 'An `enum` or `const` value that its own `type` rejects.' },
  'invalid-example': { severity: 'error', summary: 'An example payload that the payload schema rejects.' },
  'version-order': { severity: 'error', summary: "An event's `previous` versions are not increasing, or not all below its `version`." },
  'upcaster-missing': { severity: 'error', summary: 'A step between two kept versions of an event is breaking (an old payload may be invalid as the new one), and no `upcast` is declared for it.' },
  'unused-domain': { severity: 'warning', summary: 'A declared domain has no events.' },
  'undeclared-event': { severity: 'error', summary: 'A service names an event or a domain (`domain.*`) the catalogue does not declare.' },
  'duplicate-reference': { severity: 'warning', summary: 'A service names the same event twice in one list (directly, or also through its domain).' },
  'unproduced-event': { severity: 'warning', summary: 'The catalogue declares services, and none of them produces this event.' },
  'consumed-unproduced': { severity: 'error', summary: 'A service consumes an event that no service produces.' },
  'multiple-producers': { severity: 'error', summary: 'Two services produce one event, and `defaults.singleProducer` says each event has one.' },
  'unknown-version': { severity: 'error', summary: 'A consumer accepts a version of an event that the event is not at and no longer keeps (or has not reached).' },
} as const satisfies Record<string, { severity: Severity; summary: string }>;

export type Severity = 'error' | 'warning';
export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;

/** A 1-based line and column in a file. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

export interface Diagnostic {
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  readonly message: string;
  /** What to do about it. */
  readonly hint?: string;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** Where the offending text ends (exclusive), when it is more than a point: for editors. */
  readonly endLine?: number;
  readonly endColumn?: number;
  /** JSON pointer to the offending value in the catalogue (`/events/plan.created/payload`). */
  readonly pointer: string;
}

/** A path into the catalogue document, as keys and indexes. */
export type DocPath = readonly (string | number)[];

/** A problem found before its position is known; the loader's locator places it. */
export interface Finding {
  readonly code: DiagnosticCode;
  readonly path: DocPath;
  readonly message: string;
  readonly hint?: string;
  /** Point at the key of the last path segment rather than at its value. */
  readonly atKey?: boolean;
}

export function toPointer(path: DocPath): string {
  return path.map((part) => '/' + String(part).replaceAll('~', '~0').replaceAll('/', '~1')).join('');
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((diagnostic) => diagnostic.severity === 'error');
}

/** Sorts by position, then code, so output is the same on every run. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      a.file.localeCompare(b.file) ||
      a.line - b.line ||
      a.column - b.column ||
      a.code.localeCompare(b.code) ||
      a.message.localeCompare(b.message),
  );
}
