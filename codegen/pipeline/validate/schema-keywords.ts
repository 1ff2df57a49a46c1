/**
 * The supported JSON Schema subset as an allow-list: each keyword, the kind of value it takes and
 * the type it applies to. Anything outside the list is refused with its location, because a
 * validator that ignored a keyword would accept what the schema meant to reject.
 */
import { FORMAT_TYPES, type FormatName } from 'eventspec/payload';
import type { DocPath, Finding } from '../../catalogue/diagnostics.ts';
import { closest } from '../../catalogue/suggest.ts';
import { subSchemas, TYPE_NAMES, type JsonSchema, type TypeName } from '../../catalogue/types.ts';
import { literalSiblings } from './literal-siblings.ts';
import { formatAndPattern } from './pattern-rules.ts';
import { dynamicEvaluation } from './evaluation.ts';

type ValueCheck = (value: unknown) => string | undefined;

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const nonNegativeInteger: ValueCheck = (value) =>
  Number.isInteger(value) && (value as number) >= 0 ? undefined : 'expected a non-negative integer';
const finiteNumber: ValueCheck = (value) =>
  typeof value === 'number' && Number.isFinite(value) ? undefined : 'expected a number';
const boolean: ValueCheck = (value) => (typeof value === 'boolean' ? undefined : 'expected true or false');
const string: ValueCheck = (value) => (typeof value === 'string' ? undefined : 'expected a string');
const anything: ValueCheck = () => undefined;
const isSchema = (value: unknown): boolean => typeof value === 'boolean' || isRecord(value);
const schema: ValueCheck = (value) => (isSchema(value) ? undefined : 'expected a schema (a mapping, true or false)');
const schemaList: ValueCheck = (value) =>
  Array.isArray(value) && value.length > 0 && value.every(isSchema) ? undefined : 'expected a non-empty list of schemas';
const schemaMap: ValueCheck = (value) => (isRecord(value) && Object.values(value).every(isSchema) ? undefined : 'expected a mapping of names to schemas');
const uniqueNames: ValueCheck = (value) =>
  Array.isArray(value) && value.every((item) => typeof item === 'string')
    ? new Set(value).size === value.length ? undefined : 'a property is listed twice'
    : 'expected a list of property names';

interface KeywordRule {
  readonly check: ValueCheck;
  /** The instance types this keyword constrains; absent for keywords that apply to any value. */
  readonly appliesTo?: readonly TypeName[];
  /** Annotations describe and never reject, so they may stand beside anything. */
  readonly annotation?: true;
}

const NUMERIC: readonly TypeName[] = ['number', 'integer'];

export const KEYWORDS = {
  type: {
    check: (value) => {
      const names = Array.isArray(value) ? value : [value];
      if (names.length === 0) return 'expected a type name or a non-empty list of them';
      const unknown = names.find((name) => !(TYPE_NAMES as readonly unknown[]).includes(name));
      if (unknown !== undefined) return `unknown type ${JSON.stringify(unknown)}; expected one of ${TYPE_NAMES.join(', ')}`;
      return new Set(names).size === names.length ? undefined : 'a type is listed twice';
    },
  },
  properties: { check: schemaMap, appliesTo: ['object'] },
  required: { check: uniqueNames, appliesTo: ['object'] },
  additionalProperties: { check: schema, appliesTo: ['object'] },
  patternProperties: { check: schemaMap, appliesTo: ['object'] },
  propertyNames: { check: schema, appliesTo: ['object'] },
  minProperties: { check: nonNegativeInteger, appliesTo: ['object'] },
  maxProperties: { check: nonNegativeInteger, appliesTo: ['object'] },
  dependentRequired: {
    check: (value) => (isRecord(value) && Object.values(value).every((names) => uniqueNames(names) === undefined) ? undefined : 'expected a mapping of property names to lists of property names'),
    appliesTo: ['object'],
  },
  dependentSchemas: { check: schemaMap, appliesTo: ['object'] },
  items: { check: (value) => (Array.isArray(value) ? 'a list of schemas is the old tuple form; in 2020-12 it is `prefixItems`' : schema(value)), appliesTo: ['array'] },
  prefixItems: { check: schemaList, appliesTo: ['array'] },
  unevaluatedProperties: { check: schema, appliesTo: ['object'] },
  unevaluatedItems: { check: schema, appliesTo: ['array'] },
  contains: { check: schema, appliesTo: ['array'] },
  minContains: { check: nonNegativeInteger, appliesTo: ['array'] },
  maxContains: { check: nonNegativeInteger, appliesTo: ['array'] },
  minItems: { check: nonNegativeInteger, appliesTo: ['array'] },
  maxItems: { check: nonNegativeInteger, appliesTo: ['array'] },
  uniqueItems: { check: boolean, appliesTo: ['array'] },
  enum: { check: (value) => (Array.isArray(value) && value.length > 0 ? undefined : 'expected a non-empty list of values') },
  const: { check: anything },
  oneOf: { check: schemaList },
  anyOf: { check: schemaList },
  allOf: { check: schemaList },
  not: { check: schema },
  if: { check: schema },
  then: { check: schema },
  else: { check: schema },
  $ref: { check: string },
  $defs: { check: schemaMap, annotation: true },
  format: { check: string },
  pattern: { check: string, appliesTo: ['string'] },
  minLength: { check: nonNegativeInteger, appliesTo: ['string'] },
  maxLength: { check: nonNegativeInteger, appliesTo: ['string'] },
  minimum: { check: finiteNumber, appliesTo: NUMERIC },
  maximum: { check: finiteNumber, appliesTo: NUMERIC },
  exclusiveMinimum: { check: finiteNumber, appliesTo: NUMERIC },
  exclusiveMaximum: { check: finiteNumber, appliesTo: NUMERIC },
  multipleOf: { check: (value) => (typeof value === 'number' && value > 0 && Number.isFinite(value) ? undefined : 'expected a number greater than 0'), appliesTo: NUMERIC },
  title: { check: string, annotation: true },
  description: { check: string, annotation: true },
  $comment: { check: string, annotation: true },
  default: { check: anything, annotation: true },
  examples: { check: (value) => (Array.isArray(value) ? undefined : 'expected a list'), annotation: true },
  deprecated: { check: boolean, annotation: true },
  readOnly: { check: boolean, annotation: true },
  writeOnly: { check: boolean, annotation: true },
  // In 2020-12 these describe encoded content and never fail validation.
  contentMediaType: { check: string, annotation: true },
  contentEncoding: { check: string, annotation: true },
  contentSchema: { check: schema, annotation: true },
} as const satisfies { readonly [keyword: string]: KeywordRule };

/** The rule of a keyword of the payload language; own entries only, so `constructor` is no keyword. */
export function keywordRule(keyword: string): KeywordRule | undefined {
  return Object.hasOwn(KEYWORDS, keyword) ? (KEYWORDS as { readonly [keyword: string]: KeywordRule })[keyword] : undefined;
}

/** Keywords refused on purpose, each with why and what to write instead. */
const REFUSED: { readonly [keyword: string]: string } = {
  definitions: 'move the schema under `types:` and refer to it as `$ref: "#/types/Name"`',
  $id: 'a payload is identified by its event; remove `$id` (exports give each event its own `$id`)',
  $anchor: 'anchors are not supported: refer to shared types as `$ref: "#/types/Name"`',
  $dynamicRef: 'dynamic references are out of scope: use `$ref: "#/types/Name"`',
  $dynamicAnchor: 'dynamic references are out of scope: use `$ref: "#/types/Name"`',
  $recursiveRef: 'recursive references (2019-09) are out of scope: use `$ref: "#/types/Name"`, which may recurse',
  $recursiveAnchor: 'recursive references (2019-09) are out of scope: use `$ref: "#/types/Name"`, which may recurse',
  $vocabulary: 'vocabularies are out of scope: the catalogue always uses the 2020-12 validation vocabulary',
  $schema: 'a payload always uses the catalogue\'s dialect (2020-12): remove `$schema`',
  dependencies: 'this draft-07 keyword is split in 2020-12: use `dependentRequired` (lists of names) or `dependentSchemas` (schemas)',
  additionalItems: 'this draft-07 keyword is `items` (beside `prefixItems`) in 2020-12',
};

/** Keywords our own tool defines, beyond `x-` extensions that it ignores. */
const EXTENSIONS: { readonly [keyword: string]: KeywordRule } = {
  'x-sensitive': { check: boolean, annotation: true },
};

export const SUPPORTED_FORMATS = Object.keys(FORMAT_TYPES);

/** What a schema's keywords need to know of the catalogue. */
export interface SchemaOptions {
  /** `annotate`: `format` only describes, so any format name is accepted. */
  readonly formats: 'assert' | 'annotate';
  /** Objects that say `type: object` and nothing of `additionalProperties` are closed. */
  readonly closedByDefault: boolean;
  /** The catalogue's shared types, for what `unevaluatedProperties` follows through `$ref`. */
  readonly types?: { readonly [name: string]: unknown };
}

function typesOf(node: Record<string, unknown>): readonly TypeName[] | undefined {
  const type = node['type'];
  if (type === undefined) return undefined;
  return (Array.isArray(type) ? type : [type]) as TypeName[];
}

/** The instance types a keyword constrains (`format` depends on its value); undefined for any. */
export function keywordTypes(keyword: string, value: unknown): readonly TypeName[] | undefined {
  if (keyword === 'format') {
    const type = typeof value === 'string' && Object.hasOwn(FORMAT_TYPES, value) ? FORMAT_TYPES[value as FormatName] : undefined;
    return type === undefined ? undefined : type === 'number' ? NUMERIC : [type];
  }
  return keywordRule(keyword)?.appliesTo;
}

/** A rule that looks at one schema node after its keywords' own values were found sound. */
export type NodeRule = (node: Record<string, unknown>, path: DocPath, options: SchemaOptions & { readonly branch: boolean; readonly root: boolean }) => Finding[];

/**
 * A type-specific keyword needs its type in `type`. Without any `type` it would let every other
 * kind of value through, as JSON Schema says: that is honoured (other values pass), and worth a
 * warning, since it is rarely meant outside a branch of `allOf`/`oneOf`/`anyOf`/`if`.
 */
const keywordPlacement: NodeRule = (node, path, options) => {
  const types = typesOf(node);
  const findings: Finding[] = [];
  const literal = 'enum' in node || 'const' in node;
  for (const [keyword, value] of Object.entries(node)) {
    if (keyword === 'format' && options.formats === 'annotate') continue;
    const appliesTo = keywordTypes(keyword, value);
    if (appliesTo === undefined) continue;
    if (types === undefined) {
      // Beside `enum`/`const` the values are known: `literalSiblings` judges the keyword. In a
      // branch (`allOf`, `if`, …) or beside `$ref` the value's type is usually settled elsewhere.
      if (literal || options.branch || '$ref' in node) continue;
      findings.push({
        code: 'missing-type',
        path: [...path, keyword],
        atKey: true,
        message: `\`${keyword}\` constrains ${appliesTo.join(' or ')} values only; without \`type\`, any other value passes this schema`,
        hint: `add \`type: ${appliesTo[0]}\` if other values should fail`,
      });
    } else if (!types.some((type) => appliesTo.includes(type))) {
      // JSON Schema ignores it, and so does the generated code: harmless, but rarely meant
      // (`additionalProperties` beside `type: string` in many published schemas).
      findings.push({
        code: 'inapplicable-keyword',
        path: [...path, keyword],
        atKey: true,
        message: `\`${keyword}\` applies to ${appliesTo.join(' or ')} values, and \`type\` allows none: it has no effect here`,
        hint: `remove \`${keyword}\`, or add ${appliesTo[0]} to \`type\` if it was meant to apply`,
      });
    }
  }
  return findings;
};

/** Keywords that do nothing without a partner would be silently ignored: refuse them. */
const partnerless: NodeRule = (node, path) => {
  if (!('if' in node || 'then' in node || 'else' in node || 'minContains' in node || 'maxContains' in node)) return [];
  const lone = (keyword: string, partner: string, hint: string): Finding[] =>
    keyword in node && !(partner in node)
      ? [{ code: 'keyword-without-effect', path: [...path, keyword], atKey: true, message: `\`${keyword}\` has no effect without \`${partner}\``, hint }]
      : [];
  return [
    ...lone('then', 'if', 'add the `if` condition, or move these keywords up into the schema'),
    ...lone('else', 'if', 'add the `if` condition, or move these keywords up into the schema'),
    ...lone('minContains', 'contains', 'add `contains`, the schema the items are counted by'),
    ...lone('maxContains', 'contains', 'add `contains`, the schema the items are counted by'),
    ...('if' in node && !('then' in node) && !('else' in node)
      ? [{ code: 'keyword-without-effect' as const, path: [...path, 'if'], atKey: true, message: '`if` has no effect without `then` or `else`', hint: 'add `then` and/or `else`, or remove `if`' }]
      : []),
  ];
};

function boundPair(node: Record<string, unknown>, path: DocPath, low: string, high: string, strict: boolean): Finding[] {
  const lowValue = node[low];
  const highValue = node[high];
  if (typeof lowValue !== 'number' || typeof highValue !== 'number') return [];
  if (strict ? lowValue < highValue : lowValue <= highValue) return [];
  return [{ code: 'contradictory-bounds', path: [...path, low], atKey: true, message: `\`${low}: ${lowValue}\` and \`${high}: ${highValue}\` leave no allowed value`, hint: `make \`${low}\` smaller than \`${high}\`` }];
}

/** Lower and upper bounds that must leave room between them (`true`: strictly). */
const BOUND_PAIRS: readonly (readonly [string, string, boolean])[] = [
  ['minimum', 'maximum', false],
  ['exclusiveMinimum', 'exclusiveMaximum', true],
  ['minimum', 'exclusiveMaximum', true],
  ['exclusiveMinimum', 'maximum', true],
  ['minLength', 'maxLength', false],
  ['minItems', 'maxItems', false],
  ['minProperties', 'maxProperties', false],
  ['minContains', 'maxContains', false],
];

const bounds: NodeRule = (node, path) => {
  const findings: Finding[] = [];
  for (const [low, high, strict] of BOUND_PAIRS) if (low in node && high in node) findings.push(...boundPair(node, path, low, high, strict));
  return findings;
};

const COMPOSING = ['allOf', 'anyOf', 'oneOf', '$ref', 'if', 'dependentSchemas'] as const;

/**
 * Whether the catalogue's default closure applies to this object schema: it does to every object
 * that declares keys of its own (or none, and composes nothing). An object that only composes
 * others (`type: object, oneOf: [{$ref: A}, {$ref: B}]`, as GitHub's `WorkflowStep`) is left
 * open, so its parts decide which keys it takes; closed, it would refuse every key.
 */
export function closesByDefault(schema: object): boolean {
  // `unevaluatedProperties` is the object's own closure, which sees the keys its parts declare.
  if ('unevaluatedProperties' in schema || 'x-eventspec-unevaluated' in schema) return false;
  if ('properties' in schema || 'patternProperties' in schema) return true;
  return !COMPOSING.some((keyword) => keyword in schema);
}

/** A required key that a closed object cannot hold leaves no valid object. */
const requiredProperties: NodeRule = (node, path, options) => {
  const required = node['required'];
  const properties = isRecord(node['properties']) ? node['properties'] : {};
  if (!Array.isArray(required)) return [];
  const additional = node['additionalProperties'] ?? (typesOf(node)?.includes('object') === true && options.closedByDefault && closesByDefault(node) ? false : true);
  const closed = additional === false && node['patternProperties'] === undefined;
  return required.flatMap((name, index) =>
    typeof name === 'string' && !Object.hasOwn(properties, name) && closed
      ? [{ code: 'required-missing-property' as const, path: [...path, 'required', index], message: `\`required\` names \`${name}\`, which this closed object does not define`, hint: `define \`${name}\` under \`properties\`, or remove it from \`required\`` }]
      : [],
  );
};

/** Keywords whose schemas apply beside others to the same value (or, `propertyNames`, to keys: strings). */
const BRANCHES: ReadonlySet<string> = new Set(['allOf', 'anyOf', 'oneOf', 'not', 'if', 'then', 'else', 'dependentSchemas', 'propertyNames']);

/** `#/$defs/Name` reaches the top of a payload or shared type: definitions anywhere else would be unreachable. */
const definitionsAtTop: NodeRule = (node, path, options) =>
  '$defs' in node && !options.root
    ? [{ code: 'unsupported-keyword', path: [...path, '$defs'], atKey: true, message: '`$defs` is supported at the top of a payload or shared type only', hint: 'move the definitions up to the top of the payload or type (references stay `#/$defs/Name`)' }]
    : [];

/** A key is never concealed (only values are), so a sensitive mark on key names would be ignored: refuse it. */
const sensitiveKeyNames: NodeRule = (node, path) =>
  'propertyNames' in node && JSON.stringify(node['propertyNames']).includes('"x-sensitive":true')
    ? [{ code: 'keyword-without-effect', path: [...path, 'propertyNames'], atKey: true, message: '`x-sensitive` inside `propertyNames` would mark keys, and redaction conceals values only', hint: 'mark the values instead (`patternProperties` or `additionalProperties`)' }]
    : [];

/**
 * `unevaluatedProperties`/`unevaluatedItems` are taken where what the schema evaluates is known
 * when generating: its own keywords and those of the parts it applies in place, `allOf`, `$ref`
 * to shared types, and the `oneOf`/`anyOf` branches (whichever pass). A part that decides at run
 * time by another rule (`if`/`then`/`else`, `dependentSchemas`, `contains` for items) or that
 * the catalogue cannot follow here (a local `#/$defs/` or `#` reference, a cycle) is refused,
 * naming it. A sensitive mark inside them would not be redacted: refused too.
 */
const unevaluated: NodeRule = (node, path, options) => {
  const findings: Finding[] = [];
  for (const keyword of ['unevaluatedProperties', 'unevaluatedItems'] as const) {
    if (!(keyword in node)) continue;
    const blocker = dynamicEvaluation(node, keyword, options.types ?? {});
    if (blocker !== undefined) {
      findings.push({ code: 'unsupported-keyword', path: [...path, keyword], atKey: true, message: `\`${keyword}\` here depends on ${blocker}, which decides at run time what is evaluated`, hint: keyword === 'unevaluatedProperties' ? 'list the properties under `properties` and close the object with `additionalProperties: false`, or compose with `allOf`/`oneOf`/`anyOf` and `$ref: "#/types/Name"` only' : 'use `prefixItems` with `items: false`, or compose with `allOf`/`oneOf`/`anyOf` only' });
    } else if (JSON.stringify(node[keyword]).includes('"x-sensitive"')) {
      findings.push({ code: 'keyword-without-effect', path: [...path, keyword], atKey: true, message: `\`x-sensitive\` inside \`${keyword}\` would not be redacted`, hint: 'declare the sensitive values under `properties` (or `prefixItems`), where redaction finds them' });
    }
  }
  return findings;
};

const NODE_RULES: readonly NodeRule[] = [definitionsAtTop, sensitiveKeyNames, keywordPlacement, partnerless, literalSiblings, formatAndPattern, bounds, requiredProperties, unevaluated];

/** Checks one schema and everything nested in it; calls `onRef` with each `$ref` and its path. */
export function checkSchema(node: unknown, path: DocPath, onRef: (ref: string, path: DocPath) => void, options: SchemaOptions, branch = false, root = true): Finding[] {
  if (typeof node === 'boolean') return [];
  if (!isRecord(node)) return [{ code: 'invalid-keyword-value', path, message: 'expected a schema (a mapping, true or false)' }];
  const findings: Finding[] = [];
  let keywordsSound = true;
  for (const [keyword, value] of Object.entries(node)) {
    const rule = keywordRule(keyword) ?? (Object.hasOwn(EXTENSIONS, keyword) ? EXTENSIONS[keyword] : undefined);
    if (rule === undefined) {
      if (keyword.startsWith('x-')) continue;
      keywordsSound = false;
      const refused = Object.hasOwn(REFUSED, keyword) ? REFUSED[keyword] : undefined;
      const near = refused === undefined ? closest(keyword, Object.keys(KEYWORDS)) : undefined;
      findings.push({
        code: 'unsupported-keyword',
        path: [...path, keyword],
        atKey: true,
        message: refused === undefined ? `\`${keyword}\` is not a JSON Schema 2020-12 validation keyword` : `\`${keyword}\` is not supported`,
        hint: refused ?? (near !== undefined ? `did you mean \`${near}\`?` : 'see the supported keywords in the README; custom annotations need an `x-` prefix'),
      });
      continue;
    }
    const problem = rule.check(value);
    if (problem !== undefined) {
      keywordsSound = false;
      findings.push({ code: 'invalid-keyword-value', path: [...path, keyword], message: `\`${keyword}\`: ${problem}` });
    }
  }
  if (!keywordsSound) return findings;

  const context = { ...options, branch, root };
  for (const rule of NODE_RULES) {
    const found = rule(node, path, context);
    if (found.length > 0) findings.push(...found);
  }
  if (typeof node['$ref'] === 'string') onRef(node['$ref'], [...path, '$ref']);
  // Keywords are sound here, so the node reads as a schema.
  for (const child of subSchemas(node as JsonSchema)) {
    // A definition is a schema of its own (a root), but `#/$defs/…` still reaches only the top's.
    findings.push(...checkSchema(child.schema, [...path, ...child.path], onRef, options, BRANCHES.has(String(child.path[0])), false));
  }
  return findings;
}

export { KEYWORD_DOCS, payloadLanguageDefs } from './keyword-docs.ts';
export { SCALAR_SIBLINGS } from './literal-siblings.ts';
