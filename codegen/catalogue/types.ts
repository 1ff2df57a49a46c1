/** The shape of a catalogue once validate has accepted it. Later stages read only these types. */

export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };
export type JsonScalar = string | number | boolean | null;

export const TYPE_NAMES = ['string', 'number', 'integer', 'boolean', 'object', 'array', 'null'] as const;
export type TypeName = (typeof TYPE_NAMES)[number];

/** A schema where JSON Schema allows a boolean too: `true` takes any value, `false` none. */
export type SubSchema = JsonSchema | boolean;

/** A payload schema in the supported JSON Schema 2020-12 vocabulary (see the README's keyword table). */
export interface JsonSchema {
  readonly type?: TypeName | readonly TypeName[];
  readonly properties?: { readonly [name: string]: SubSchema };
  readonly required?: readonly string[];
  readonly additionalProperties?: SubSchema;
  readonly patternProperties?: { readonly [pattern: string]: SubSchema };
  readonly propertyNames?: SubSchema;
  readonly minProperties?: number;
  readonly maxProperties?: number;
  readonly dependentRequired?: { readonly [name: string]: readonly string[] };
  readonly dependentSchemas?: { readonly [name: string]: SubSchema };
  readonly items?: SubSchema;
  readonly prefixItems?: readonly SubSchema[];
  /** Keys / items no other keyword of this schema (and the parts it applies in place) evaluated. */
  readonly unevaluatedProperties?: SubSchema;
  readonly unevaluatedItems?: SubSchema;
  readonly contains?: SubSchema;
  readonly minContains?: number;
  readonly maxContains?: number;
  readonly enum?: readonly JsonValue[];
  readonly const?: JsonValue;
  readonly oneOf?: readonly SubSchema[];
  readonly anyOf?: readonly SubSchema[];
  readonly allOf?: readonly SubSchema[];
  readonly not?: SubSchema;
  readonly if?: SubSchema;
  readonly then?: SubSchema;
  readonly else?: SubSchema;
  readonly $ref?: string;
  /** Local definitions, referred to as `#/$defs/Name` (lifted into shared types after validation). */
  readonly $defs?: { readonly [name: string]: SubSchema };
  readonly format?: string;
  readonly pattern?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly multipleOf?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly uniqueItems?: boolean;
  readonly title?: string;
  readonly description?: string;
  readonly default?: JsonValue;
  readonly examples?: readonly JsonValue[];
  readonly deprecated?: boolean;
  readonly readOnly?: boolean;
  readonly writeOnly?: boolean;
  readonly 'x-sensitive'?: boolean;
}

/** Keywords whose values are data or names, never schemas: walks that rewrite schemas leave them as they are. */
export function holdsData(keyword: string | undefined): boolean {
  return keyword !== undefined && (DATA_KEYWORDS.has(keyword) || keyword.startsWith('x-'));
}
const DATA_KEYWORDS: ReadonlySet<string> = new Set(['enum', 'const', 'default', 'examples', 'required', 'dependentRequired']);

/** The schemas directly inside a schema (not through references), with the keyword path to each. */
export function subSchemas(schema: JsonSchema): { readonly path: readonly (string | number)[]; readonly schema: SubSchema }[] {
  const found: { path: (string | number)[]; schema: SubSchema }[] = [];
  for (const keyword of ['$defs', 'properties', 'patternProperties', 'dependentSchemas'] as const) {
    for (const [name, child] of Object.entries(schema[keyword] ?? {})) found.push({ path: [keyword, name], schema: child });
  }
  for (const keyword of ['additionalProperties', 'propertyNames', 'items', 'contains', 'not', 'if', 'then', 'else', 'unevaluatedProperties', 'unevaluatedItems'] as const) {
    const child = schema[keyword];
    if (child !== undefined) found.push({ path: [keyword], schema: child });
  }
  for (const keyword of ['prefixItems', 'oneOf', 'anyOf', 'allOf'] as const) {
    (schema[keyword] ?? []).forEach((child, index) => found.push({ path: [keyword, index], schema: child }));
  }
  return found;
}

/** Where the AsyncAPI document says the events travel: the NATS transport's subjects and server. */
export interface AsyncApiSettings {
  /** Subjects are `<subjectPrefix>.<event type>`, as `NatsEventPublisher` publishes them (default `events`). */
  readonly subjectPrefix?: string;
  /** The NATS server, `host:port` (default `localhost:4222`). */
  readonly server?: string;
}

/** An earlier version of an event's payload, kept so that events written under it can still be read. */
export interface PreviousVersionDocument {
  readonly version: number;
  readonly payload: JsonSchema;
  /**
   * The step from this version to the next kept one needs code (an upcaster), and what it does.
   * Required when the step is breaking; allowed on a compatible step whose meaning changed.
   */
  readonly upcast?: string;
}

export interface EventDocument {
  readonly description: string;
  readonly payload: JsonSchema;
  readonly version?: number;
  readonly deprecated?: boolean | string;
  readonly examples?: readonly JsonValue[];
  /** Earlier versions, oldest first, each below `version`. */
  readonly previous?: readonly PreviousVersionDocument[];
}

/** An event a service consumes: by name (or `domain.*`), or by name with the versions its code reads. */
export type ConsumedEventDocument = string | { readonly event: string; readonly versions?: readonly number[] };

/** A service of the system: what it produces, what it consumes, and whether it may read sensitive values. */
export interface ServiceDocument {
  readonly description: string;
  /** The team that owns it. */
  readonly owner: string;
  /** Events it emits: names, or `domain.*` for every event of a domain. */
  readonly produces?: readonly string[];
  /** Events its handlers receive. */
  readonly consumes?: readonly ConsumedEventDocument[];
  /** Its handlers receive `x-sensitive` values as they are (default false: redacted). */
  readonly readsSensitive?: boolean;
}

/** How the web catalogue presents itself. */
export interface SiteSettings {
  /** The title of every page (default: the catalogue's file name). */
  readonly title?: string;
}

/** A catalogue that passed validate: every name, reference and schema in it is known to be sound. */
export interface CatalogueDocument {
  readonly version: 1;
  readonly defaults?: {
    readonly additionalProperties?: boolean;
    /** Whether `format` rejects values (`assert`, the default) or only describes them (`annotate`, as JSON Schema 2020-12 does by default). */
    readonly formats?: 'assert' | 'annotate';
    /** Warnings fail lint and generate, as errors do. */
    readonly strict?: boolean;
    /** Each event has one producing service: a second one is an error. */
    readonly singleProducer?: boolean;
  };
  /** Files `generate` writes besides the TypeScript and EVENTS.md. */
  readonly outputs?: {
    readonly jsonschema?: boolean;
    readonly asyncapi?: boolean | AsyncApiSettings;
    /** A static web catalogue in `site/`: plain HTML, CSS and a little JavaScript. */
    readonly site?: boolean | SiteSettings;
    /** How generated files import each other: `js` (default: NodeNext, Node16, Bundler), `ts` (type stripping, Deno), `none` (bundlers). */
    readonly importExtension?: 'js' | 'ts' | 'none';
  };
  readonly domains: { readonly [name: string]: string };
  readonly types?: { readonly [name: string]: JsonSchema };
  readonly events: { readonly [name: string]: EventDocument };
  /** Who produces and who consumes each event. */
  readonly services?: { readonly [name: string]: ServiceDocument };
}
