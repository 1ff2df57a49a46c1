/** Stage 3, exports: a catalogue schema as JSON Schema tools read it. */
import { holdsData, type JsonSchema, type JsonValue } from '../catalogue/types.ts';
import { ULID_PATTERN } from 'eventspec/payload';
import { closesByDefault } from './validate/schema-keywords.ts';
import type { ExportedSchema } from './model.ts';

/**
 * The schema as other tools should read it: objects that the catalogue closes by default say
 * `additionalProperties: false`, and `#/types/Name` becomes `#/$defs/Name`.
 */
export function explicitSchema(schema: JsonSchema, closedByDefault: boolean): ExportedSchema {
  // Keywords whose values are mappings of names to schemas, not schemas.
  const schemaMaps = new Set(['properties', 'patternProperties', 'dependentSchemas']);
  const convert = (value: unknown, key: string | undefined): JsonValue => {
    if (Array.isArray(value)) return value.map((item) => convert(item, undefined));
    if (typeof value !== 'object' || value === null) return value as JsonValue;
    const node = value as Record<string, unknown>;
    // Values of these keywords are data (or names), not schemas.
    if (holdsData(key)) return node as JsonValue;
    const result: Record<string, JsonValue> = {};
    for (const [name, child] of Object.entries(node)) {
      result[name] = name === '$ref' && typeof child === 'string' ? child.replace('#/types/', '#/$defs/') : convert(child, schemaMaps.has(key ?? '') ? undefined : name);
    }
    const isMap = schemaMaps.has(key ?? '');
    const types = [node['type'] ?? []].flat();
    if (!isMap && types.includes('object') && !('additionalProperties' in node) && closedByDefault && closesByDefault(node)) result['additionalProperties'] = false;
    // A validator that does not know `ulid` ignores the format: the pattern still holds it to one.
    if (!isMap && node['format'] === 'ulid') {
      if (!('pattern' in node)) result['pattern'] = ULID_PATTERN;
      else result['allOf'] = [...((result['allOf'] as JsonValue[] | undefined) ?? []), { pattern: ULID_PATTERN }];
    }
    return result;
  };
  return convert(schema, undefined) as ExportedSchema;
}
