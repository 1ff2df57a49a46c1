/**
 * What a NATS consumer is told (its options and selection), and what it reads off each message:
 * the settings and message-level helpers of `consumer.ts`, kept apart from its delivery loop.
 */
import type { JsMsg } from '@nats-io/jetstream';
import type { AuditSink } from '../audit/sink.ts';
import type { IngestOptions } from '../bus/bus-core.ts';
import type { DomainEvent } from '../bus/bus.ts';
import type { StoredEvent } from '../events/upcast.ts';
import type { Logger } from '../bus/logger.ts';
import type { DeadLetterInfo } from './dead-letters.ts';
import type { HandledEvents } from './handled.ts';
import type { StreamOptions } from './streams.ts';
import { subjectOf } from './subjects.ts';

/** Which events a consumer receives: by type, by domain, or all. */
export interface EventSelection<M> {
  readonly types?: readonly (keyof M & string)[];
  readonly domains?: readonly string[];
}

/** Where a consumer delivers: a bus, or a service's bus (whose contract gives the durable name and the selection). */
export interface IngestTarget<M> {
  ingest(event: DomainEvent<M> | StoredEvent, options?: IngestOptions): Promise<readonly unknown[]>;
  readonly service?: { readonly name: string; readonly consumes: readonly string[] };
}

/** The durable name and selection of a consumer, from its options or its service's contract. */
export function consumerIdentity<M>(target: IngestTarget<M>, options: ConsumerOptions<M>): { durable: string; select: EventSelection<M> } {
  const service = target.service;
  const durable = options.durable ?? service?.name;
  if (durable === undefined) throw new TypeError('a NatsEventConsumer needs a durable name: pass { durable }, or deliver into a service\'s bus (serviceBus), whose name it takes');
  if (service === undefined) return { durable, select: options.select ?? {} };
  if (service.consumes.length === 0) throw new TypeError(`service ${service.name} consumes nothing: the catalogue lists no events under services.${service.name}.consumes, so there is nothing to consume`);
  const consumed = new Set(service.consumes);
  const outside = (options.select?.types ?? []).filter((type) => !consumed.has(type));
  if (outside.length > 0) throw new TypeError(`the consumer selects ${outside.join(', ')}, which service ${service.name} does not consume (it consumes ${service.consumes.join(', ')})`);
  if ((options.select?.domains ?? []).length > 0) throw new TypeError(`a consumer of service ${service.name} selects by type: its contract lists the types it consumes`);
  return { durable, select: options.select ?? { types: service.consumes as (keyof M & string)[] } };
}

/** Whether a type is in a selection (all types for an empty one). */
export function selects<M>(selection: EventSelection<M>, type: string): boolean {
  const types = selection.types ?? [];
  const domains = selection.domains ?? [];
  if (types.length === 0 && domains.length === 0) return true;
  return (types as readonly string[]).includes(type) || domains.some((domain) => type.startsWith(`${domain}.`));
}

/** The JetStream subject filters for a selection. */
export function subjectFilters<M>(prefix: string, selection: EventSelection<M>): string[] {
  const filters = [...(selection.types ?? []).map((type) => subjectOf(prefix, type)), ...(selection.domains ?? []).map((domain) => `${prefix}.${domain}.>`)];
  return filters.length === 0 ? [`${prefix}.>`] : filters;
}

export interface ConsumerOptions<M> extends StreamOptions {
  /** The durable consumer's name: it resumes where it left off (default: the service's name, for a service's bus). */
  readonly durable?: string;
  /** The events it receives (default: what the service consumes, for a service's bus; else all). */
  readonly select?: EventSelection<M>;
  /** Deliveries of one message before it is dead-lettered (default 5). */
  readonly maxDeliver?: number;
  /** How long the server waits for an ack before redelivering (default 30 s). */
  readonly ackWaitMs?: number;
  /**
   * How long one event's handlers may take before the delivery counts as failed (default: 20 s,
   * or two thirds of `ackWaitMs` when that is shorter). It must be shorter than `ackWaitMs`.
   */
  readonly handlerTimeoutMs?: number;
  /** Delay before a failed message is redelivered (default 200 ms). */
  readonly retryDelayMs?: number;
  /** Handled ids kept in memory to skip a redelivery without asking `handled` (default 100,000). */
  readonly rememberIds?: number;
  /**
   * Ids the local audit trail already holds (say, from `readAudit` at start-up): a redelivery of
   * one that was not handled runs the handlers again but is not recorded twice.
   */
  readonly alreadyAudited?: Iterable<string>;
  /**
   * The local bus's audit sink: a message is acknowledged only once its record is durable
   * (`flush()` resolved), so a crash never loses an event the server considers delivered.
   */
  readonly audit?: AuditSink;
  /**
   * Where handled events are recorded (default: the key-value bucket
   * `eventspec_handled_<stream>_<durable>`, kept as long as the stream keeps events).
   */
  readonly handled?: HandledEvents;
  /** Dead letters, failures and recoveries are logged here (default: pino on standard output). */
  readonly logger?: Logger;
  /** Hears each dead letter as it is stored. */
  readonly onDeadLetter?: (letter: DeadLetterInfo) => void;
  /** Hears each failure the consumer recovers from, or that stops it (then `closed()` has it too). */
  readonly onError?: (error: Error) => void;
}

export interface StopOptions {
  /** The longest `stop` waits for the message in hand, in milliseconds (default 10 s); an unsettled one is redelivered later. */
  readonly timeoutMs?: number;
}

/** A stream the consumer reads is missing: it never creates one. */
export class StreamNotFoundError extends Error {
  override readonly name = 'StreamNotFoundError';
}


/** The CloudEvents attributes of binary mode: each `ce-*` header (any case), named without the prefix. */
export function cloudEventAttributes(message: JsMsg): Record<string, string> {
  // No prototype: a `ce-__proto__` header is a key like any other.
  const attributes: Record<string, string> = Object.create(null) as Record<string, string>;
  const headers = message.headers;
  if (headers === undefined) return attributes;
  for (const key of headers.keys()) {
    // `ce-` in any case, without a lower-cased copy of every key.
    if (key.length > 3 && key.charCodeAt(2) === 45 && (key.charCodeAt(0) | 32) === 99 && (key.charCodeAt(1) | 32) === 101) attributes[key.slice(3).toLowerCase()] = headers.get(key);
  }
  return attributes;
}

/** A KV bucket name from any stream and durable name. */
export function bucketName(stream: string, durable: string): string {
  return `eventspec_handled_${stream}_${durable}`.replace(/[^A-Za-z0-9_-]/g, '_');
}

/** Whether a JetStream error says that a stream, bucket, consumer or message does not exist. */
export function isMissing(error: unknown): boolean {
  return /stream not found|bucket not found|consumer not found|no message found/i.test((error as Error)?.message ?? '');
}
