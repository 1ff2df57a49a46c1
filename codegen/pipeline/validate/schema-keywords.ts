/**
 * The supported JSON Schema subset as an allow-list: each keyword, the kind of value it takes and
 * the type it applies to. Anything outside the list is refused with its location, because a
 * validator that ignored a keyword would accept what the schema meant to reject.
 */
import { FORMAT_CHECKS } from 'eventspec/payload';
import type { DocPath, Finding } from '../../catalogue/diagnostics.ts';
import { TYPE_NAMES, type TypeName } from '../../catalogue/types.ts';

type ValueCheck = (value: unknown) => string | undefined;

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isScalar = (value: unknown): boolean =>
  value === null || ['string', 'number', 'boolean'].includes(typeof value);

const nonNegativeInteger: ValueCheck = (value) =>
  Number.isInteger(value) && (value as number) >= 0 ? undefined : 'expected a non-negative integer';
const finiteNumber: ValueCheck = (value) =>
  typeof value === 'number' && Number.isFinite(value) ? undefined : 'expected a number';
const boolean: ValueCheck = (value) => (typeof value === 'boolean' ? undefined : 'expected true or false');
const string: ValueCheck = (value) => (typeof value === 'string' ? undefined : 'expected a string');
const anything: ValueCheck = () => undefined;
const schemaList: ValueCheck = (value) =>
  Array.isArray(value) && value.length > 0 && value.every(isRecord) ? undefined : 'expected a non-empty list of schemas';

interface KeywordRule {
  readonly check: ValueCheck;
  /** The instance types this keyword constrains; absent for keywords that apply to any value. */
  readonly appliesTo?: readonly TypeName[];
  /** Annotations describe and never reject, so they may stand beside anything. */
  readonly annotation?: true;
}

const NUMERIC: readonly TypeName[] = ['number', 'integer'];

export const KEYWORDS: { readonly [keyword: string]: KeywordRule } = {
  type: {
    check: (value) => {
      const names = Array.isArray(value) ? value : [value];
      if (names.length === 0) return 'expected a type name or a non-empty list of them';
      const unknown = names.find((name) => !(TYPE_NAMES as readonly unknown[]).includes(name));
      if (unknown !== undefined) return `unknown type ${JSON.stringify(unknown)}; expected one of ${TYPE_NAMES.join(', ')}`;
      return new Set(names).size === names.length ? undefined : 'a type is listed twice';
    },
  },
  properties: { check: (value) => (isRecord(value) && Object.values(value).every(isRecord) ? undefined : 'expected a mapping of property names to schemas'), appliesTo: ['object'] },
  required: {
    check: (value) =>
      Array.isArray(value) && value.every((item) => typeof item === 'string')
        ? new Set(value).size === value.length ? undefined : 'a property is listed twice'
        : 'expected a list of property names',
    appliesTo: ['object'],
  },
  additionalProperties: { check: (value) => (typeof value === 'boolean' || isRecord(value) ? undefined : 'expected true, false or a schema'), appliesTo: ['object'] },
  items: { check: (value) => (isRecord(value) ? undefined : 'expected one schema for every item (tuple forms are not supported)'), appliesTo: ['array'] },
  minItems: { check: nonNegativeInteger, appliesTo: ['array'] },
  maxItems: { check: nonNegativeInteger, appliesTo: ['array'] },
  uniqueItems: { check: boolean, appliesTo: ['array'] },
  enum: { check: (value) => (Array.isArray(value) && value.length > 0 && value.every(isScalar) ? undefined : 'expected a non-empty list of strings, numbers, booleans or null') },
  const: { check: (value) => (isScalar(value) ? undefined : 'expected a string, number, boolean or null') },
  oneOf: { check: schemaList },
  anyOf: { check: schemaList },
  allOf: { check: schemaList },
  $ref: { check: string },
  format: { check: string, appliesTo: ['string'] },
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
  default: { check: anything, annotation: true },
  examples: { check: (value) => (Array.isArray(value) ? undefined : 'expected a list'), annotation: true },
  deprecated: { check: boolean, annotation: true },
  readOnly: { check: boolean, annotation: true },
  writeOnly: { check: boolean, annotation: true },
};

/** Keywords our own tool defines, beyond `x-` extensions that it ignores. */
const EXTENSIONS: { readonly [keyword: string]: KeywordRule } = {
  'x-sensitive': { check: boolean, annotation: true },
};

const SUPPORTED_FORMATS = Object.keys(FORMAT_CHECKS);

function typesOf(node: Record<string, unknown>): readonly TypeName[] | undefined {
  const type = node['type'];
  if (type === undefined) return undefined;
  return (Array.isArray(type) ? type : [type]) as TypeName[];
}

/** A rule that looks at one schema node after its keywords' own values were found sound. */
type NodeRule = (node: Record<string, unknown>, path: DocPath) => Finding[];

const keywordPlacement: NodeRule = (node, path) => {
  const types = typesOf(node);
  const findings: Finding[] = [];
  for (const keyword of Object.keys(node)) {
    const appliesTo = KEYWORDS[keyword]?.appliesTo;
    if (appliesTo === undefined) continue;
    if (types === undefined) {
      findings.push({
        code: 'missing-type',
        path: [...path, keyword],
        atKey: true,
        message: `\`${keyword}\` constrains ${appliesTo.join(' or ')} values, but this schema has no \`type\`; without one, any other value would pass`,
        hint: `add \`type: ${appliesTo[0]}\``,
      });
    } else if (!types.some((type) => appliesTo.includes(type))) {
      findings.push({
        code: 'keyword-without-effect',
        path: [...path, keyword],
        atKey: true,
        message: `\`${keyword}\` applies to ${appliesTo.join(' or ')} values, and \`type\` allows none`,
        hint: `remove \`${keyword}\`, or add ${appliesTo[0]} to \`type\``,
      });
    }
  }
  return findings;
};

/** Next to `enum`, `const` or `$ref`, other constraints would be dead letters: refuse them. */
const exclusiveKeywords: NodeRule = (node, path) => {
  const owner = ['$ref', 'const', 'enum'].find((keyword) => keyword in node);
  if (owner === undefined) return [];
  const allowedBeside = owner === '$ref' ? [] : ['type'];
  return Object.keys(node)
    .filter((keyword) => keyword !== owner && !allowedBeside.includes(keyword))
    .filter((keyword) => KEYWORDS[keyword] !== undefined && KEYWORDS[keyword].annotation !== true)
    .map((keyword) => ({
      code: 'keyword-without-effect' as const,
      path: [...path, keyword],
      atKey: true,
      message: `\`${keyword}\` cannot stand beside \`${owner}\` here`,
      hint: owner === '$ref' ? 'combine with `allOf: [{$ref: ...}, {...}]`, or constrain the shared type itself' : `remove \`${keyword}\`; \`${owner}\` already fixes the allowed values`,
    }));
};

function matchesType(value: unknown, type: TypeName): boolean {
  switch (type) {
    case 'null':
      return value === null;
    case 'integer':
      return Number.isInteger(value);
    case 'object':
    case 'array':
      return false;
    default:
      return typeof value === type;
  }
}

const enumValues: NodeRule = (node, path) => {
  const findings: Finding[] = [];
  const types = typesOf(node);
  const values: unknown[] = Array.isArray(node['enum']) ? node['enum'] : 'const' in node ? [node['const']] : [];
  const keyword = 'enum' in node ? 'enum' : 'const';
  const seen: unknown[] = [];
  values.forEach((value, index) => {
    const valuePath = keyword === 'enum' ? [...path, keyword, index] : [...path, keyword];
    if (seen.includes(value)) {
      findings.push({ code: 'duplicate-enum-value', path: valuePath, message: `${JSON.stringify(value)} is listed twice in \`enum\``, hint: 'remove the second one' });
    }
    seen.push(value);
    if (types !== undefined && !types.some((type) => matchesType(value, type))) {
      findings.push({ code: 'enum-type-mismatch', path: valuePath, message: `${JSON.stringify(value)} is not of type ${types.join(' or ')}, so no value could match it`, hint: 'fix the value or the `type`' });
    }
  });
  return findings;
};

const formatAndPattern: NodeRule = (node, path) => {
  const findings: Finding[] = [];
  const format = node['format'];
  if (typeof format === 'string' && !SUPPORTED_FORMATS.includes(format)) {
    findings.push({ code: 'unsupported-format', path: [...path, 'format'], message: `format ${JSON.stringify(format)} is not supported`, hint: `use one of ${SUPPORTED_FORMATS.join(', ')}, or a \`pattern\`` });
  }
  const pattern = node['pattern'];
  if (typeof pattern === 'string') {
    try {
      new RegExp(pattern, 'u');
    } catch (error) {
      findings.push({ code: 'invalid-pattern', path: [...path, 'pattern'], message: `\`pattern\` is not a valid regular expression: ${(error as Error).message}`, hint: 'patterns are ECMAScript regular expressions in Unicode mode' });
    }
  }
  return findings;
};

function boundPair(node: Record<string, unknown>, path: DocPath, low: string, high: string, strict: boolean): Finding[] {
  const lowValue = node[low];
  const highValue = node[high];
  if (typeof lowValue !== 'number' || typeof highValue !== 'number') return [];
  if (strict ? lowValue < highValue : lowValue <= highValue) return [];
  return [{ code: 'contradictory-bounds', path: [...path, low], atKey: true, message: `\`${low}: ${lowValue}\` and \`${high}: ${highValue}\` leave no allowed value`, hint: `make \`${low}\` smaller than \`${high}\`` }];
}

const bounds: NodeRule = (node, path) => [
  ...boundPair(node, path, 'minimum', 'maximum', false),
  ...boundPair(node, path, 'exclusiveMinimum', 'exclusiveMaximum', true),
  ...boundPair(node, path, 'minimum', 'exclusiveMaximum', true),
  ...boundPair(node, path, 'exclusiveMinimum', 'maximum', true),
  ...boundPair(node, path, 'minLength', 'maxLength', false),
  ...boundPair(node, path, 'minItems', 'maxItems', false),
];

const requiredProperties: NodeRule = (node, path) => {
  const required = node['required'];
  const properties = isRecord(node['properties']) ? node['properties'] : {};
  if (!Array.isArray(required)) return [];
  return required.flatMap((name, index) =>
    typeof name === 'string' && !Object.hasOwn(properties, name)
      ? [{ code: 'required-missing-property' as const, path: [...path, 'required', index], message: `\`required\` names \`${name}\`, which \`properties\` does not define`, hint: `define \`${name}\` under \`properties\`, or remove it from \`required\`` }]
      : [],
  );
};

const NODE_RULES: readonly NodeRule[] = [keywordPlacement, exclusiveKeywords, enumValues, formatAndPattern, bounds, requiredProperties];

/** Checks one schema and everything nested in it; calls `onRef` with each `$ref` and its path. */
export function checkSchema(node: Record<string, unknown>, path: DocPath, onRef: (ref: string, path: DocPath) => void): Finding[] {
  const findings: Finding[] = [];
  let keywordsSound = true;
  for (const [keyword, value] of Object.entries(node)) {
    const rule = KEYWORDS[keyword] ?? EXTENSIONS[keyword];
    if (rule === undefined) {
      if (keyword.startsWith('x-')) continue;
      keywordsSound = false;
      findings.push({ code: 'unsupported-keyword', path: [...path, keyword], atKey: true, message: `\`${keyword}\` is not a supported JSON Schema keyword`, hint: 'see the supported keywords in the README; custom annotations need an `x-` prefix' });
      continue;
    }
    const problem = rule.check(value);
    if (problem !== undefined) {
      keywordsSound = false;
      findings.push({ code: 'invalid-keyword-value', path: [...path, keyword], message: `\`${keyword}\`: ${problem}` });
    }
  }
  if (!keywordsSound) return findings;

  for (const rule of NODE_RULES) findings.push(...rule(node, path));
  if (typeof node['$ref'] === 'string') onRef(node['$ref'], [...path, '$ref']);

  const properties = node['properties'];
  if (isRecord(properties)) {
    for (const [name, child] of Object.entries(properties)) {
      if (name === '__proto__') continue;
      findings.push(...checkSchema(child as Record<string, unknown>, [...path, 'properties', name], onRef));
    }
  }
  for (const keyword of ['items', 'additionalProperties'] as const) {
    const child = node[keyword];
    if (isRecord(child)) findings.push(...checkSchema(child, [...path, keyword], onRef));
  }
  for (const keyword of ['oneOf', 'anyOf', 'allOf'] as const) {
    const children = node[keyword];
    if (Array.isArray(children)) {
      children.forEach((child, index) => findings.push(...checkSchema(child as Record<string, unknown>, [...path, keyword, index], onRef)));
    }
  }
  return findings;
}
