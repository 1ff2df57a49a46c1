/**
 * Stage 3: a validated document → one normalised model. Every derived name, order and path is
 * computed here once; renderers only read the model.
 */
import { holdsData, subSchemas, type CatalogueDocument, type JsonScalar, type EventDocument, type JsonSchema, type JsonValue, type SubSchema, type TypeName } from '../catalogue/types.ts';
import { DEFAULT_SUBJECT_PREFIX } from 'eventspec';
import { FORMAT_TYPES, ULID_PATTERN, type NumberFormatName, type StringFormatName } from 'eventspec/payload';
import { closesByDefault, keywordRule, keywordTypes, SCALAR_SIBLINGS } from './validate/schema-keywords.ts';
import { domainOf, eventNames, propertyKey, typeNames, versionNames, type EventNames, type TypeNames, type VersionNames } from '../catalogue/naming.ts';

export interface Annotations {
  readonly description?: string;
  readonly deprecated?: true;
  readonly sensitive?: true;
}

export interface PropertyNode extends Annotations {
  readonly name: string;
  /** The key as written in generated code (quoted when it is not an identifier). */
  readonly key: string;
  readonly required: boolean;
  readonly schema: SchemaNode;
}

/** The kinds of value a type-specific keyword constrains (integers are numbers). */
export type ValueKind = 'object' | 'array' | 'string' | 'number';

export type SchemaNode =
  | { readonly kind: 'ref'; readonly type: string; readonly names: TypeNames; readonly lazy: boolean }
  | {
      readonly kind: 'object';
      readonly properties: readonly PropertyNode[];
      /** Keys neither declared nor matched by a pattern: allowed (`true`), refused, or each value checked. */
      readonly additional: boolean | SchemaNode;
      /** A property is named like a member every object inherits (`constructor`): validate own properties only. */
      readonly ownOnly: boolean;
      /** `patternProperties`: every key a pattern matches (declared or not) takes that schema. */
      readonly patterns: readonly { readonly pattern: string; readonly schema: SchemaNode }[];
      readonly propertyNames?: SchemaNode;
      readonly minProperties?: number;
      readonly maxProperties?: number;
      /** Required keys that `properties` does not declare (extra keys hold them). */
      readonly requiredOnly: readonly string[];
      readonly dependentRequired: readonly { readonly name: string; readonly required: readonly string[] }[];
      readonly dependentSchemas: readonly { readonly name: string; readonly schema: SchemaNode }[];
    }
  | {
      readonly kind: 'array';
      /** `prefixItems`: the first items' own schemas; an array may be shorter. */
      readonly prefix: readonly SchemaNode[];
      /** The items after the prefix (all items, without one); `never` for none. */
      readonly items: SchemaNode;
      readonly minItems?: number;
      readonly maxItems?: number;
      readonly uniqueItems: boolean;
      readonly contains?: { readonly schema: SchemaNode; readonly min: number; readonly max?: number };
    }
  | { readonly kind: 'string'; readonly format?: StringFormatName; readonly pattern?: string; readonly minLength?: number; readonly maxLength?: number }
  | {
      readonly kind: 'number';
      readonly integer: boolean;
      readonly minimum?: number;
      readonly maximum?: number;
      readonly exclusiveMinimum?: number;
      readonly exclusiveMaximum?: number;
      readonly multipleOf?: number;
      readonly format?: NumberFormatName;
    }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'null' }
  | { readonly kind: 'literal'; readonly values: readonly JsonValue[] }
  | {
      readonly kind: 'union';
      readonly variants: readonly SchemaNode[];
      readonly exclusive: boolean;
      /** A required property each variant (an object) fixes to its own value: the value names its variant. */
      readonly discriminator?: { readonly key: string; readonly values: readonly JsonScalar[] };
    }
  | { readonly kind: 'intersection'; readonly parts: readonly SchemaNode[] }
  /** `not`: the value must fail the schema (no TypeScript type says so: the type is the rest's). */
  | { readonly kind: 'not'; readonly schema: SchemaNode }
  /** `if`/`then`/`else` (typed as the rest of the schema, which is wider). */
  | { readonly kind: 'conditional'; readonly if: SchemaNode; readonly then?: SchemaNode; readonly else?: SchemaNode }
  /** Type-specific keywords without `type`: each constrains values of its kind, and other values pass. */
  | { readonly kind: 'byKind'; readonly cases: readonly { readonly kind: ValueKind; readonly node: SchemaNode }[] }
  | { readonly kind: 'never' }
  | { readonly kind: 'unknown' }
  /**
   * `unevaluatedProperties` / `unevaluatedItems`: `schema` (the rest of the keywords) judged, then
   * every key or item that `evaluation` leaves unevaluated passes `properties` / `items`.
   */
  | { readonly kind: 'unevaluated'; readonly schema: SchemaNode; readonly evaluation: EvaluationNode; readonly properties?: SchemaNode; readonly items?: SchemaNode };

/** What a schema evaluates (see validate/evaluation.ts), with the branches whose evaluation counts when they pass. */
export interface EvaluationNode {
  readonly names: readonly string[];
  readonly patterns: readonly string[];
  readonly allKeys: boolean;
  readonly items: number | 'all';
  readonly groups: readonly (readonly { readonly node: SchemaNode; readonly evaluation: EvaluationNode }[])[];
}

/**
 * Where a schema's `x-sensitive` values are, as the generated redactor walks them: the value
 * itself, some properties (and every value of a map), each item, a shared type's own plan, or
 * several plans over one value (`allOf`, union branches).
 */
export type RedactionPlan =
  | { readonly kind: 'conceal' }
  | {
      readonly kind: 'properties';
      readonly properties: readonly { readonly name: string; readonly plan: RedactionPlan }[];
      /** A map's values: keys a pattern matches take its plan; keys neither declared nor matched take `plan`. */
      readonly rest?: {
        readonly declared: readonly string[];
        readonly patterns: readonly { readonly pattern: string; readonly plan: RedactionPlan | null }[];
        readonly plan?: RedactionPlan;
      };
    }
  /** Array items: the first ones by position (`prefixItems`; null for none), then every later one. */
  | { readonly kind: 'items'; readonly prefix: readonly (RedactionPlan | null)[]; readonly plan?: RedactionPlan }
  | { readonly kind: 'type'; readonly names: TypeNames; readonly lazy: boolean }
  | { readonly kind: 'each'; readonly plans: readonly RedactionPlan[] };

/** The ending of relative imports between generated files. */
export type ImportExtension = '.js' | '.ts' | '';

/** A JSON Schema as exported: the catalogue's own, with its defaults made explicit. */
export type ExportedSchema = { readonly [keyword: string]: JsonValue };

export interface TypeModel {
  readonly name: string;
  readonly names: TypeNames;
  readonly description?: string;
  readonly schema: SchemaNode;
  /** For export: closed objects say so, and `$ref`s point into `#/$defs/`. */
  readonly jsonSchema: ExportedSchema;
  /** Part of a reference cycle: its schema is reached lazily and has no inferred type. */
  readonly recursive: boolean;
  /** Where its sensitive values are; absent when it has none. */
  readonly redaction?: RedactionPlan;
}

/** An earlier version of an event's payload, kept so that events written under it can be read and upcast. */
export interface PreviousVersionModel {
  readonly version: number;
  readonly names: VersionNames;
  readonly payload: SchemaNode;
  readonly redaction?: RedactionPlan;
  readonly jsonSchema: ExportedSchema;
  /** What the upcaster of the step to the next kept version does; absent when the step needs no code. */
  readonly upcast?: string;
  readonly typesUsed: readonly string[];
}

export interface EventModel {
  readonly name: string;
  readonly domain: string;
  readonly description: string;
  readonly version: number;
  readonly deprecated: boolean | string;
  readonly names: EventNames;
  /** An object, or a union of objects (a payload union), possibly through shared types. */
  readonly payload: SchemaNode;
  readonly examples: readonly JsonValue[];
  /** Where the payload's sensitive values are; absent when it has none. */
  readonly redaction?: RedactionPlan;
  /** For export: the payload schema with its defaults made explicit. */
  readonly jsonSchema: ExportedSchema;
  /** Shared types the payload uses, directly or through other types, in model order. */
  readonly typesUsed: readonly string[];
  /** Earlier versions kept in the catalogue, oldest first. */
  readonly previous: readonly PreviousVersionModel[];
}

export interface DomainModel {
  readonly name: string;
  readonly description: string;
  readonly events: readonly EventModel[];
}

export interface CatalogueModel {
  /** What `generate` writes besides the TypeScript and EVENTS.md. */
  readonly outputs: { readonly jsonschema: boolean; readonly asyncapi: boolean };
  /** How generated files import each other: `./registry.js` (the default), `./registry.ts` or `./registry`. */
  readonly importExtension: ImportExtension;
  /** Where the events travel, for the AsyncAPI document: subjects `<subjectPrefix>.<type>` on `server`. */
  readonly transport: { readonly subjectPrefix: string; readonly server: string };
  readonly domains: readonly DomainModel[];
  /** Shared types, each after the types it uses (catalogue order otherwise). */
  readonly types: readonly TypeModel[];
  /** Every event, grouped by domain in declaration order. */
  readonly events: readonly EventModel[];
}

function annotations(schema: SubSchema): Annotations {
  if (typeof schema === 'boolean') return {};
  return {
    ...(schema.description === undefined ? {} : { description: schema.description }),
    ...(schema.deprecated === true ? { deprecated: true as const } : {}),
    ...(schema['x-sensitive'] === true ? { sensitive: true as const } : {}),
  };
}

const typeOfRef = (ref: string): string => ref.slice('#/types/'.length);

/** Every `$ref` target anywhere in a schema. */
function allRefs(schema: SubSchema): string[] {
  if (typeof schema === 'boolean') return [];
  const own = schema.$ref === undefined ? [] : [typeOfRef(schema.$ref)];
  return [...own, ...subSchemas(schema).flatMap((child) => allRefs(child.schema))];
}

/** Orders types so each follows what it uses; names on a cycle are returned as recursive. */
function orderTypes(types: { readonly [name: string]: JsonSchema }): { order: string[]; recursive: Set<string> } {
  const order: string[] = [];
  const recursive = new Set<string>();
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, trail: string[]): void => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      for (const member of trail.slice(trail.indexOf(name))) recursive.add(member);
      return;
    }
    state.set(name, 'visiting');
    for (const target of allRefs(types[name] ?? {})) visit(target, [...trail, name]);
    state.set(name, 'done');
    order.push(name);
  };
  for (const name of Object.keys(types)) visit(name, []);
  return { order, recursive };
}

interface BuildContext {
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

const entriesOf = <T>(record: { readonly [key: string]: T } | undefined): [string, T][] => Object.entries(record ?? {});

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

function buildNode(schema: SubSchema, context: BuildContext): SchemaNode {
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
const INHERITED_NAMES: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));

const CONCEAL: RedactionPlan = { kind: 'conceal' };

interface RedactionContext {
  /** Shared types with a sensitive value somewhere inside. */
  readonly sensitiveTypes: ReadonlySet<string>;
  readonly recursive: ReadonlySet<string>;
  readonly inType: boolean;
}

/**
 * The redaction plan of a schema: `x-sensitive` is honoured wherever a schema may stand. A union
 * branch marked sensitive conceals the whole value, whichever branch it matched; branches' own
 * plans all apply, so a key is concealed if any branch marks it.
 */
function redactionPlan(schema: SubSchema, context: RedactionContext): RedactionPlan | undefined {
  if (typeof schema === 'boolean') return undefined;
  if (schema['x-sensitive'] === true) return CONCEAL;
  const plans: RedactionPlan[] = [];
  if (schema.$ref !== undefined) {
    const type = typeOfRef(schema.$ref);
    if (context.sensitiveTypes.has(type)) plans.push({ kind: 'type', names: typeNames(type), lazy: context.inType && context.recursive.has(type) });
  }
  const properties = entriesOf(schema.properties).flatMap(([name, property]) => {
    const plan = redactionPlan(property, context);
    return plan === undefined ? [] : [{ name, plan }];
  });
  const rest = schema.additionalProperties === undefined ? undefined : redactionPlan(schema.additionalProperties, context);
  const patterns = entriesOf(schema.patternProperties).map(([pattern, each]) => ({ pattern, plan: redactionPlan(each, context) ?? null }));
  if (properties.length > 0 || rest !== undefined || patterns.some((each) => each.plan !== null)) {
    const others = rest !== undefined || patterns.some((each) => each.plan !== null);
    plans.push({
      kind: 'properties',
      properties,
      ...(others ? { rest: { declared: Object.keys(schema.properties ?? {}), patterns, ...(rest === undefined ? {} : { plan: rest }) } } : {}),
    });
  }
  const prefix = (schema.prefixItems ?? []).map((item) => redactionPlan(item, context) ?? null);
  const items = schema.items === undefined ? undefined : redactionPlan(schema.items, context);
  if (items !== undefined || prefix.some((plan) => plan !== null)) plans.push({ kind: 'items', prefix, ...(items === undefined ? {} : { plan: items }) });
  // Which items `contains` counted is not known afterwards: its marks apply to every item.
  const contained = schema.contains === undefined ? undefined : redactionPlan(schema.contains, context);
  if (contained !== undefined) plans.push({ kind: 'items', prefix: [], plan: contained });
  const sameValue = [...(schema.oneOf ?? []), ...(schema.anyOf ?? []), ...(schema.allOf ?? []), ...Object.values(schema.dependentSchemas ?? {}), ...[schema.not, schema.if, schema.then, schema.else].filter((each) => each !== undefined)];
  for (const member of sameValue) {
    const plan = redactionPlan(member, context);
    if (plan?.kind === 'conceal') return CONCEAL;
    if (plan !== undefined) plans.push(plan);
  }
  if (plans.length <= 1) return plans[0];
  return { kind: 'each', plans };
}

/** The shared types that hold a sensitive value, directly or through other types (recursion included). */
function sensitiveTypes(types: { readonly [name: string]: JsonSchema }, recursive: ReadonlySet<string>): Set<string> {
  const found = new Set<string>();
  // A least fixed point: each pass can only add types, so it ends.
  for (let changed = true; changed; ) {
    changed = false;
    for (const [name, schema] of Object.entries(types)) {
      if (!found.has(name) && redactionPlan(schema, { sensitiveTypes: found, recursive, inType: true }) !== undefined) {
        found.add(name);
        changed = true;
      }
    }
  }
  return found;
}

/**
 * The schema as other tools should read it: objects that the catalogue closes by default say
 * `additionalProperties: false`, and `#/types/Name` becomes `#/$defs/Name`.
 */
function explicitSchema(schema: JsonSchema, closedByDefault: boolean): ExportedSchema {
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

/** Builds the model of a catalogue that validate accepted. */
export function buildModel(document: CatalogueDocument): CatalogueModel {
  const typeSchemas = document.types ?? {};
  const { order, recursive } = orderTypes(typeSchemas);
  const closedByDefault = document.defaults?.additionalProperties !== true;
  const formats = document.defaults?.formats ?? 'assert';
  const sensitive = sensitiveTypes(typeSchemas, recursive);
  const types = order.map((name): TypeModel => {
    const schema = typeSchemas[name] ?? {};
    const redaction = redactionPlan(schema, { sensitiveTypes: sensitive, recursive, inType: true });
    return {
      name,
      names: typeNames(name),
      ...(schema.description === undefined ? {} : { description: schema.description }),
      schema: buildNode(schema, { closedByDefault, recursive, inType: true, formats, types: typeSchemas }),
      jsonSchema: explicitSchema(schema, closedByDefault),
      recursive: recursive.has(name),
      ...(redaction === undefined ? {} : { redaction }),
    };
  });
  const typesUsedBy = (schema: SubSchema): string[] => {
    const used = new Set<string>();
    const visit = (name: string): void => {
      if (used.has(name)) return;
      used.add(name);
      for (const next of allRefs(typeSchemas[name] ?? {})) visit(next);
    };
    for (const name of allRefs(schema)) visit(name);
    return order.filter((name) => used.has(name));
  };

  // Each event's domain is read once (catalogues of thousands of events have tens of domains).
  const byDomain = new Map<string, [string, EventDocument][]>();
  for (const entry of Object.entries(document.events)) {
    const domain = domainOf(entry[0]);
    const list = byDomain.get(domain);
    if (list === undefined) byDomain.set(domain, [entry]);
    else list.push(entry);
  }
  const domains = Object.entries(document.domains).map(([domain, description]): DomainModel => {
    const events = (byDomain.get(domain) ?? [])
      .map(([name, event]): EventModel => {
        const context = { closedByDefault, recursive, inType: false, formats, types: typeSchemas };
        const payload = buildNode(event.payload, context);
        const redaction = redactionPlan(event.payload, { sensitiveTypes: sensitive, recursive, inType: false });
        const previous = (event.previous ?? []).map((entry): PreviousVersionModel => {
          const plan = redactionPlan(entry.payload, { sensitiveTypes: sensitive, recursive, inType: false });
          return {
            version: entry.version,
            names: versionNames(name, entry.version),
            payload: buildNode(entry.payload, context),
            ...(plan === undefined ? {} : { redaction: plan }),
            jsonSchema: explicitSchema(entry.payload, closedByDefault),
            ...(entry.upcast === undefined ? {} : { upcast: entry.upcast }),
            typesUsed: typesUsedBy(entry.payload),
          };
        });
        return {
          name,
          domain,
          description: event.description,
          version: event.version ?? 1,
          deprecated: event.deprecated ?? false,
          names: eventNames(name),
          payload,
          examples: event.examples ?? [],
          ...(redaction === undefined ? {} : { redaction }),
          jsonSchema: explicitSchema(event.payload, closedByDefault),
          typesUsed: typesUsedBy(event.payload),
          previous,
        };
      });
    return { name: domain, description, events };
  });
  const asyncapi = document.outputs?.asyncapi;
  const settings = typeof asyncapi === 'object' ? asyncapi : {};
  const outputs = { jsonschema: document.outputs?.jsonschema === true, asyncapi: asyncapi === true || typeof asyncapi === 'object' };
  const transport = { subjectPrefix: settings.subjectPrefix ?? DEFAULT_SUBJECT_PREFIX, server: settings.server ?? 'localhost:4222' };
  const importExtension = ({ js: '.js', ts: '.ts', none: '' } as const)[document.outputs?.importExtension ?? 'js'];
  return { outputs, importExtension, transport, domains, types, events: domains.flatMap((domain) => domain.events) };
}
