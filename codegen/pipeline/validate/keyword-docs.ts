/** What each keyword of the payload language means, for the catalogue's JSON Schema and the language server. */
/**
 * The supported JSON Schema subset as an allow-list: each keyword, the kind of value it takes and
 * the type it applies to. Anything outside the list is refused with its location, because a
 * validator that ignored a keyword would accept what the schema meant to reject.
 */
import { FORMAT_TYPES } from 'eventspec/payload';
import { TYPE_NAMES } from '../../catalogue/types.ts';

import { KEYWORDS } from './schema-keywords.ts';

type ValueSchema = Readonly<Record<string, unknown>>;
const SCHEMA_REF: ValueSchema = { $ref: '#/$defs/schema' };
const SCHEMA_MAP: ValueSchema = { type: 'object', additionalProperties: SCHEMA_REF };
const SCHEMA_LIST: ValueSchema = { type: 'array', minItems: 1, items: SCHEMA_REF };
const COUNT: ValueSchema = { type: 'integer', minimum: 0 };
const NAMES: ValueSchema = { type: 'array', items: { type: 'string' }, uniqueItems: true };

/**
 * What each keyword means and what value it takes, for editors (hover and completion through the
 * catalogue's JSON Schema). Complete by type: a keyword without its entry does not compile.
 */
export const KEYWORD_DOCS: { readonly [K in keyof typeof KEYWORDS]: { readonly description: string; readonly value: ValueSchema } } = {
  type: { description: 'The JSON type(s) a value must have: string, number, integer, boolean, object, array, null; a list allows each (`[string, "null"]`).', value: { anyOf: [{ enum: TYPE_NAMES }, { type: 'array', items: { enum: TYPE_NAMES }, minItems: 1, uniqueItems: true }] } },
  properties: { description: 'Each property of an object and its schema; an interface member each in the generated type.', value: SCHEMA_MAP },
  required: { description: 'The properties an object must have (the others are optional).', value: NAMES },
  additionalProperties: { description: 'Keys that neither `properties` nor `patternProperties` names: true (allowed), false (refused), or a schema each value must pass (a map). Default: the catalogue\'s `defaults.additionalProperties` (closed).', value: SCHEMA_REF },
  patternProperties: { description: 'A schema for every key a regular expression (Unicode, unanchored) matches, declared or not.', value: SCHEMA_MAP },
  propertyNames: { description: 'A schema every key of the object must pass, as a string.', value: SCHEMA_REF },
  minProperties: { description: 'The least number of keys an object may have.', value: COUNT },
  maxProperties: { description: 'The greatest number of keys an object may have.', value: COUNT },
  dependentRequired: { description: 'When an object has the key, it must have these keys too.', value: { type: 'object', additionalProperties: NAMES } },
  dependentSchemas: { description: 'When an object has the key, the whole object must pass this schema too.', value: SCHEMA_MAP },
  items: { description: 'The schema of every item of an array (of every item after `prefixItems`); false for none.', value: SCHEMA_REF },
  prefixItems: { description: 'The schemas of the first items of an array, by position (a tuple); the array may be shorter.', value: SCHEMA_LIST },
  unevaluatedProperties: { description: 'A schema for every key that neither this schema nor the parts it applies in place (`allOf`, `$ref`, the passing `oneOf`/`anyOf` branches) evaluated; false for none.', value: SCHEMA_REF },
  unevaluatedItems: { description: 'A schema for every item that neither this schema nor the parts it applies in place evaluated (`prefixItems`, `items`); false for none.', value: SCHEMA_REF },
  contains: { description: 'A schema some items must pass: at least `minContains` (default 1), at most `maxContains`.', value: SCHEMA_REF },
  minContains: { description: 'The least number of items that pass `contains` (default 1).', value: COUNT },
  maxContains: { description: 'The greatest number of items that may pass `contains`.', value: COUNT },
  minItems: { description: 'The least number of items an array may have.', value: COUNT },
  maxItems: { description: 'The greatest number of items an array may have.', value: COUNT },
  uniqueItems: { description: 'No two items may be equal as JSON values (object key order aside).', value: { type: 'boolean' } },
  enum: { description: 'The only values allowed, any JSON values; the type is their union of literals.', value: { type: 'array', minItems: 1 } },
  const: { description: 'The only value allowed, any JSON value.', value: {} },
  oneOf: { description: 'Exactly one of these schemas must accept the value; typed as their union.', value: SCHEMA_LIST },
  anyOf: { description: 'At least one of these schemas must accept the value; typed as their union.', value: SCHEMA_LIST },
  allOf: { description: 'Every one of these schemas must accept the value; typed as their intersection.', value: SCHEMA_LIST },
  not: { description: 'The value must fail this schema.', value: SCHEMA_REF },
  if: { description: 'A condition: a value it accepts must pass `then`, any other `else`.', value: SCHEMA_REF },
  then: { description: 'The schema a value must pass when `if` accepts it.', value: SCHEMA_REF },
  else: { description: 'The schema a value must pass when `if` rejects it.', value: SCHEMA_REF },
  $ref: { description: 'A shared type (`#/types/Name`), a definition of this payload or type (`#/$defs/Name`), or `#` (a shared type itself). Keywords beside it apply too.', value: { type: 'string' } },
  $defs: { description: 'Local definitions, at the top of a payload or shared type, referred to as `#/$defs/Name`.', value: SCHEMA_MAP },
  format: { description: 'A format a string (or, for int32, int64, float and double, a number) must have, as ajv-formats judges it.', value: { anyOf: [{ enum: Object.keys(FORMAT_TYPES) }, { type: 'string' }] } },
  pattern: { description: 'A regular expression (ECMAScript, Unicode mode, unanchored) a string must match.', value: { type: 'string' } },
  minLength: { description: 'The least number of characters (Unicode code points) of a string.', value: COUNT },
  maxLength: { description: 'The greatest number of characters (Unicode code points) of a string.', value: COUNT },
  minimum: { description: 'The least number allowed.', value: { type: 'number' } },
  maximum: { description: 'The greatest number allowed.', value: { type: 'number' } },
  exclusiveMinimum: { description: 'Numbers must be greater than this.', value: { type: 'number' } },
  exclusiveMaximum: { description: 'Numbers must be less than this.', value: { type: 'number' } },
  multipleOf: { description: 'Numbers must be a multiple of this (within 1e-9 of one, for binary rounding).', value: { type: 'number', exclusiveMinimum: 0 } },
  title: { description: 'A short name; an annotation.', value: { type: 'string' } },
  description: { description: 'What the value means; becomes the JSDoc of the generated member.', value: { type: 'string' } },
  $comment: { description: 'A note for readers of the catalogue; an annotation.', value: { type: 'string' } },
  default: { description: 'The value assumed when absent; an annotation (nothing fills it in).', value: {} },
  examples: { description: 'Example values; an annotation.', value: { type: 'array' } },
  deprecated: { description: 'The value should no longer be used; becomes `@deprecated`.', value: { type: 'boolean' } },
  readOnly: { description: 'An annotation: the value is managed by its owner.', value: { type: 'boolean' } },
  writeOnly: { description: 'An annotation: the value is never returned.', value: { type: 'boolean' } },
  contentMediaType: { description: 'The media type of the string\'s content; an annotation.', value: { type: 'string' } },
  contentEncoding: { description: 'How the string\'s content is encoded (base64…); an annotation.', value: { type: 'string' } },
  contentSchema: { description: 'The schema of the string\'s decoded content; an annotation.', value: SCHEMA_REF },
};

/**
 * The payload language as a JSON Schema (`$defs` to add beside the catalogue's own): only the
 * supported keywords, each with its description; `x-` extensions anywhere; `x-sensitive` marked.
 */
export function payloadLanguageDefs(): Record<string, unknown> {
  const properties: Record<string, unknown> = Object.fromEntries(Object.entries(KEYWORD_DOCS).map(([keyword, doc]) => [keyword, { description: doc.description, ...doc.value }]));
  properties['x-sensitive'] = { description: 'true: the value must never reach a log; the generated redactor conceals it.', type: 'boolean' };
  return {
    schema: { description: 'A JSON Schema 2020-12 in the payload language eventspec supports.', anyOf: [{ type: 'boolean' }, { $ref: '#/$defs/schemaObject' }] },
    schemaObject: { type: 'object', properties, patternProperties: { '^x-': {} }, additionalProperties: false },
  };
}
