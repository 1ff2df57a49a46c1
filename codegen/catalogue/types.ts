/** The shape of a catalogue once validate has accepted it. Later stages read only these types. */

export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };
export type JsonScalar = string | number | boolean | null;

export const TYPE_NAMES = ['string', 'number', 'integer', 'boolean', 'object', 'array', 'null'] as const;
export type TypeName = (typeof TYPE_NAMES)[number];

/** A payload schema in the supported JSON Schema subset (see the README's keyword table). */
export interface JsonSchema {
  readonly type?: TypeName | readonly TypeName[];
  readonly properties?: { readonly [name: string]: JsonSchema };
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | JsonSchema;
  readonly items?: JsonSchema;
  readonly enum?: readonly JsonScalar[];
  readonly const?: JsonScalar;
  readonly oneOf?: readonly JsonSchema[];
  readonly anyOf?: readonly JsonSchema[];
  readonly allOf?: readonly JsonSchema[];
  readonly $ref?: string;
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

/** Where the AsyncAPI document says the events travel: the NATS transport's subjects and server. */
export interface AsyncApiSettings {
  /** Subjects are `<subjectPrefix>.<event type>`, as `NatsEventPublisher` publishes them (default `events`). */
  readonly subjectPrefix?: string;
  /** The NATS server, `host:port` (default `localhost:4222`). */
  readonly server?: string;
}

export interface EventDocument {
  readonly description: string;
  readonly payload: JsonSchema;
  readonly version?: number;
  readonly deprecated?: boolean | string;
  readonly examples?: readonly JsonValue[];
}

/** A catalogue that passed validate: every name, reference and schema in it is known to be sound. */
export interface CatalogueDocument {
  readonly version: 1;
  readonly defaults?: { readonly additionalProperties?: boolean };
  /** Files `generate` writes besides the TypeScript and EVENTS.md. */
  readonly outputs?: {
    readonly jsonschema?: boolean;
    readonly asyncapi?: boolean | AsyncApiSettings;
    /** How generated files import each other: `js` (default: NodeNext, Node16, Bundler), `ts` (type stripping, Deno), `none` (bundlers). */
    readonly importExtension?: 'js' | 'ts' | 'none';
  };
  readonly domains: { readonly [name: string]: string };
  readonly types?: { readonly [name: string]: JsonSchema };
  readonly events: { readonly [name: string]: EventDocument };
}
