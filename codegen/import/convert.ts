/**
 * A JSON Schema of any common draft (04 to 2020-12, and AsyncAPI's draft-07 superset) → the
 * catalogue's payload language, keeping what it accepts and rejects:
 * - draft-07 and earlier ignore the keywords beside `$ref`: they are dropped (annotations stay);
 * - `dependencies`, `items` as a list and `additionalItems`, draft-04's boolean
 *   `exclusiveMinimum`/`exclusiveMaximum` become their 2020-12 spellings;
 * - OpenAPI's `nullable: true` beside `type`, which ajv honours by default (and which authors of
 *   such schemas mean), adds `null` to the type;
 * - keywords JSON Schema does not define (`tsAdditionalProperties`, `discriminator`), and
 *   formats no validator here knows, are annotations in JSON Schema: they become `x-` keys;
 * - `$schema`, `$id` and `id` go; references are rewritten by the caller's `ref`.
 */
import { FORMAT_TYPES } from 'eventspec/payload';
import { isRecord, keywordRule } from '../pipeline/validate/schema-keywords.ts';

export interface ConvertOptions {
  /** draft-07 or earlier (AsyncAPI schemas too): `$ref` replaces the keywords beside it. */
  readonly legacy: boolean;
  /** The catalogue's reference for a source `$ref`. */
  readonly ref: (ref: string) => string;
  /** Collects one line per kind of change made, for the import report. */
  readonly note: (change: string) => void;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** A mapping of the parsed (JSON) source. */
const isJsonObject = (value: unknown): value is JsonObject => isRecord(value);


const SCHEMA_MAPS = new Set(['properties', 'patternProperties', 'dependentSchemas', '$defs']);
const SCHEMA_VALUES = new Set(['additionalProperties', 'propertyNames', 'items', 'contains', 'not', 'if', 'then', 'else', 'unevaluatedProperties', 'unevaluatedItems']);
const SCHEMA_LISTS = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems']);
/** Keywords that only describe, kept beside a legacy `$ref`. */
const ANNOTATIONS = new Set(['title', 'description', '$comment', 'deprecated', 'readOnly', 'writeOnly', 'examples', 'default']);
/** Keywords the catalogue refuses with a reason: kept, so that lint says why. */
const REFUSED_KEPT = new Set(['unevaluatedProperties', 'unevaluatedItems', '$dynamicRef', '$dynamicAnchor', '$anchor', '$recursiveRef', '$recursiveAnchor', '$vocabulary']);

/** Converts one schema (a mapping or a boolean); definitions are the caller's (they are dropped here). */
export function convertSchema(schema: unknown, options: ConvertOptions): Json {
  if (typeof schema === 'boolean') return schema;
  if (!isJsonObject(schema)) return {};
  if (options.legacy && typeof schema['$ref'] === 'string') {
    const kept = Object.entries(schema).filter(([key]) => ANNOTATIONS.has(key) || key.startsWith('x-'));
    if (Object.keys(schema).some((key) => key !== '$ref' && !ANNOTATIONS.has(key) && !key.startsWith('x-'))) options.note('dropped keywords beside `$ref`, which draft-07 and earlier ignore');
    return Object.fromEntries([['$ref', options.ref(schema['$ref'])], ...kept]);
  }
  const result: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$schema' || key === '$id' || (key === 'id' && typeof value === 'string') || key === 'definitions' || key === '$defs') continue;
    if (key === '$ref' && typeof value === 'string') result[key] = options.ref(value);
    else if (key === 'dependencies' && isJsonObject(value)) {
      for (const [name, dependency] of Object.entries(value)) {
        const target = Array.isArray(dependency) ? 'dependentRequired' : 'dependentSchemas';
        const existing = isJsonObject(result[target]) ? (result[target] as JsonObject) : {};
        result[target] = { ...existing, [name]: Array.isArray(dependency) ? dependency : convertSchema(dependency, options) };
      }
      options.note('`dependencies` split into `dependentRequired` and `dependentSchemas`');
    } else if (key === 'items' && Array.isArray(value)) {
      result['prefixItems'] = value.map((item) => convertSchema(item, options));
      if ('additionalItems' in schema) result['items'] = convertSchema(schema['additionalItems'], options);
      options.note('`items` as a list became `prefixItems` (and `additionalItems` `items`)');
    } else if (key === 'additionalItems') {
      // Without a list of `items` it never applied.
      continue;
    } else if ((key === 'exclusiveMinimum' || key === 'exclusiveMaximum') && typeof value === 'boolean') {
      const bound = key === 'exclusiveMinimum' ? 'minimum' : 'maximum';
      if (value && typeof schema[bound] === 'number') result[key] = schema[bound];
      options.note("draft-04's boolean `exclusiveMinimum`/`exclusiveMaximum` became numbers");
    } else if ((key === 'minimum' || key === 'maximum') && schema[key === 'minimum' ? 'exclusiveMinimum' : 'exclusiveMaximum'] === true) {
      continue;
    } else if (key === 'format' && typeof value === 'string' && !Object.hasOwn(FORMAT_TYPES, value)) {
      result['x-format'] = value;
      options.note(`unknown formats (such as \`${value}\`), which JSON Schema treats as annotations, became \`x-format\``);
    } else if (SCHEMA_MAPS.has(key) && isJsonObject(value)) {
      result[key] = Object.fromEntries(Object.entries(value).map(([name, child]) => [name, convertSchema(child, options)]));
    } else if (SCHEMA_VALUES.has(key)) {
      result[key] = convertSchema(value, options);
    } else if (SCHEMA_LISTS.has(key) && Array.isArray(value)) {
      result[key] = value.map((child) => convertSchema(child, options));
    } else if (key === 'nullable' && typeof value === 'boolean' && schema['type'] !== undefined) {
      // Applied to `type` below, once it is copied.
      continue;
    } else if (keywordRule(key) !== undefined || key.startsWith('x-') || REFUSED_KEPT.has(key)) {
      result[key] = value;
    } else {
      result[`x-${key}`] = value;
      options.note(`keywords JSON Schema does not define (such as \`${key}\`), which validators ignore, became \`x-\` annotations`);
    }
  }
  if (schema['nullable'] === true && result['type'] !== undefined) {
    const types = [result['type']].flat();
    if (!types.includes('null')) result['type'] = [...types, 'null'];
    options.note("OpenAPI's `nullable: true`, which ajv honours, became `null` in `type`");
  }
  return result;
}

/** Whether a `$schema` URI names draft-07 or an earlier draft (no `$schema`: 2020-12). */
export function isLegacyDialect(uri: unknown): boolean {
  return typeof uri === 'string' && /draft-0[3-7]/.test(uri);
}
