/**
 * Stage 3, one schema: a validated JSON Schema → its model node (`SchemaNode`), which renderers
 * read. Types are named, formats and closures resolved, compositions flattened where they can be.
 */
import { type JsonScalar, type JsonSchema, type SubSchema, type TypeName } from '../catalogue/types.ts';
import { FORMAT_TYPES, type NumberFormatName, type StringFormatName } from 'eventspec/payload';
import { closesByDefault, keywordRule, keywordTypes, SCALAR_SIBLINGS } from './validate/schema-keywords.ts';
import { propertyKey, typeNames } from '../catalogue/naming.ts';
import type { Annotations, EvaluationNode, SchemaNode, ValueKind } from './model.ts';

export const typeOfRef = (ref: string): string => ref.slice('#/types/'.length);

export function annotations(schema: SubSchema): Annotations {
  if (typeof schema === 'boolean') return {};
  return {
    ...(schema.description === undefined ? {} : { description: schema.description }),
    ...(schema.deprecated === true ? { deprecated: true as const } : {}),
    ...(schema['x-sensitive'] === true ? { sensitive: true as const } : {}),
  };
}

export interface BuildContext {
  readonly closedByDefault: boolean;
  readonly recursive: ReadonlySet<string>;
  /** Inside a shared type's schema, references to recursive types must be lazy. */
  readonly inType: boolean;
  /** `format` rejects values (`assert`) or only describes them (`annotate`). */
  readonly formats: 'assert' | 'annotate';
  /** The catalogue's shared types, as written. */
  readonly types: { readonly [name: string]: JsonSchema };
  /**
   * The kind of value this schema can only see: a branch (`allOf`, `not`, `if`…) beside a single
   * `type` sees values of that type (any other fails the type anyway), the keys of `propertyNames`
   * are strings, a `dependentSchemas` schema sees objects. Its type-less keywords then need no
   * other kinds let through.
   */
  readonly kind?: ValueKind;
}

/** The one scalar a property schema allows (`const`, or an `enum` of one), if that is all it says. */
function fixedValue(schema: SubSchema | undefined): { value: JsonScalar } | undefined {
  if (typeof schema !== 'object') return undefined;
  const values = schema.const !== undefined ? [schema.const] : schema.enum;
  const value = values?.length === 1 ? values[0] : undefined;
  return value === undefined || (typeof value === 'object' && value !== null) ? undefined : { value: value as JsonScalar };
}

/**
 * The property that tells a union's object variants apart: required in each, fixed to a value of
 * its own by each. Shared types are followed; any other shape of variant means there is none.
 */
function discriminatorOf(variants: readonly SubSchema[], types: { readonly [name: string]: JsonSchema }): { key: string; values: JsonScalar[] } | undefined {
  const objects: JsonSchema[] = [];
  for (const variant of variants) {
    let schema: SubSchema | undefined = variant;
    for (let hops = 0; typeof schema === 'object' && schema.$ref !== undefined && Object.keys(schema).length === 1 && hops < 16; hops++) schema = types[typeOfRef(schema.$ref)];
    if (typeof schema !== 'object' || schema.type !== 'object') return undefined;
    objects.push(schema);
  }
  const [first] = objects;
  if (first === undefined || objects.length < 2) return undefined;
  for (const key of first.required ?? []) {
    const values = objects.map((schema) => ((schema.required ?? []).includes(key) ? fixedValue(schema.properties?.[key]) : undefined));
    if (values.some((each) => each === undefined)) continue;
    const fixed = values.map((each) => (each as { value: JsonScalar }).value);
    if (new Set(fixed).size === fixed.length) return { key, values: fixed };
  }
  return undefined;
}

function assertedFormat(schema: JsonSchema, type: 'string' | 'number', context: BuildContext): { format?: never } | { format: string } {
  const format = schema.format;
  if (format === undefined || context.formats === 'annotate' || !Object.hasOwn(FORMAT_TYPES, format)) return {};
  return FORMAT_TYPES[format as keyof typeof FORMAT_TYPES] === type ? { format } : {};
}

export const entriesOf = <T>(record: { readonly [key: string]: T } | undefined): [string, T][] => Object.entries(record ?? {});

function typedNode(type: TypeName | ValueKind, schema: JsonSchema, parent: BuildContext): SchemaNode {
  // Properties and items are values of their own: nothing is known of their kind.
  const { kind: _kind, ...context } = parent;
  switch (type) {
    case 'string':
      return {
        kind: 'string',
        ...(assertedFormat(schema, 'string', context) as { format?: StringFormatName }),
        ...(schema.pattern === undefined ? {} : { pattern: schema.pattern }),
        ...(schema.minLength === undefined ? {} : { minLength: schema.minLength }),
        ...(schema.maxLength === undefined ? {} : { maxLength: schema.maxLength }),
      };
    case 'number':
    case 'integer':
      return {
        kind: 'number',
        integer: type === 'integer',
        ...(schema.minimum === undefined ? {} : { minimum: schema.minimum }),
        ...(schema.maximum === undefined ? {} : { maximum: schema.maximum }),
        ...(schema.exclusiveMinimum === undefined ? {} : { exclusiveMinimum: schema.exclusiveMinimum }),
        ...(schema.exclusiveMaximum === undefined ? {} : { exclusiveMaximum: schema.exclusiveMaximum }),
        ...(schema.multipleOf === undefined ? {} : { multipleOf: schema.multipleOf }),
        ...(assertedFormat(schema, 'number', context) as { format?: NumberFormatName }),
      };
    case 'boolean':
      return { kind: 'boolean' };
    case 'null':
      return { kind: 'null' };
    case 'array':
      return {
        kind: 'array',
        prefix: (schema.prefixItems ?? []).map((item) => buildNode(item, context)),
        items: schema.items === undefined ? { kind: 'unknown' } : buildNode(schema.items, context),
        ...(schema.minItems === undefined ? {} : { minItems: schema.minItems }),
        ...(schema.maxItems === undefined ? {} : { maxItems: schema.maxItems }),
        uniqueItems: schema.uniqueItems === true,
        ...(schema.contains === undefined
          ? {}
          : { contains: { schema: buildNode(schema.contains, context), min: schema.minContains ?? 1, ...(schema.maxContains === undefined ? {} : { max: schema.maxContains }) } }),
      };
    case 'object': {
      const required = new Set(schema.required ?? []);
      const additional = schema.additionalProperties;
      const declared = Object.keys(schema.properties ?? {});
      const namesRead = [...declared, ...(schema.required ?? []), ...Object.keys(schema.dependentRequired ?? {}), ...Object.values(schema.dependentRequired ?? {}).flat(), ...Object.keys(schema.dependentSchemas ?? {})];
      return {
        kind: 'object',
        properties: entriesOf(schema.properties).map(([name, property]) => ({
          name,
          key: propertyKey(name),
          required: required.has(name),
          schema: buildNode(property, context),
          ...annotations(property),
        })),
        additional: additional === undefined ? !(context.closedByDefault && closesByDefault(schema)) : typeof additional === 'boolean' ? additional : buildNode(additional, context),
        ownOnly: namesRead.some((name) => INHERITED_NAMES.has(name)),
        patterns: entriesOf(schema.patternProperties).map(([pattern, each]) => ({ pattern, schema: buildNode(each, context) })),
        ...(schema.propertyNames === undefined ? {} : { propertyNames: buildNode(schema.propertyNames, { ...context, kind: 'string' }) }),
        ...(schema.minProperties === undefined ? {} : { minProperties: schema.minProperties }),
        ...(schema.maxProperties === undefined ? {} : { maxProperties: schema.maxProperties }),
        requiredOnly: (schema.required ?? []).filter((name) => !declared.includes(name)),
        dependentRequired: entriesOf(schema.dependentRequired).map(([name, names]) => ({ name, required: names })),
        dependentSchemas: entriesOf(schema.dependentSchemas).map(([name, each]) => ({ name, schema: buildNode(each, { ...context, kind: 'object' }) })),
      };
    }
  }
}

/** A schema without some of its keywords (annotations stay, as they change nothing). */
function without(schema: JsonSchema, keywords: readonly string[]): JsonSchema {
  return Object.fromEntries(Object.entries(schema).filter(([keyword]) => !keywords.includes(keyword))) as JsonSchema;
}

/** Whether a schema has any keyword that can reject a value. */
function asserts(schema: JsonSchema): boolean {
  return Object.keys(schema).some((keyword) => { const rule = keywordRule(keyword); return rule !== undefined && rule.annotation !== true; });
}

function literalNode(schema: JsonSchema): SchemaNode {
  const fromEnum: SchemaNode | undefined = schema.enum === undefined ? undefined : { kind: 'literal', values: schema.enum };
  const fromConst: SchemaNode | undefined = schema.const === undefined ? undefined : { kind: 'literal', values: [schema.const] };
  return fromEnum !== undefined && fromConst !== undefined ? { kind: 'intersection', parts: [fromConst, fromEnum] } : (fromEnum ?? fromConst ?? { kind: 'never' });
}

/** The kinds of value a schema's type-specific keywords constrain. */
function keywordKinds(schema: JsonSchema): ValueKind[] {
  const kinds = new Set<ValueKind>();
  for (const [keyword, value] of Object.entries(schema)) {
    for (const type of keywordTypes(keyword, value) ?? []) kinds.add(type === 'integer' ? 'number' : (type as ValueKind));
  }
  return (['object', 'array', 'string', 'number'] as const).filter((kind) => kinds.has(kind));
}

/** Marks a schema whose own closure is its `unevaluatedProperties`, so the default does not close it. */
const EVALUATED_CLOSURE = 'x-eventspec-unevaluated';

export function buildNode(schema: SubSchema, context: BuildContext): SchemaNode {
  if (typeof schema === 'object' && (schema.unevaluatedProperties !== undefined || schema.unevaluatedItems !== undefined)) {
    const rest = { ...without(schema, ['unevaluatedProperties', 'unevaluatedItems']), [EVALUATED_CLOSURE]: true } as JsonSchema;
    return {
      kind: 'unevaluated',
      schema: buildPlainNode(rest, context),
      evaluation: evaluationNode(schema, context, new Set(), true),
      ...(schema.unevaluatedProperties === undefined ? {} : { properties: buildNode(schema.unevaluatedProperties, context) }),
      ...(schema.unevaluatedItems === undefined ? {} : { items: buildNode(schema.unevaluatedItems, context) }),
    };
  }
  return buildPlainNode(schema, context);
}

/**
 * What `schema` evaluates: its own keywords, its `allOf` parts and `$ref` target always, its
 * `oneOf`/`anyOf` branches when they pass. Lint refused what would make this depend on more.
 */
function evaluationNode(schema: SubSchema, context: BuildContext, seen: ReadonlySet<string>, root = false): EvaluationNode {
  if (typeof schema === 'boolean') return { names: [], patterns: [], allKeys: false, items: 0, groups: [] };
  const types = schema.type === undefined ? [] : [schema.type].flat();
  let names = Object.keys(schema.properties ?? {});
  let patterns = Object.keys(schema.patternProperties ?? {});
  // A part closed by the catalogue's default says `additionalProperties: false`, which evaluates every key.
  let allKeys = schema.additionalProperties !== undefined || (!root && schema.unevaluatedProperties !== undefined) || (types.includes('object') && context.closedByDefault && closesByDefault(schema));
  let items: number | 'all' = schema.items !== undefined || (!root && schema.unevaluatedItems !== undefined) ? 'all' : (schema.prefixItems?.length ?? 0);
  let groups: EvaluationNode['groups'] = [];
  const merge = (part: EvaluationNode): void => {
    names = [...names, ...part.names.filter((name) => !names.includes(name))];
    patterns = [...patterns, ...part.patterns.filter((pattern) => !patterns.includes(pattern))];
    allKeys ||= part.allKeys;
    items = items === 'all' || part.items === 'all' ? 'all' : Math.max(items, part.items);
    groups = [...groups, ...part.groups];
  };
  if (schema.$ref !== undefined) {
    const name = typeOfRef(schema.$ref);
    const target = context.types[name];
    if (target !== undefined && !seen.has(name)) merge(evaluationNode(target, context, new Set([...seen, name])));
  }
  for (const part of schema.allOf ?? []) merge(evaluationNode(part, context, seen));
  for (const members of [schema.anyOf, schema.oneOf]) {
    if (members !== undefined) groups = [...groups, members.map((member) => ({ node: buildNode(member, context), evaluation: evaluationNode(member, context, seen) }))];
  }
  return { names, patterns, allKeys, items, groups };
}

function buildPlainNode(schema: SubSchema, context: BuildContext): SchemaNode {
  if (schema === true) return { kind: 'unknown' };
  if (schema === false) return { kind: 'never' };
  if (schema.$ref !== undefined) {
    const type = typeOfRef(schema.$ref);
    const ref: SchemaNode = { kind: 'ref', type, names: typeNames(type), lazy: context.inType && context.recursive.has(type) };
    // 2020-12: the keywords beside `$ref` apply too.
    const rest = without(schema, ['$ref']);
    return asserts(rest) ? { kind: 'intersection', parts: [ref, buildNode(rest, context)] } : ref;
  }
  if (schema.enum !== undefined || schema.const !== undefined) {
    const literal = literalNode(schema);
    const rest = without(schema, ['enum', 'const']);
    // Lint proved every value passes the simple keywords beside it; others apply as written.
    const restAsserts = Object.keys(rest).some((keyword) => { const rule = keywordRule(keyword); return rule !== undefined && rule.annotation !== true && !SCALAR_SIBLINGS.has(keyword); });
    return restAsserts ? { kind: 'intersection', parts: [literal, buildNode(without(rest, [...SCALAR_SIBLINGS].filter((keyword) => keyword !== 'type')), context)] } : literal;
  }

  const types = schema.type === undefined ? [] : typeof schema.type === 'string' ? [schema.type] : schema.type;
  const parts: SchemaNode[] = [];
  if (types.length > 0) {
    const typed = types.map((type) => typedNode(type, schema, context));
    parts.push(typed.length === 1 && typed[0] !== undefined ? typed[0] : { kind: 'union', variants: typed, exclusive: false });
  } else {
    const kinds = keywordKinds(schema);
    // The catalogue's closed-by-default objects are those that say `type: object` (as exports do).
    const open = { ...context, closedByDefault: false };
    if (context.kind !== undefined) {
      if (kinds.includes(context.kind)) parts.push(typedNode(context.kind, schema, open));
    } else if (kinds.length > 0) {
      parts.push({ kind: 'byKind', cases: kinds.map((kind) => ({ kind, node: typedNode(kind, schema, open) })) });
    }
  }
  // Branches see the same value: of this schema's one type, when it has one.
  const single = types.length === 1 && types[0] !== 'boolean' && types[0] !== 'null' ? (types[0] === 'integer' ? 'number' : types[0]) : undefined;
  const branch: BuildContext = single === undefined ? context : { ...context, kind: single as ValueKind };
  for (const [members, exclusive] of [[schema.anyOf, false], [schema.oneOf, true]] as const) {
    if (members === undefined) continue;
    const discriminator = discriminatorOf(members, context.types);
    parts.push({ kind: 'union', variants: members.map((member) => buildNode(member, branch)), exclusive, ...(discriminator === undefined ? {} : { discriminator }) });
  }
  if (schema.allOf !== undefined) parts.push(...schema.allOf.map((member) => buildNode(member, branch)));
  if (schema.not !== undefined) parts.push({ kind: 'not', schema: buildNode(schema.not, branch) });
  if (schema.if !== undefined && (schema.then !== undefined || schema.else !== undefined)) {
    parts.push({
      kind: 'conditional',
      if: buildNode(schema.if, branch),
      ...(schema.then === undefined ? {} : { then: buildNode(schema.then, branch) }),
      ...(schema.else === undefined ? {} : { else: buildNode(schema.else, branch) }),
    });
  }
  if (parts.length === 0) return { kind: 'unknown' };
  return parts.length === 1 && parts[0] !== undefined ? parts[0] : { kind: 'intersection', parts };
}

/** `constructor`, `toString` and the like: a validator reading `value[name]` would find these on any object. */
export const INHERITED_NAMES: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));
