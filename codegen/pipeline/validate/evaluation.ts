/**
 * What a schema evaluates, for `unevaluatedProperties` and `unevaluatedItems` (JSON Schema
 * 2020-12 §11): its own `properties`, `patternProperties`, `additionalProperties` (all keys),
 * `prefixItems` and `items`, and those of every part it applies in place to the same value:
 * `allOf` parts and `$ref` targets always, `oneOf`/`anyOf` branches when they pass. A part with
 * an `unevaluated*` of its own evaluates everything of its kind.
 */
import { isRecord } from './schema-keywords.ts';

type Kind = 'unevaluatedProperties' | 'unevaluatedItems';

const TYPE_REF = /^#\/types\/([^/]+)$/;

/**
 * The keyword (or reference) that makes what `schema` evaluates depend on more than its parts'
 * verdicts, or undefined when it is known when generating.
 */
export function dynamicEvaluation(schema: Readonly<Record<string, unknown>>, kind: Kind, types: { readonly [name: string]: unknown }, seen: ReadonlySet<string> = new Set()): string | undefined {
  for (const keyword of ['if', 'then', 'else', 'dependentSchemas', '$dynamicRef']) if (keyword in schema) return `\`${keyword}\``;
  if (kind === 'unevaluatedItems' && 'contains' in schema) return '`contains`';
  const ref = schema['$ref'];
  if (typeof ref === 'string') {
    const name = TYPE_REF.exec(ref)?.[1];
    if (name === undefined) return `the reference \`${ref}\` (refer to a shared type, \`#/types/Name\`)`;
    if (seen.has(name)) return `the recursive reference to \`${name}\``;
    const target = types[name];
    if (isRecord(target)) {
      const found = dynamicEvaluation(target, kind, types, new Set([...seen, name]));
      if (found !== undefined) return `${found} in \`${name}\``;
    }
  }
  for (const keyword of ['allOf', 'anyOf', 'oneOf']) {
    const parts = schema[keyword];
    if (!Array.isArray(parts)) continue;
    for (const part of parts) {
      // A part with an `unevaluated*` of its own evaluates everything of its kind: its inside is its business.
      if (!isRecord(part) || kind in part) continue;
      const found = dynamicEvaluation(part, kind, types, seen);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}
