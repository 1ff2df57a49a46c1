/**
 * Inbound: a durable JetStream consumer into a local bus with `bus.ingest`, keeping each event's
 * id, time and chain.
 *
 * - A message is acknowledged only after the local audit record is durable, every handler ran,
 *   and the event is recorded as handled (`HandledEvents`, a key-value bucket by default).
 * - An event already handled never reaches the handlers again, across restarts and instances:
 *   neither a redelivery whose ack was lost nor a late duplicate published after the stream's
 *   duplicate window. An event whose handlers did not finish before a crash is redelivered.
 * - A handler failure is retried by redelivery up to `maxDeliver`, then dead-lettered; a message
 *   that is no valid event is dead-lettered at once. Either way it is dead-lettered once (the
 *   dead letter's message id is the source's stream sequence) and terminated with a plain
 *   `+TERM`, which every server version honours.
 */
import { headers as natsHeaders, nanos, type MsgHdrs, type NatsConnection } from '@nats-io/nats-core';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type JsMsg } from '@nats-io/jetstream';
import { decodeTime } from 'ulid';
import type { AuditSink } from '../audit/sink.ts';
import type { EventRegistry } from '../bus.ts';
import type { StoredEvent } from '../upcast.ts';
import type { BaseEventBus } from '../bus-core.ts';
import { readCloudEvent } from '../cloudevents.ts';
import { EventValidationError } from '../errors.ts';
import { isUlid } from '../formats.ts';
import { KvHandledEvents, type HandledEvents } from './handled.ts';
import { retryTransient } from './retry.ts';
import { ensureStreams, resolveStreams, type ResolvedStreams, type StreamOptions } from './streams.ts';
import { subjectOf } from './subjects.ts';

/** Which events a consumer receives: by type, by domain, or all. */
export interface EventSelection<M> {
  readonly types?: readonly (keyof M & string)[];
  readonly domains?: readonly string[];
}

/** The JetStream subject filters for a selection. */
export function subjectFilters<M>(prefix: string, selection: EventSelection<M>): string[] {
  const filters = [...(selection.types ?? []).map((type) => subjectOf(prefix, type)), ...(selection.domains ?? []).map((domain) => `${prefix}.${domain}.>`)];
  return filters.length === 0 ? [`${prefix}.>`] : filters;
}

export interface ConsumerOptions<M> extends StreamOptions {
  /** The durable consumer's name: it resumes where it left off. */
  readonly durable: string;
  readonly select?: EventSelection<M>;
  /** Deliveries of one message before it is dead-lettered (default 5). */
  readonly maxDeliver?: number;
  /** How long the server waits for an ack before redelivering (default 30 s). */
  readonly ackWaitMs?: number;
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
}

const UTF8 = new TextDecoder();

/** The CloudEvents attributes of binary mode: each `ce-*` header (any case), named without the prefix. */
function cloudEventAttributes(headers: MsgHdrs | undefined): Record<string, string> {
  // No prototype: a `ce-__proto__` header is a key like any other.
  const attributes: Record<string, string> = Object.create(null) as Record<string, string>;
  if (headers === undefined) return attributes;
  for (const key of headers.keys()) {
    // `ce-` in any case, without a lower-cased copy of every key.
    if (key.length > 3 && key.charCodeAt(2) === 45 && (key.charCodeAt(0) | 32) === 99 && (key.charCodeAt(1) | 32) === 101) attributes[key.slice(3).toLowerCase()] = headers.get(key);
  }
  return attributes;
}

/** A KV bucket name from any stream and durable name. */
function bucketName(stream: string, durable: string): string {
  return `eventspec_handled_${stream}_${durable}`.replace(/[^A-Za-z0-9_-]/g, '_');
}

/**
 * Whether the stream's own de-duplication proves a message is the first stored copy of its
 * event. Any earlier copy was stored after the event was made (the ULID's time); if this copy was
 * stored within half the duplicate window of that time (the other half absorbs clock skew), the
 * server would have dropped it as a duplicate. A redelivery, or a foreign id, proves nothing.
 */
function provenFirst(id: string, message: JsMsg, duplicateWindowMs: number): boolean {
  if (message.info.redelivered || !isUlid(id)) return false;
  const stored = Number(message.timestampNanos / 1_000_000n);
  return stored - decodeTime(id) < duplicateWindowMs / 2;
}

export class NatsEventConsumer<M> {
  readonly #nc: NatsConnection;
  readonly #bus: BaseEventBus<M>;
  readonly #registry: EventRegistry<M>;
  readonly #options: ConsumerOptions<M>;
  readonly #resolved: ResolvedStreams;
  readonly #done = new Set<string>();
  readonly #audited = new Set<string>();
  #handled: HandledEvents | undefined;
  #stopped = false;
  #messages: { stop(): void; close(): Promise<void | Error> } | undefined;
  #running: Promise<void> | undefined;

  constructor(nc: NatsConnection, bus: BaseEventBus<M>, registry: EventRegistry<M>, options: ConsumerOptions<M>) {
    this.#nc = nc;
    this.#bus = bus;
    this.#registry = registry;
    this.#options = options;
    this.#resolved = resolveStreams(options);
    for (const id of options.alreadyAudited ?? []) this.#remember(this.#audited, id);
  }

  /** Creates (or updates) the durable consumer and starts delivering into the bus. */
  async start(): Promise<void> {
    const jsm = await retryTransient(() => jetstreamManager(this.#nc));
    await ensureStreams(jsm, this.#options);
    const bucket = bucketName(this.#resolved.stream, this.#options.durable);
    this.#handled = this.#options.handled ?? (await retryTransient(() => KvHandledEvents.open(this.#nc, { bucket, ttlMs: this.#resolved.maxAgeMs, replicas: this.#resolved.replicas })));
    const filters = subjectFilters(this.#resolved.prefix, this.#options.select ?? {});
    // One filter is `filter_subject`, which every JetStream server has; several need 2.10.
    const filter = filters.length === 1 ? { filter_subject: filters[0] ?? '' } : { filter_subjects: filters };
    const settings = { ...filter, max_deliver: this.#options.maxDeliver ?? 5, ack_wait: nanos(this.#options.ackWaitMs ?? 30_000) };
    const config = { durable_name: this.#options.durable, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All, ...settings };
    try {
      await retryTransient(() => jsm.consumers.info(this.#resolved.stream, this.#options.durable));
      await retryTransient(() => jsm.consumers.update(this.#resolved.stream, this.#options.durable, settings));
    } catch (error) {
      if (!/consumer not found/i.test((error as Error).message)) throw error;
      await retryTransient(() => jsm.consumers.add(this.#resolved.stream, config));
    }
    const consumer = await retryTransient(() => jetstream(this.#nc).consumers.get(this.#resolved.stream, this.#options.durable));
    const messages = await consumer.consume();
    this.#messages = messages;
    this.#running = (async () => {
      for await (const message of messages) {
        if (this.#stopped) break;
        try {
          await this.#handle(message);
        } catch {
          // Dead-lettering or the handled check failed (the server went away, say): leave the
          // message to be redelivered.
          message.nak(this.#options.retryDelayMs ?? 200);
        }
      }
    })();
  }

  /** Stops taking messages; resolves when the one in hand is settled. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#messages?.stop();
    await this.#running;
  }

  /** Publishes the message to the dead-letter stream, once however often it is delivered, and terminates it. */
  async #deadLetter(message: JsMsg, type: string, reason: string): Promise<void> {
    const headers: MsgHdrs = message.headers ?? natsHeaders();
    headers.set('eventspec-dead-letter-reason', reason);
    headers.set('eventspec-original-subject', message.subject);
    headers.set('eventspec-original-sequence', String(message.seq));
    await jetstream(this.#nc).publish(`${this.#resolved.deadLetterPrefix}.${/^[a-z0-9_.]+$/.test(type) ? type : 'invalid'}`, message.data, {
      headers,
      // The source's stream sequence, not the delivery count: a redelivered poison message is
      // the same dead letter, and the dead-letter stream drops the copy.
      msgID: `${this.#resolved.stream}:${message.seq}`,
    });
    // A plain +TERM: nats-server 2.9 ignores `+TERM <reason>` and would redeliver.
    message.term();
  }

  async #handle(message: JsMsg): Promise<void> {
    const type = message.subject.startsWith(`${this.#resolved.prefix}.`) ? message.subject.slice(this.#resolved.prefix.length + 1) : message.subject;
    let event: StoredEvent;
    try {
      const attributes = cloudEventAttributes(message.headers);
      const data: unknown = JSON.parse(UTF8.decode(message.data));
      // The payload is validated (and upcast, when written under an earlier version) once, by
      // bus.ingest below; a bad one is dead-lettered there too.
      event = readCloudEvent({ ...attributes, type: attributes['type'] ?? type, data }, this.#registry, {});
    } catch (error) {
      // Not an event of this catalogue: redelivery cannot help.
      await this.#deadLetter(message, type, `not a valid event: ${(error as Error).message}`);
      return;
    }
    if (this.#done.has(event.id) || (!provenFirst(event.id, message, this.#resolved.duplicateWindowMs) && (await this.#handledStore().has(event.id)))) {
      // Handled already: a redelivery after a lost ack, or a duplicate.
      this.#remember(this.#done, event.id);
      message.ack();
      return;
    }
    let failures: readonly unknown[];
    try {
      failures = await this.#bus.ingest(event, { audit: !this.#audited.has(event.id) });
      this.#remember(this.#audited, event.id);
    } catch (error) {
      if (error instanceof EventValidationError) {
        await this.#deadLetter(message, type, `not a valid event: ${error.message}`);
        return;
      }
      failures = [error];
    }
    if (failures.length === 0) {
      this.#remember(this.#done, event.id);
      // Acknowledge once the record is on disk and, after that, the event is recorded as handled
      // (in that order: a crash between them must leave an event to redeliver, not one marked
      // handled that the trail lacks). The next message need not wait for either.
      const id = event.id;
      const handled = this.#handledStore();
      void Promise.resolve(this.#options.audit?.flush()).then(() => handled.add(id)).then(
        () => message.ack(),
        () => {
          this.#done.delete(id);
          message.nak(this.#options.retryDelayMs ?? 200);
        },
      );
    } else if (message.info.deliveryCount >= (this.#options.maxDeliver ?? 5)) {
      await this.#deadLetter(message, event.type, `handler failed ${message.info.deliveryCount} times: ${String((failures[0] as Error)?.message ?? failures[0])}`);
    } else {
      message.nak(this.#options.retryDelayMs ?? 200);
    }
  }

  #handledStore(): HandledEvents {
    if (this.#handled === undefined) throw new Error('the consumer is not started');
    return this.#handled;
  }

  #remember(ids: Set<string>, id: string): void {
    ids.add(id);
    // A Set iterates in insertion order: the first entry is the oldest.
    if (ids.size > (this.#options.rememberIds ?? 100_000)) ids.delete(ids.values().next().value as string);
  }
}
