/**
 * Stage 3: a validated document → one normalised model. Every derived name, order and path is
 * computed here once; renderers only read the model.
 */
import type { CatalogueDocument, EventDocument, JsonSchema, JsonScalar, JsonValue, TypeName } from '../catalogue/types.ts';
import { DEFAULT_SUBJECT_PREFIX } from 'eventspec';
import { ULID_PATTERN, type FormatName } from 'eventspec/payload';
import { domainOf, eventNames, propertyKey, typeNames, type EventNames, type TypeNames } from '../catalogue/naming.ts';

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

export type SchemaNode =
  | { readonly kind: 'ref'; readonly type: string; readonly names: TypeNames; readonly lazy: boolean }
  | {
      readonly kind: 'object';
      readonly properties: readonly PropertyNode[];
      readonly additional: boolean | SchemaNode;
      /** A property is named like a member every object inherits (`constructor`): validate own properties only. */
      readonly ownOnly: boolean;
    }
  | { readonly kind: 'array'; readonly items: SchemaNode; readonly minItems?: number; readonly maxItems?: number; readonly uniqueItems: boolean }
  | { readonly kind: 'string'; readonly format?: FormatName; readonly pattern?: string; readonly minLength?: number; readonly maxLength?: number }
  | {
      readonly kind: 'number';
      readonly integer: boolean;
      readonly minimum?: number;
      readonly maximum?: number;
      readonly exclusiveMinimum?: number;
      readonly exclusiveMaximum?: number;
      readonly multipleOf?: number;
    }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'null' }
  | { readonly kind: 'literal'; readonly values: readonly JsonScalar[] }
  | { readonly kind: 'union'; readonly variants: readonly SchemaNode[]; readonly exclusive: boolean }
  | { readonly kind: 'intersection'; readonly parts: readonly SchemaNode[] }
  | { readonly kind: 'unknown' };

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
      /** A map's values: every key not in `declared`. */
      readonly rest?: { readonly declared: readonly string[]; readonly plan: RedactionPlan };
    }
  | { readonly kind: 'items'; readonly plan: RedactionPlan }
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

export interface EventModel {
  readonly name: string;
  readonly domain: string;
  readonly description: string;
  readonly version: number;
  readonly deprecated: boolean | string;
  readonly names: EventNames;
  readonly payload: SchemaNode & { readonly kind: 'object' | 'intersection' };
  readonly examples: readonly JsonValue[];
  /** Where the payload's sensitive values are; absent when it has none. */
  readonly redaction?: RedactionPlan;
  /** For export: the payload schema with its defaults made explicit. */
  readonly jsonSchema: ExportedSchema;
  /** Shared types the payload uses, directly or through other types, in model order. */
  readonly typesUsed: readonly string[];
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

function annotations(schema: JsonSchema): Annotations {
  return {
    ...(schema.description === undefined ? {} : { description: schema.description }),
    ...(schema.deprecated === true ? { deprecated: true as const } : {}),
    ...(schema['x-sensitive'] === true ? { sensitive: true as const } : {}),
  };
}

/** Every `$ref` target anywhere in a schema. */
function allRefs(schema: JsonSchema): string[] {
  const nested = [
    ...Object.values(schema.properties ?? {}),
    ...(typeof schema.additionalProperties === 'object' ? [schema.additionalProperties] : []),
    ...(schema.items === undefined ? [] : [schema.items]),
    ...(schema.oneOf ?? []),
    ...(schema.anyOf ?? []),
    ...(schema.allOf ?? []),
  ];
  const own = schema.$ref === undefined ? [] : [schema.$ref.slice('#/types/'.length)];
  return [...own, ...nested.flatMap(allRefs)];
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
}

function typedNode(type: TypeName, schema: JsonSchema, context: BuildContext): SchemaNode {
  switch (type) {
    case 'string':
      return {
        kind: 'string',
        ...(schema.format === undefined ? {} : { format: schema.format as FormatName }),
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
      };
    case 'boolean':
      return { kind: 'boolean' };
    case 'null':
      return { kind: 'null' };
    case 'array':
      return {
        kind: 'array',
        items: schema.items === undefined ? { kind: 'unknown' } : buildNode(schema.items, context),
        ...(schema.minItems === undefined ? {} : { minItems: schema.minItems }),
        ...(schema.maxItems === undefined ? {} : { maxItems: schema.maxItems }),
        uniqueItems: schema.uniqueItems === true,
      };
    case 'object': {
      const required = new Set(schema.required ?? []);
      const additional = schema.additionalProperties;
      return {
        kind: 'object',
        properties: Object.entries(schema.properties ?? {}).map(([name, property]) => ({
          name,
          key: propertyKey(name),
          required: required.has(name),
          schema: buildNode(property, context),
          ...annotations(property),
        })),
        additional: additional === undefined ? !context.closedByDefault : typeof additional === 'boolean' ? additional : buildNode(additional, context),
        ownOnly: Object.keys(schema.properties ?? {}).some((name) => INHERITED_NAMES.has(name)),
      };
    }
  }
}

function buildNode(schema: JsonSchema, context: BuildContext): SchemaNode {
  if (schema.$ref !== undefined) {
    const type = schema.$ref.slice('#/types/'.length);
    return { kind: 'ref', type, names: typeNames(type), lazy: context.inType && context.recursive.has(type) };
  }
  if (schema.enum !== undefined) return { kind: 'literal', values: schema.enum };
  if (schema.const !== undefined) return { kind: 'literal', values: [schema.const] };

  const types = schema.type === undefined ? [] : typeof schema.type === 'string' ? [schema.type] : schema.type;
  const typed = types.map((type) => typedNode(type, schema, context));
  const parts: SchemaNode[] = [];
  if (typed.length === 1 && typed[0] !== undefined) parts.push(typed[0]);
  if (typed.length > 1) parts.push({ kind: 'union', variants: typed, exclusive: false });
  if (schema.anyOf !== undefined) parts.push({ kind: 'union', variants: schema.anyOf.map((member) => buildNode(member, context)), exclusive: false });
  if (schema.oneOf !== undefined) parts.push({ kind: 'union', variants: schema.oneOf.map((member) => buildNode(member, context)), exclusive: true });
  if (schema.allOf !== undefined) parts.push(...schema.allOf.map((member) => buildNode(member, context)));
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
function redactionPlan(schema: JsonSchema, context: RedactionContext): RedactionPlan | undefined {
  if (schema['x-sensitive'] === true) return CONCEAL;
  if (schema.$ref !== undefined) {
    const type = schema.$ref.slice('#/types/'.length);
    return context.sensitiveTypes.has(type) ? { kind: 'type', names: typeNames(type), lazy: context.inType && context.recursive.has(type) } : undefined;
  }
  const plans: RedactionPlan[] = [];
  const properties = Object.entries(schema.properties ?? {}).flatMap(([name, property]) => {
    const plan = redactionPlan(property, context);
    return plan === undefined ? [] : [{ name, plan }];
  });
  const rest = typeof schema.additionalProperties === 'object' ? redactionPlan(schema.additionalProperties, context) : undefined;
  if (properties.length > 0 || rest !== undefined) {
    plans.push({ kind: 'properties', properties, ...(rest === undefined ? {} : { rest: { declared: Object.keys(schema.properties ?? {}), plan: rest } }) });
  }
  const items = schema.items === undefined ? undefined : redactionPlan(schema.items, context);
  if (items !== undefined) plans.push({ kind: 'items', plan: items });
  for (const member of [...(schema.oneOf ?? []), ...(schema.anyOf ?? []), ...(schema.allOf ?? [])]) {
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
  const convert = (value: unknown, key: string | undefined): JsonValue => {
    if (Array.isArray(value)) return value.map((item) => convert(item, undefined));
    if (typeof value !== 'object' || value === null) return value as JsonValue;
    const node = value as Record<string, unknown>;
    // Values of these keywords are data (or names), not schemas.
    if (key === 'enum' || key === 'const' || key === 'default' || key === 'examples' || key?.startsWith('x-') === true) return node as JsonValue;
    const result: Record<string, JsonValue> = {};
    for (const [name, child] of Object.entries(node)) {
      result[name] = name === '$ref' && typeof child === 'string' ? child.replace('#/types/', '#/$defs/') : convert(child, key === 'properties' ? undefined : name);
    }
    const types = [node['type'] ?? []].flat();
    if (key !== 'properties' && types.includes('object') && !('additionalProperties' in node) && closedByDefault) result['additionalProperties'] = false;
    // A validator that does not know `ulid` ignores the format: the pattern still holds it to one.
    if (key !== 'properties' && node['format'] === 'ulid') {
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
  const sensitive = sensitiveTypes(typeSchemas, recursive);
  const types = order.map((name): TypeModel => {
    const schema = typeSchemas[name] ?? {};
    const redaction = redactionPlan(schema, { sensitiveTypes: sensitive, recursive, inType: true });
    return {
      name,
      names: typeNames(name),
      ...(schema.description === undefined ? {} : { description: schema.description }),
      schema: buildNode(schema, { closedByDefault, recursive, inType: true }),
      jsonSchema: explicitSchema(schema, closedByDefault),
      recursive: recursive.has(name),
      ...(redaction === undefined ? {} : { redaction }),
    };
  });
  const typesUsedBy = (schema: JsonSchema): string[] => {
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
        const payload = buildNode(event.payload, { closedByDefault, recursive, inType: false }) as EventModel['payload'];
        const redaction = redactionPlan(event.payload, { sensitiveTypes: sensitive, recursive, inType: false });
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
