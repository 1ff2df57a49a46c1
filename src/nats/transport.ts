/**
 * Events across processes on NATS JetStream (entry point `eventspec/nats`).
 *
 * Outbound, `NatsEventPublisher` publishes each event to `<prefix>.<event type>` with the event
 * id as `Nats-Msg-Id` (the stream drops a retried publish inside its duplicate window) and the
 * CloudEvents binary-mode headers (`ce-id`, `ce-time`, `ce-correlationid`, …). Inbound,
 * `NatsEventConsumer` reads a durable consumer into a local bus with `bus.ingest`, keeping the
 * original id, time and chain; it acknowledges a message only after the local audit append and
 * the handlers have run. A handler failure is retried by redelivery up to `maxDeliver`, then
 * dead-lettered; a message that is no valid event is terminated and dead-lettered at once.
 */
import { headers as natsHeaders, nanos, type MsgHdrs, type NatsConnection } from '@nats-io/nats-core';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager, type JsMsg, type PubAck } from '@nats-io/jetstream';
import type { AuditSink } from '../audit/sink.ts';
import type { DomainEvent, EventRegistry } from '../bus.ts';
import type { BaseEventBus } from '../bus-core.ts';
import { EventValidationError } from '../errors.ts';
import { readCloudEvent, toCloudEvent } from '../cloudevents.ts';
import { DEFAULT_SUBJECT_PREFIX, subjectOf } from './subjects.ts';

export interface StreamOptions {
  /** The JetStream stream (default `EVENTS`). */
  readonly stream?: string;
  /** Subjects are `<subjectPrefix>.<event type>` (default `events`). */
  readonly subjectPrefix?: string;
  /** How long the stream remembers message ids to drop duplicates (default 2 minutes). */
  readonly duplicateWindowMs?: number;
}

interface ResolvedStream {
  readonly stream: string;
  readonly prefix: string;
  readonly duplicateWindowMs: number;
  readonly deadLetterStream: string;
  readonly deadLetterPrefix: string;
}

function resolveStream(options: StreamOptions): ResolvedStream {
  const stream = options.stream ?? 'EVENTS';
  const prefix = options.subjectPrefix ?? DEFAULT_SUBJECT_PREFIX;
  return { stream, prefix, duplicateWindowMs: options.duplicateWindowMs ?? 120_000, deadLetterStream: `${stream}_DLQ`, deadLetterPrefix: `${prefix}-dlq` };
}

/**
 * Creates the event stream and its dead-letter stream, or checks that they exist as configured:
 * file storage, limits retention, one subject tree each, the duplicate window.
 */
export async function ensureStreams(jsm: JetStreamManager, options: StreamOptions = {}): Promise<void> {
  const resolved = resolveStream(options);
  const wanted = [
    { name: resolved.stream, subjects: [`${resolved.prefix}.>`], duplicate_window: nanos(resolved.duplicateWindowMs) },
    { name: resolved.deadLetterStream, subjects: [`${resolved.deadLetterPrefix}.>`], duplicate_window: nanos(resolved.duplicateWindowMs) },
  ];
  for (const config of wanted) {
    try {
      const info = await jsm.streams.info(config.name);
      if (!config.subjects.every((subject) => info.config.subjects.includes(subject))) {
        throw new Error(`stream ${config.name} exists without the subjects ${config.subjects.join(', ')}; fix or remove it`);
      }
    } catch (error) {
      if (!/stream not found/i.test((error as Error).message)) throw error;
      await jsm.streams.add({ ...config, storage: 'file', retention: 'limits' });
    }
  }
}

export { subjectOf };

export interface PublisherOptions extends StreamOptions {
  /** The CloudEvents `source` of what this process publishes. */
  readonly source: string;
  /** Attempts for one event before `publish` gives up (default 5); each retry keeps the message id. */
  readonly attempts?: number;
}

export class NatsEventPublisher {
  readonly #js: JetStreamClient;
  readonly #options: PublisherOptions;
  readonly #prefix: string;

  readonly #nc: NatsConnection;

  constructor(nc: NatsConnection, options: PublisherOptions) {
    this.#nc = nc;
    this.#js = jetstream(nc);
    this.#options = options;
    this.#prefix = resolveStream(options).prefix;
  }

  /** Creates the streams, or checks them; call once before publishing. */
  async start(): Promise<void> {
    await ensureStreams(await jetstreamManager(this.#nc), this.#options);
  }

  /**
   * Publishes one event and resolves with the stream's acknowledgement (`duplicate` is true when
   * the stream already had it). A publish that times out may still have been stored, so it is
   * retried with the same message id; after `attempts`, the promise rejects: nothing is dropped
   * silently.
   */
  async publish<M, T extends keyof M & string>(event: DomainEvent<M, T>): Promise<PubAck> {
    const ce = toCloudEvent(event, { source: this.#options.source });
    const headers = natsHeaders();
    for (const [name, value] of Object.entries(ce)) {
      if (name !== 'data' && name !== 'datacontenttype' && typeof value === 'string') headers.set(`ce-${name}`, value);
    }
    headers.set('content-type', 'application/json');
    const data = new TextEncoder().encode(JSON.stringify(event.payload));
    const attempts = this.#options.attempts ?? 5;
    let lastError: unknown;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        return await this.#js.publish(subjectOf(this.#prefix, event.type), data, { msgID: event.id, headers, timeout: 5000 });
      } catch (error) {
        lastError = error;
        await new Promise((resolve) => setTimeout(resolve, Math.min(2000, 50 * 2 ** attempt)));
      }
    }
    throw new Error(`could not publish ${event.type} ${event.id} after ${attempts} attempts: ${(lastError as Error).message}`, { cause: lastError });
  }
}

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
  /** Ids remembered to skip a message already processed (default 100,000). */
  readonly rememberIds?: number;
  /**
   * Ids the local audit trail already holds (say, from `readAudit` at start-up): a redelivery of
   * one runs the handlers again but is not recorded twice.
   */
  readonly alreadyAudited?: Iterable<string>;
  /**
   * The local bus's audit sink: a message is acknowledged only once its record is durable
   * (`flush()` resolved), so a crash never loses an event the server considers delivered.
   */
  readonly audit?: AuditSink;
}

/** Why a message went to the dead-letter stream. */
export interface DeadLetter {
  readonly subject: string;
  readonly reason: string;
}

export class NatsEventConsumer<M> {
  readonly #nc: NatsConnection;
  readonly #bus: BaseEventBus<M>;
  readonly #registry: EventRegistry<M>;
  readonly #options: ConsumerOptions<M>;
  readonly #resolved: ResolvedStream;
  readonly #done = new Set<string>();
  readonly #audited = new Set<string>();
  #stopped = false;
  #messages: { stop(): void; close(): Promise<void | Error> } | undefined;
  #running: Promise<void> | undefined;

  constructor(nc: NatsConnection, bus: BaseEventBus<M>, registry: EventRegistry<M>, options: ConsumerOptions<M>) {
    this.#nc = nc;
    this.#bus = bus;
    this.#registry = registry;
    this.#options = options;
    this.#resolved = resolveStream(options);
    for (const id of options.alreadyAudited ?? []) this.#remember(this.#audited, id);
  }

  /** Creates (or updates) the durable consumer and starts delivering into the bus. */
  async start(): Promise<void> {
    const jsm = await jetstreamManager(this.#nc);
    await ensureStreams(jsm, this.#options);
    const filters = subjectFilters(this.#resolved.prefix, this.#options.select ?? {});
    // One filter is `filter_subject`, which every JetStream server has; several need 2.10.
    const filter = filters.length === 1 ? { filter_subject: filters[0] ?? '' } : { filter_subjects: filters };
    const settings = { ...filter, max_deliver: this.#options.maxDeliver ?? 5, ack_wait: nanos(this.#options.ackWaitMs ?? 30_000) };
    const config = { durable_name: this.#options.durable, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All, ...settings };
    try {
      await jsm.consumers.info(this.#resolved.stream, this.#options.durable);
      await jsm.consumers.update(this.#resolved.stream, this.#options.durable, settings);
    } catch (error) {
      if (!/consumer not found/i.test((error as Error).message)) throw error;
      await jsm.consumers.add(this.#resolved.stream, config);
    }
    const consumer = await jetstream(this.#nc).consumers.get(this.#resolved.stream, this.#options.durable);
    const messages = await consumer.consume();
    this.#messages = messages;
    this.#running = (async () => {
      for await (const message of messages) {
        if (this.#stopped) break;
        try {
          await this.#handle(message);
        } catch {
          // Dead-lettering failed (the server went away, say): leave the message to be redelivered.
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

  async #deadLetter(message: JsMsg, type: string, reason: string): Promise<void> {
    const headers: MsgHdrs = message.headers ?? natsHeaders();
    headers.set('eventspec-dead-letter-reason', reason);
    headers.set('eventspec-original-subject', message.subject);
    const id = message.headers?.get('ce-id');
    await jetstream(this.#nc).publish(`${this.#resolved.deadLetterPrefix}.${/^[a-z0-9_.]+$/.test(type) ? type : 'invalid'}`, message.data, {
      headers,
      ...(id === undefined || id === '' ? {} : { msgID: `${id}:${message.info.deliveryCount}` }),
    });
  }

  async #handle(message: JsMsg): Promise<void> {
    const type = message.subject.startsWith(`${this.#resolved.prefix}.`) ? message.subject.slice(this.#resolved.prefix.length + 1) : message.subject;
    let event: DomainEvent<M>;
    try {
      const hdrs = message.headers;
      const attributes = Object.fromEntries([...(hdrs?.keys() ?? [])].filter((key) => key.toLowerCase().startsWith('ce-')).map((key) => [key.slice(3).toLowerCase(), hdrs?.get(key) ?? '']));
      const data: unknown = JSON.parse(new TextDecoder().decode(message.data));
      // The payload is validated once, by bus.ingest below; a bad one is dead-lettered there too.
      event = readCloudEvent({ ...attributes, type: attributes['type'] ?? type, data }, this.#registry, {}, false);
    } catch (error) {
      // Not an event of this catalogue: redelivery cannot help.
      await this.#deadLetter(message, type, `not a valid event: ${(error as Error).message}`);
      message.term(`not a valid event: ${(error as Error).message}`.slice(0, 200));
      return;
    }
    if (this.#done.has(event.id)) {
      message.ack(); // Processed already: a redelivery after a lost ack, or a duplicate.
      return;
    }
    let failures: readonly unknown[];
    try {
      failures = await this.#bus.ingest(event, { audit: !this.#audited.has(event.id) });
      this.#remember(this.#audited, event.id);
    } catch (error) {
      if (error instanceof EventValidationError) {
        await this.#deadLetter(message, type, `not a valid event: ${error.message}`);
        message.term(`not a valid event: ${error.message}`.slice(0, 200));
        return;
      }
      failures = [error];
    }
    if (failures.length === 0) {
      this.#remember(this.#done, event.id);
      // Acknowledge once the record is on disk; the next message need not wait for that.
      const durable = this.#options.audit?.flush() ?? Promise.resolve();
      void durable.then(
        () => message.ack(),
        () => {
          this.#done.delete(event.id);
          message.nak(this.#options.retryDelayMs ?? 200);
        },
      );
    } else if (message.info.deliveryCount >= (this.#options.maxDeliver ?? 5)) {
      await this.#deadLetter(message, event.type, `handler failed ${message.info.deliveryCount} times: ${String((failures[0] as Error)?.message ?? failures[0])}`);
      message.term('handler failed, dead-lettered');
    } else {
      message.nak(this.#options.retryDelayMs ?? 200);
    }
  }

  #remember(ids: Set<string>, id: string): void {
    ids.add(id);
    // A Set iterates in insertion order: the first entry is the oldest.
    if (ids.size > (this.#options.rememberIds ?? 100_000)) ids.delete(ids.values().next().value as string);
  }
}
