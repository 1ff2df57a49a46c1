/**
 * Stage 3: a validated document → one normalised model. Every derived name, order and path is
 * computed here once; renderers only read the model.
 */
import { subSchemas, type CatalogueDocument, type JsonScalar, type EventDocument, type JsonSchema, type JsonValue, type SubSchema } from '../catalogue/types.ts';
import { DEFAULT_SUBJECT_PREFIX } from 'eventspec';
import { type NumberFormatName, type StringFormatName } from 'eventspec/payload';
import { explicitSchema } from './explicit-schema.ts';
import { redactionPlan, sensitiveTypes } from './redaction-plan.ts';
import { buildNode, typeOfRef } from './schema-nodes.ts';
import { buildServices, type ServiceModel } from './service-model.ts';
import { domainOf, eventNames, typeNames, versionNames, type EventNames, type TypeNames, type VersionNames } from '../catalogue/naming.ts';

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
  readonly outputs: { readonly jsonschema: boolean; readonly asyncapi: boolean; readonly site: false | { readonly title?: string } };
  /** How generated files import each other: `./registry.js` (the default), `./registry.ts` or `./registry`. */
  readonly importExtension: ImportExtension;
  /** Where the events travel, for the AsyncAPI document: subjects `<subjectPrefix>.<type>` on `server`. */
  readonly transport: { readonly subjectPrefix: string; readonly server: string };
  readonly domains: readonly DomainModel[];
  /** Shared types, each after the types it uses (catalogue order otherwise). */
  readonly types: readonly TypeModel[];
  /** Every event, grouped by domain in declaration order. */
  readonly events: readonly EventModel[];
  /** The services that produce and consume the events, in declaration order (none when the catalogue declares none). */
  readonly services: readonly ServiceModel[];
}



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
  const site = document.outputs?.site;
  const outputs = {
    jsonschema: document.outputs?.jsonschema === true,
    asyncapi: asyncapi === true || typeof asyncapi === 'object',
    site: site === true ? {} : typeof site === 'object' ? site : (false as const),
  };
  const transport = { subjectPrefix: settings.subjectPrefix ?? DEFAULT_SUBJECT_PREFIX, server: settings.server ?? 'localhost:4222' };
  const importExtension = ({ js: '.js', ts: '.ts', none: '' } as const)[document.outputs?.importExtension ?? 'js'];
  const events = domains.flatMap((domain) => domain.events);
  return { outputs, importExtension, transport, domains, types, events, services: buildServices(document, events.map((event) => event.name)) };
}
