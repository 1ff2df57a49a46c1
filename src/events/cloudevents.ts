/**
 * CloudEvents 1.0 for the catalogue's events, so they can cross HTTP, Kafka or any broker that
 * speaks CloudEvents. `toCloudEvent` gives the structured form (a plain object: serialise it
 * for structured mode, or hand it to the CloudEvents SDK for binary mode); `fromCloudEvent`
 * reads one back, validating it exactly as `emit` validates a payload.
 */
import * as z from 'zod/v4';
import type { DomainEvent, EventRegistry } from '../bus/bus.ts';
import { EventValidationError, type PayloadIssue } from './errors.ts';
import { EARLIEST_TIME, LATEST_TIME, TIMESTAMP_RULE } from './envelope.ts';
import { FOREIGN_ID_RULE, isForeignId } from './foreign-id.ts';
import { isTraceContext, type TraceContext } from './trace-context.ts';
import { readVersioned, type StoredEvent, type Upcaster } from './upcast.ts';
import { definitionOf, unknownType, validationError } from '../validation/validate-payload.ts';

/** A CloudEvent 1.0 in structured form, with our chain as extension attributes. */
export interface CloudEventJson<D = unknown> {
  readonly specversion: '1.0';
  readonly id: string;
  readonly source: string;
  readonly type: string;
  readonly time: string;
  readonly datacontenttype: 'application/json';
  readonly dataschema: string;
  readonly data: D;
  readonly correlationid: string;
  readonly causationid?: string;
  /** CloudEvents allows further extension attributes. */
  readonly [extension: string]: unknown;
}

export interface CloudEventOptions {
  /** The CloudEvents `source`: who emitted it, e.g. `/agent-platform/planner`. */
  readonly source: string;
  /** Prepended to the event type, e.g. `com.example.` gives `com.example.plan.created`. */
  readonly typePrefix?: string;
  /** The base of `dataschema`, as `eventspec export --base-uri` (default `urn:eventspec:`). */
  readonly schemaBaseUri?: string;
  /** A W3C trace context to carry as the distributed-tracing extension (`traceparent`, `tracestate`); a malformed one is refused. */
  readonly trace?: TraceContext;
}

export interface FromCloudEventOptions<M = unknown> {
  /** Stripped from the type before it is looked up in the registry. */
  readonly typePrefix?: string;
  /**
   * Brings data written under an earlier version (the version in `dataschema`) to the current
   * one (the generated `defineUpcasters`); without it, only steps that take no code are taken.
   */
  readonly upcaster?: Upcaster<M>;
}

/** The `$id` that `eventspec export` gives an event's payload schema (see codegen/render/json-schema.ts). */
export function dataschemaFor(baseUri: string, type: string, version: number): string {
  return baseUri.endsWith(':') ? `${baseUri}events:${type}:v${version}` : `${baseUri}${type}.v${version}.json`;
}

export function toCloudEvent<M, T extends keyof M & string>(event: DomainEvent<M, T>, options: CloudEventOptions): CloudEventJson<M[T]> {
  return {
    specversion: '1.0',
    id: event.id,
    source: options.source,
    type: `${options.typePrefix ?? ''}${event.type}`,
    time: event.timestamp,
    datacontenttype: 'application/json',
    dataschema: dataschemaFor(options.schemaBaseUri ?? 'urn:eventspec:', event.type, event.version),
    data: event.payload,
    correlationid: event.correlationId,
    ...(event.causationId === undefined ? {} : { causationid: event.causationId }),
    ...traceExtension(options.trace),
  };
}

function traceExtension(trace: TraceContext | undefined): { traceparent?: string; tracestate?: string } {
  if (trace === undefined) return {};
  if (!isTraceContext(trace)) throw new TypeError(`toCloudEvent: ${JSON.stringify(trace)} is not a W3C trace context (traceparent "00-<32 hex>-<16 hex>-<2 hex>", tracestate printable ASCII)`);
  return trace.tracestate === undefined ? { traceparent: trace.traceparent } : { traceparent: trace.traceparent, tracestate: trace.tracestate };
}

/** CloudEvents allows any non-empty string as `id`; correlation ids are often trace or request ids. */
const foreignId = z.string().refine(isForeignId, { message: FOREIGN_ID_RULE });
/** @internal The CloudEvents envelope as `fromCloudEvent` accepts it (exported for the agreement test). */
export const Envelope = z.looseObject({
  specversion: z.literal('1.0'),
  id: foreignId,
  source: z.string().min(1),
  type: z.string().min(1),
  time: z.iso.datetime({ offset: true }),
  datacontenttype: z.string().optional(),
  dataschema: z.string().optional(),
  data: z.unknown(),
  correlationid: foreignId.optional(),
  causationid: foreignId.optional(),
});

type CheckedEnvelope = z.output<typeof Envelope>;
const Time = z.iso.datetime({ offset: true });

function own(record: object, key: string): unknown {
  return Object.hasOwn(record, key) ? (record as Record<string, unknown>)[key] : undefined;
}

/**
 * `Envelope`'s verdict on a well-formed envelope, without building its output (a transport reads
 * one per message); anything it does not vouch for goes to `Envelope`, which names the issues.
 * @internal
 */
export function wellFormed(value: unknown): value is CheckedEnvelope {
  if (typeof value !== 'object' || value === null) return false;
  const source = own(value, 'source');
  const type = own(value, 'type');
  const time = own(value, 'time');
  const optionalString = (key: string): boolean => {
    const field = own(value, key);
    return field === undefined || typeof field === 'string';
  };
  const optionalId = (key: string): boolean => {
    const field = own(value, key);
    return field === undefined || isForeignId(field);
  };
  // `data` must be there (zod's rule for an object key), even if undefined.
  return Object.hasOwn(value, 'data') && own(value, 'specversion') === '1.0' && isForeignId(own(value, 'id')) && typeof source === 'string' && source !== '' && typeof type === 'string' && type !== ''
    && typeof time === 'string' && Time.safeParse(time).success
    && optionalString('datacontenttype') && optionalString('dataschema') && optionalId('correlationid') && optionalId('causationid');
}

const VERSION_IN_SCHEMA = /(?::v|\.v)(\d+)(?:\.json)?$/;

/**
 * A DomainEvent from a CloudEvent (structured form, or the SDK's `CloudEvent`), keeping its id,
 * time and chain, at the current version of its type: data written under an earlier version
 * (`dataschema` names it) is validated as that version and upcast (`writtenVersion` says so).
 * An unknown type or version, a bad envelope or data that breaks the schema throws
 * `EventValidationError`, as `emit` does; a failing upcaster throws `UpcastError`.
 */
export function fromCloudEvent<M>(cloudEvent: unknown, registry: EventRegistry<M>, options: FromCloudEventOptions<M> = {}): DomainEvent<M> {
  return readVersioned(registry, options.upcaster?.steps, readCloudEvent(cloudEvent, registry, options)).current;
}

/**
 * The event a CloudEvent carries, as written: envelope checked, type known, data not yet
 * validated. Hand it to `bus.ingest`, which validates it as its version, audits it as written
 * and delivers it upcast; `fromCloudEvent` gives the upcast event directly.
 */
export function readCloudEvent<M>(cloudEvent: unknown, registry: EventRegistry<M>, options: Pick<FromCloudEventOptions<M>, 'typePrefix'> = {}): StoredEvent {
  const claimedType = typeof (cloudEvent as { type?: unknown } | null)?.type === 'string' ? (cloudEvent as { type: string }).type : '(no type)';
  let ce: CheckedEnvelope;
  if (wellFormed(cloudEvent)) ce = cloudEvent;
  else {
    const envelope = Envelope.safeParse(typeof cloudEvent === 'object' && cloudEvent !== null ? { ...cloudEvent } : cloudEvent);
    if (!envelope.success) {
      const issues: PayloadIssue[] = envelope.error.issues.map((issue) => ({ path: ['cloudevent', ...issue.path.filter((part): part is string | number => typeof part !== 'symbol')], message: issue.message }));
      throw validationError(claimedType, issues);
    }
    ce = envelope.data;
  }
  if (ce.datacontenttype !== undefined && !/^application\/(?:[\w.+-]+\+)?json\b/.test(ce.datacontenttype)) {
    throw new EventValidationError(claimedType, [{ path: ['cloudevent', 'datacontenttype'], message: `expected JSON data, got ${ce.datacontenttype}` }]);
  }
  const prefix = options.typePrefix ?? '';
  const type = ce.type.startsWith(prefix) ? ce.type.slice(prefix.length) : ce.type;
  const definition = definitionOf(registry, type);
  if (definition === undefined) throw unknownType(ce.type, 0, registry);
  const schemaVersion = ce.dataschema === undefined ? undefined : VERSION_IN_SCHEMA.exec(ce.dataschema)?.[1];
  // Normalised to UTC with milliseconds, as every DomainEvent's timestamp is; an offset can carry
  // a time past the years the audit reader takes (9999-12-31T23:59:59-23:59 is year 10000).
  const time = Date.parse(ce.time);
  if (!(time >= EARLIEST_TIME && time <= LATEST_TIME)) throw new EventValidationError(claimedType, [{ path: ['cloudevent', 'time'], message: `${ce.time} falls outside them in UTC: ${TIMESTAMP_RULE}` }]);
  return Object.freeze({
    id: ce.id,
    type,
    domain: definition.domain,
    timestamp: new Date(time).toISOString(),
    correlationId: ce.correlationid ?? ce.id,
    ...(ce.causationid === undefined ? {} : { causationId: ce.causationid }),
    version: schemaVersion === undefined ? definition.version : Number(schemaVersion),
    payload: ce.data,
  });
}
