/**
 * An AsyncAPI 3.0 document of the catalogue, as the NATS transport really carries it: a server,
 * one channel per event addressed by its subject (`<prefix>.<type>`), a `send` and a `receive`
 * operation per event with NATS bindings, and per message the CloudEvents headers and the
 * payload schema, with descriptions, versions and deprecation. YAML, deterministic, with the
 * generated-file header as its first line.
 */
import type { CatalogueModel, EventModel, ExportedSchema, PreviousVersionModel } from '../model.ts';
import type { ServiceModel } from '../service-model.ts';
import type { JsonValue } from '../../catalogue/types.ts';
import { dataschemaFor, subjectOf } from 'eventspec';
import { lineComment } from './code-text.ts';
import { toYaml } from './yaml-text.ts';

export const ASYNCAPI_PATH = 'asyncapi.yaml';
/** One document per service (AsyncAPI describes an application): `asyncapi/<service>.yaml`. */
export const SERVICE_ASYNCAPI_DIR = 'asyncapi';
/** The components key of the headers schema; no type (PascalCase) or event (dots) can have it. */
const HEADERS = 'cloudevents-headers';
const NATS_BINDING = { nats: { bindingVersion: '0.1.0' } };

/**
 * `$ref`s into the catalogue's types point into the document's components. AsyncAPI reads
 * payloads as draft-07 by default, which ignores keys beside `$ref`: a `$ref` with a description
 * (or other keys) beside it becomes `allOf: [{ $ref }]` beside them, which every draft reads alike.
 */
function componentRefs(schema: JsonValue): JsonValue {
  if (Array.isArray(schema)) return schema.map(componentRefs);
  if (typeof schema !== 'object' || schema === null) return schema;
  const entries = Object.entries(schema).map(([key, value]): [string, JsonValue] => [key, key === '$ref' && typeof value === 'string' ? value.replace('#/$defs/', '#/components/schemas/') : componentRefs(value)]);
  const ref = entries.find(([key]) => key === '$ref');
  if (ref === undefined || entries.length === 1) return Object.fromEntries(entries);
  return Object.fromEntries([...entries.filter(([key]) => key !== '$ref'), ['allOf', [{ $ref: ref[1] }]]]);
}

/** The CloudEvents binary-mode attributes the publisher sets as NATS headers, and the message id. */
function headersSchema(): Record<string, unknown> {
  const text = (description: string): Record<string, unknown> => ({ type: 'string', description });
  return {
    type: 'object',
    description: 'CloudEvents 1.0 attributes in binary mode, as NATS message headers, and the id JetStream de-duplicates on.',
    properties: {
      'ce-specversion': { type: 'string', const: '1.0' },
      'ce-id': text('The event id: a ULID for events made by eventspec, any string for events from elsewhere.'),
      'ce-source': text('Who emitted the event, e.g. `/agent-platform/planner`.'),
      'ce-type': text('The event type.'),
      'ce-time': { type: 'string', format: 'date-time', description: 'When the event happened, UTC.' },
      'ce-dataschema': text('The `$id` of the payload schema, which carries the event version.'),
      'ce-correlationid': text('The chain the event belongs to.'),
      'ce-causationid': text('The event that caused this one.'),
      'content-type': { type: 'string', const: 'application/json' },
      'Nats-Msg-Id': text('Equal to `ce-id`: JetStream drops a second message with the same id inside its duplicate window.'),
    },
    required: ['ce-specversion', 'ce-id', 'ce-source', 'ce-type', 'ce-time', 'ce-dataschema', 'ce-correlationid', 'content-type', 'Nats-Msg-Id'],
  };
}

function message(event: EventModel): Record<string, unknown> {
  return {
    name: event.name,
    title: event.name,
    summary: event.description,
    contentType: 'application/json',
    headers: {
      allOf: [
        { $ref: `#/components/schemas/${HEADERS}` },
        { type: 'object', properties: { 'ce-type': { const: event.name }, 'ce-dataschema': { const: dataschemaFor('urn:eventspec:', event.name, event.version) } } },
      ],
    },
    payload: { $ref: `#/components/schemas/${event.name}` },
    ...(event.examples.length === 0 ? {} : { examples: event.examples.map((payload, index) => ({ name: `example${index + 1}`, payload })) }),
    'x-eventspec-domain': event.domain,
    'x-eventspec-version': event.version,
    ...(event.deprecated === false ? {} : { 'x-eventspec-deprecated': event.deprecated }),
  };
}

/**
 * The component name of a kept earlier version: `plan.created-v1` (a hyphen, which no event name
 * has, so it cannot be another event's).
 */
function versionKey(event: EventModel, previous: PreviousVersionModel): string {
  return `${event.name}-v${previous.version}`;
}

/** An earlier version a producer not yet upgraded may still send: consumers receive it too. */
function previousMessage(event: EventModel, previous: PreviousVersionModel): Record<string, unknown> {
  return {
    name: versionKey(event, previous),
    title: `${event.name} (version ${previous.version})`,
    summary: `${event.description} As version ${previous.version} wrote it: still read, and upcast to version ${event.version}.`,
    contentType: 'application/json',
    headers: {
      allOf: [
        { $ref: `#/components/schemas/${HEADERS}` },
        { type: 'object', properties: { 'ce-type': { const: event.name }, 'ce-dataschema': { const: dataschemaFor('urn:eventspec:', event.name, previous.version) } } },
      ],
    },
    payload: { $ref: `#/components/schemas/${versionKey(event, previous)}` },
    'x-eventspec-domain': event.domain,
    'x-eventspec-version': previous.version,
    'x-eventspec-current-version': event.version,
    ...(previous.upcast === undefined ? {} : { 'x-eventspec-upcast': previous.upcast }),
  };
}

function payloadSchema(event: EventModel): ExportedSchema {
  return {
    ...(componentRefs(event.jsonSchema) as ExportedSchema),
    ...(event.deprecated === false ? {} : { deprecated: true }),
    ...(event.redaction === undefined ? {} : { 'x-eventspec-sensitive': true }),
  };
}

/** The events one operation covers, and the versions each may arrive as (all kept ones unless a consumer names its own). */
interface Operated {
  readonly event: EventModel;
  readonly versions?: readonly number[];
}

function operations(events: readonly Operated[], action: 'send' | 'receive'): [string, unknown][] {
  return events.map(({ event, versions }) => {
    const kept = action === 'send' ? [] : event.previous.filter((previous) => versions === undefined || versions.includes(previous.version));
    return [`${action}.${event.name}`, {
      action,
      channel: { $ref: `#/channels/${event.name}` },
      summary: action === 'send' ? `Publish ${event.name}.` : `Consume ${event.name}${kept.length === 0 ? '' : ', as any version still read'}.`,
      // Producers send the current version; consumers also receive the versions kept for reading.
      messages: [event.name, ...kept.map((previous) => versionKey(event, previous))].map((key) => ({ $ref: `#/channels/${event.name}/messages/${key}` })),
      bindings: NATS_BINDING,
    }];
  });
}

function channel(model: CatalogueModel, event: EventModel): Record<string, unknown> {
  return {
    address: subjectOf(model.transport.subjectPrefix, event.name),
    title: event.name,
    description: event.description,
    servers: [{ $ref: '#/servers/nats' }],
    messages: Object.fromEntries([event.name, ...event.previous.map((previous) => versionKey(event, previous))].map((key) => [key, { $ref: `#/components/messages/${key}` }])),
  };
}

/** An event's channel and message as `asyncapi.yaml` has them, for the web catalogue to show and copy. */
export function asyncApiExcerpt(model: CatalogueModel, event: EventModel): string {
  return toYaml({ channels: { [event.name]: channel(model, event) }, components: { messages: { [event.name]: message(event) } } });
}

interface Scope {
  readonly title: string;
  readonly description: string;
  readonly extensions: Record<string, unknown>;
  readonly sends: readonly Operated[];
  readonly receives: readonly Operated[];
}

function document(model: CatalogueModel, scope: Scope): string {
  const byName = new Map<string, EventModel>();
  for (const { event } of [...scope.sends, ...scope.receives]) byName.set(event.name, event);
  const events = model.events.filter((event) => byName.has(event.name));
  const usedTypes = new Set(events.flatMap((event) => [...event.typesUsed, ...event.previous.flatMap((previous) => previous.typesUsed)]));
  const body = {
    asyncapi: '3.0.0',
    info: { title: scope.title, version: '1.0.0', description: scope.description, ...scope.extensions },
    defaultContentType: 'application/json',
    servers: {
      nats: { host: model.transport.server, protocol: 'nats', description: 'The NATS server with JetStream that carries the events.' },
    },
    channels: Object.fromEntries(events.map((event) => [event.name, channel(model, event)])),
    operations: Object.fromEntries([...operations(scope.sends, 'send'), ...operations(scope.receives, 'receive')]),
    components: {
      schemas: {
        [HEADERS]: headersSchema(),
        ...Object.fromEntries(model.types.filter((type) => usedTypes.has(type.name)).map((type) => [type.name, componentRefs(type.jsonSchema)])),
        ...Object.fromEntries(events.flatMap((event) => [
          [event.name, payloadSchema(event)],
          ...event.previous.map((previous) => [versionKey(event, previous), componentRefs(previous.jsonSchema)]),
        ])),
      },
      messages: Object.fromEntries(events.flatMap((event) => [[event.name, message(event)], ...event.previous.map((previous) => [versionKey(event, previous), previousMessage(event, previous)])])),
    },
  };
  return toYaml(body);
}

function header(catalogueName: string): string {
  return `# Generated by eventspec from ${lineComment(catalogueName)}. Do not edit by hand: change the catalogue and run \`eventspec generate\`.\n`;
}

export function renderAsyncApi(model: CatalogueModel, catalogueName: string): string {
  const all = model.events.map((event) => ({ event }));
  return header(catalogueName) + document(model, {
    title: 'Event catalogue',
    description: `The events of ${catalogueName}, one channel per event type on NATS JetStream (subjects \`${model.transport.subjectPrefix}.<type>\`). Each message carries a JSON payload and CloudEvents headers; the event's own version is \`x-eventspec-version\`.`,
    extensions: {},
    sends: all,
    receives: all,
  });
}

/** The document of one service: `send` for what it produces, `receive` for what it consumes (in the versions it reads). */
export function renderServiceAsyncApi(model: CatalogueModel, service: ServiceModel, catalogueName: string): string {
  const events = new Map(model.events.map((event) => [event.name, event]));
  const operated = (names: readonly { event: string; versions?: readonly number[] }[]): Operated[] =>
    names.flatMap(({ event, versions }) => {
      const found = events.get(event);
      return found === undefined ? [] : [{ event: found, ...(versions === undefined ? {} : { versions }) }];
    });
  return header(catalogueName) + document(model, {
    title: service.name,
    description: `${service.description} Owned by ${service.owner}. It sends ${service.produces.length} and receives ${service.consumes.length} of the events of ${catalogueName} on NATS JetStream (subjects \`${model.transport.subjectPrefix}.<type>\`)${service.readsSensitive ? '' : '; it receives each `x-sensitive` value redacted'}.`,
    extensions: { 'x-eventspec-service': service.name, 'x-eventspec-owner': service.owner, 'x-eventspec-reads-sensitive': service.readsSensitive },
    sends: operated(service.produces.map((event) => ({ event }))),
    receives: operated(service.consumes),
  });
}
