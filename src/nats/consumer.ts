/**
 * Inbound: a durable JetStream consumer into a local bus with `bus.ingest`, keeping each event's
 * id, time and chain.
 *
 * - A message is acknowledged only after the local audit record is durable, every handler ran,
 *   and the event is recorded as handled (`HandledEvents`, a key-value bucket by default).
 * - An event already handled never reaches the handlers again, across restarts and instances:
 *   neither a redelivery whose ack was lost nor a late duplicate published after the stream's
 *   duplicate window. Every message is checked against the handled record, so this holds
 *   whatever the producer's clock says. An event whose handlers did not finish before a crash is
 *   redelivered.
 * - A handler that fails, or does not settle within `handlerTimeoutMs`, is retried by
 *   redelivery up to `maxDeliver`, then dead-lettered; a message that is no valid event (not
 *   UTF-8 JSON, an unknown type, a `ce-type` other than its subject's, a bad envelope or
 *   payload) is dead-lettered at once. Either way it is dead-lettered once, logged, and told to
 *   `onDeadLetter`, and terminated with a plain `+TERM`, which every server version honours.
 * - Nothing stalls in silence: a failing handled record is retried with a growing pause and
 *   reported (`onError`, the log), a deleted bucket is created again, a deleted durable consumer
 *   is created again, and a stream that is gone stops the consumer with an error (`closed()`).
 * - The consumer never creates a stream: it refuses to start, naming the stream, when there is
 *   none (a publisher's `start()` or `ensureStreams` creates them).
 */
import { nanos, type NatsConnection } from '@nats-io/nats-core';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type ConsumerConfig, type ConsumerMessages, type JetStreamManager, type JsMsg } from '@nats-io/jetstream';
import type { EventRegistry } from '../bus/bus.ts';
import type { StoredEvent } from '../events/upcast.ts';
import { readCloudEvent } from '../events/cloudevents.ts';
import { EventValidationError } from '../events/errors.ts';
import { defaultLogger, type Logger } from '../bus/logger.ts';
import { bucketName, cloudEventAttributes, consumerIdentity, isMissing, selects, StreamNotFoundError, subjectFilters, type ConsumerOptions, type EventSelection, type IngestTarget, type StopOptions } from './consumer-options.ts';
import { deadLetter } from './dead-letters.ts';
import { KvHandledEvents, type HandledEvents } from './handled.ts';
import { retryTransient } from './retry.ts';
import { traceHeaders } from './trace-headers.ts';
import { tracing } from '../telemetry/tracing.ts';
import { resolveStreams, type ResolvedStreams } from './streams.ts';
import { REDACTED_HEADER } from './publisher.ts';
import { readAhead } from './read-ahead.ts';

export { StreamNotFoundError, subjectFilters } from './consumer-options.ts';
export type { ConsumerOptions, EventSelection, IngestTarget, StopOptions } from './consumer-options.ts';

/** Bodies must be UTF-8: a decoder that refuses anything else. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Whether a server of this version takes several subject filters on one consumer (2.10 and later). */
function takesSeveralFilters(version: string | undefined): boolean {
  const [major = 0, minor = 0] = (version ?? '0.0').split('.').map((part) => Number.parseInt(part, 10));
  return major > 2 || (major === 2 && minor >= 10);
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Messages taken from the client ahead of the one being handled. */
const LOOKAHEAD = 64;

/** The handled record's answer for one event id, asked when its message arrived. */
interface HandledLookup {
  readonly id: string;
  readonly handled: Promise<boolean | undefined>;
}

interface Received {
  readonly message: JsMsg;
  readonly lookup: HandledLookup | undefined;
}

export class NatsEventConsumer<M> {
  readonly #nc: NatsConnection;
  readonly #bus: IngestTarget<M>;
  readonly #registry: EventRegistry<M>;
  readonly #options: ConsumerOptions<M>;
  readonly #durable: string;
  readonly #select: EventSelection<M>;
  /** On a server that takes one subject filter (before 2.10), a wider one, and the types outside the selection skipped here. */
  #skipOutside = false;
  readonly #resolved: ResolvedStreams;
  readonly #logger: Logger;
  readonly #handlerTimeoutMs: number;
  readonly #done = new Set<string>();
  readonly #audited = new Set<string>();
  #handled: HandledEvents | undefined;
  #jsm: JetStreamManager | undefined;
  #stopped = false;
  #messages: ConsumerMessages | undefined;
  #running: Promise<void> | undefined;
  #failure: Error | undefined;
  #handledFailures = 0;
  readonly #closed: Promise<Error | undefined>;
  #close: (error: Error | undefined) => void = () => undefined;

  constructor(nc: NatsConnection, bus: IngestTarget<M>, registry: EventRegistry<M>, options: ConsumerOptions<M>) {
    this.#nc = nc;
    this.#bus = bus;
    this.#registry = registry;
    this.#options = options;
    ({ durable: this.#durable, select: this.#select } = consumerIdentity(bus, options));
    this.#resolved = resolveStreams(options);
    this.#logger = options.logger ?? defaultLogger('a NatsEventConsumer');
    const ackWaitMs = options.ackWaitMs ?? 30_000;
    this.#handlerTimeoutMs = options.handlerTimeoutMs ?? Math.min(20_000, Math.floor((ackWaitMs * 2) / 3));
    if (this.#handlerTimeoutMs >= ackWaitMs) throw new RangeError(`handlerTimeoutMs (${this.#handlerTimeoutMs}) must be shorter than ackWaitMs (${ackWaitMs}): the server would redeliver an event whose handlers still run`);
    for (const id of options.alreadyAudited ?? []) this.#remember(this.#audited, id);
    this.#closed = new Promise((resolve) => {
      this.#close = resolve;
    });
  }

  /** Creates (or updates) the durable consumer on the existing streams and starts delivering into the bus. */
  async start(): Promise<void> {
    const jsm = await retryTransient(() => jetstreamManager(this.#nc));
    this.#jsm = jsm;
    for (const stream of [this.#resolved.stream, this.#resolved.deadLetterStream]) {
      try {
        await retryTransient(() => jsm.streams.info(stream));
      } catch (error) {
        if (!isMissing(error)) throw error;
        throw new StreamNotFoundError(`stream ${stream} does not exist: a consumer never creates one. Create the streams with a publisher's start() or ensureStreams (with the same stream and subjectPrefix), then start the consumer.`);
      }
    }
    this.#handled = this.#options.handled ?? (await retryTransient(() => this.#openBucket()));
    await this.#ensureConsumer(jsm);
    const consumer = await retryTransient(() => jetstream(this.#nc).consumers.get(this.#resolved.stream, this.#durable));
    // Heartbeats every 5 s: a deleted consumer or a wiped store is noticed within seconds.
    const messages = await consumer.consume({ expires: 10_000 });
    this.#messages = messages;
    void this.#watch(messages);
    this.#running = this.#run(messages);
  }

  /**
   * Handles the messages one at a time, in order, while asking the handled record about the next
   * ones: each lookup is sent when its message arrives (so it sees every event acknowledged
   * before that), and the lookups of up to `LOOKAHEAD` messages travel together instead of one
   * round trip after another. The rest wait on the server, their ack wait not running.
   */
  #run(messages: ConsumerMessages): Promise<void> {
    return readAhead(messages, {
      limit: LOOKAHEAD,
      prepare: (message) => this.#lookUp(message),
      handle: async (message, lookup) => {
        try {
          await this.#handle({ message, lookup });
        } catch (error) {
          await this.#unsettled(message, error as Error);
        }
      },
      stopped: () => this.#stopped,
    });
  }

  /** The handled record's answer for the message's event id, asked now; undefined when it could not say (it is asked again, with retries, when the message's turn comes). */
  #lookUp(message: JsMsg): HandledLookup | undefined {
    const id = message.headers?.get('ce-id');
    if (id === undefined || id === '' || this.#done.has(id) || this.#handled === undefined) return undefined;
    return { id, handled: this.#handled.has(id).catch(() => undefined) };
  }

  /** Resolves when the consumer stopped: with the error that stopped it, or undefined after `stop()`. */
  closed(): Promise<Error | undefined> {
    return this.#closed;
  }

  /** Stops taking messages; resolves when the one in hand is settled, or at `timeoutMs` (it is then redelivered later). */
  async stop(options: StopOptions = {}): Promise<void> {
    this.#stopped = true;
    this.#messages?.stop();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.#running, new Promise((resolve) => (timer = setTimeout(resolve, options.timeoutMs ?? 10_000)))]);
    clearTimeout(timer);
    // The bucket this consumer opened stops being followed; one passed in as `handled` is the caller's.
    if (this.#options.handled === undefined && this.#handled instanceof KvHandledEvents) this.#handled.close();
    this.#close(this.#failure);
  }

  async #openBucket(): Promise<KvHandledEvents> {
    return KvHandledEvents.open(this.#nc, { bucket: bucketName(this.#resolved.stream, this.#durable), ttlMs: this.#resolved.maxAgeMs, replicas: this.#resolved.replicas });
  }

  /** Whether the default bucket's stream is gone (a lookup in it only times out, a write finds no stream). */
  async #bucketGone(): Promise<boolean> {
    if (this.#options.handled !== undefined || this.#jsm === undefined) return false;
    try {
      await this.#jsm.streams.info(`KV_${bucketName(this.#resolved.stream, this.#durable)}`);
      return false;
    } catch (error) {
      return isMissing(error);
    }
  }

  #consumerConfig(): Partial<ConsumerConfig> {
    let filters = subjectFilters(this.#resolved.prefix, this.#select);
    // One filter is `filter_subject`, which every JetStream server has; several need 2.10. Before
    // that, the consumer takes the whole subject tree and skips (acknowledges) what it did not select.
    if (filters.length > 1 && !takesSeveralFilters(this.#nc.info?.version)) {
      filters = [`${this.#resolved.prefix}.>`];
      this.#skipOutside = true;
    }
    const filter = filters.length === 1 ? { filter_subject: filters[0] ?? '' } : { filter_subjects: filters };
    return { ...filter, max_deliver: this.#options.maxDeliver ?? 5, ack_wait: nanos(this.#options.ackWaitMs ?? 30_000) };
  }

  async #ensureConsumer(jsm: JetStreamManager): Promise<'updated' | 'created'> {
    const settings = this.#consumerConfig();
    try {
      await retryTransient(() => jsm.consumers.info(this.#resolved.stream, this.#durable));
      await retryTransient(() => jsm.consumers.update(this.#resolved.stream, this.#durable, settings));
      return 'updated';
    } catch (error) {
      if (!/consumer not found/i.test((error as Error).message)) throw error;
      await retryTransient(() => jsm.consumers.add(this.#resolved.stream, { durable_name: this.#durable, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All, ...settings }));
      return 'created';
    }
  }

  /** Watches the consumer's notifications: a deleted consumer is created again; a stream that is gone stops the consumer. */
  async #watch(messages: ConsumerMessages): Promise<void> {
    let recovering = false;
    for await (const status of messages.status()) {
      if (this.#stopped) break;
      const gone = status.type === 'consumer_deleted' || status.type === 'consumer_not_found' || status.type === 'stream_not_found' || (status.type === 'heartbeats_missed' && status.count >= 2);
      if (!gone || recovering) continue;
      recovering = true;
      void this.#recover().finally(() => {
        recovering = false;
      });
    }
  }

  async #recover(): Promise<void> {
    const jsm = this.#jsm;
    if (jsm === undefined) return;
    try {
      await jsm.streams.info(this.#resolved.stream);
    } catch (error) {
      if (!isMissing(error)) return; // the server is away: the client reconnects, and heartbeats tell again
      this.#fatal(new StreamNotFoundError(`stream ${this.#resolved.stream} is gone (deleted, or the server's store was wiped): the consumer ${this.#durable} stopped; create the streams again and restart it`));
      return;
    }
    try {
      await jsm.consumers.info(this.#resolved.stream, this.#durable);
    } catch (error) {
      if (!isMissing(error)) return;
      try {
        await this.#ensureConsumer(jsm);
        this.#report(new Error(`the durable consumer ${this.#durable} on ${this.#resolved.stream} was deleted; created it again (it redelivers from the start of the stream, and handled events are skipped)`), 'consumer recreated');
      } catch (failure) {
        this.#fatal(new Error(`the durable consumer ${this.#durable} was deleted and could not be created again: ${(failure as Error).message}`, { cause: failure }));
      }
    }
  }

  #fatal(error: Error): void {
    if (this.#failure !== undefined) return;
    this.#failure = error;
    this.#report(error, 'the consumer stopped');
    this.#stopped = true;
    this.#messages?.stop();
    if (this.#options.handled === undefined && this.#handled instanceof KvHandledEvents) this.#handled.close();
    this.#close(error);
  }

  #report(error: Error, message: string): void {
    try {
      this.#logger.error({ err: error, stream: this.#resolved.stream, durable: this.#durable }, message);
      this.#options.onError?.(error);
    } catch {
      // A failing logger or hook must not stop delivery.
    }
  }

  #retryDelay(): number {
    const base = this.#options.retryDelayMs ?? 200;
    return Math.min(30_000, base * 2 ** Math.min(this.#handledFailures, 8));
  }

  /**
   * Dead-lettering or the handled record failed (the server went away, say): the message is
   * redelivered after a pause that grows while the failures go on, and dead-lettered on its last
   * delivery, so that the ack floor never sticks on it.
   */
  async #unsettled(message: JsMsg, error: Error): Promise<void> {
    this.#report(error, 'could not settle a message; it will be redelivered');
    if (message.info.deliveryCount >= (this.#options.maxDeliver ?? 5)) {
      try {
        await this.#deadLetter(message, this.#typeOf(message), `could not be settled in ${message.info.deliveryCount} deliveries: ${error.message}`);
        return;
      } catch {
        // The server is away altogether: nothing can be stored, so leave it to the server.
      }
    }
    message.nak(this.#retryDelay());
  }

  #typeOf(message: JsMsg): string {
    return message.subject.startsWith(`${this.#resolved.prefix}.`) ? message.subject.slice(this.#resolved.prefix.length + 1) : message.subject;
  }

  /** Publishes the message to the dead-letter stream, once however often it is delivered, reports it, and terminates it. */
  async #deadLetter(message: JsMsg, type: string, reason: string): Promise<void> {
    const letter = await deadLetter(this.#nc, this.#resolved, message, type, reason, this.#durable);
    // A plain +TERM: nats-server 2.9 ignores `+TERM <reason>` and would redeliver.
    message.term();
    try {
      this.#logger.error({ deadLetter: letter }, `dead-lettered ${letter.type}${letter.id === undefined ? '' : ` ${letter.id}`}: ${letter.reason}`);
      this.#options.onDeadLetter?.(letter);
    } catch {
      // The letter is stored; a failing hook or logger cannot undo that.
    }
  }

  /** The handled record's answer, retried (and the bucket created again when it was deleted) while it fails. */
  async #handledStep<T>(step: (handled: HandledEvents) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const handled = this.#handledStore();
      try {
        const result = await step(handled);
        this.#handledFailures = 0;
        return result;
      } catch (error) {
        this.#handledFailures++;
        const missing = await this.#bucketGone();
        this.#report(new Error(`the handled-events record failed (attempt ${attempt})${missing ? '; its bucket is gone, creating it again' : ''}: ${(error as Error).message}`, { cause: error }), 'handled record failed');
        if (missing) {
          this.#handled = await this.#openBucket().catch(() => handled);
          if (this.#handled !== handled && handled instanceof KvHandledEvents) handled.close();
        }
        if (attempt >= 3 || this.#stopped) throw error;
        await pause(this.#retryDelay());
      }
    }
  }

  async #handle({ message, lookup }: Received): Promise<void> {
    const type = this.#typeOf(message);
    if (this.#skipOutside && !selects(this.#select, type)) {
      // Not for this consumer: only the server's single filter brought it here.
      message.ack();
      return;
    }
    const concealed = message.headers?.get(REDACTED_HEADER);
    if (concealed !== undefined && concealed !== '') {
      await this.#deadLetter(message, type, `published with its sensitive values concealed (${REDACTED_HEADER}: ${concealed}): a concealed payload cannot be validated as the event; consume the stream the events are published to in clear`);
      return;
    }
    let event: StoredEvent;
    let source: string | undefined;
    try {
      const attributes = cloudEventAttributes(message);
      source = attributes['source'];
      // The subject routes the message, and selections filter on it: a ce-type that says otherwise is not believed.
      if (attributes['type'] !== undefined && attributes['type'] !== type) throw new Error(`ce-type ${JSON.stringify(attributes['type'])} does not match the subject ${message.subject}`);
      const data: unknown = JSON.parse(UTF8.decode(message.data));
      // The payload is validated (and upcast, when written under an earlier version) once, by
      // bus.ingest below; a bad one is dead-lettered there too.
      event = readCloudEvent({ ...attributes, type, data }, this.#registry, {});
    } catch (error) {
      // Not an event of this catalogue: redelivery cannot help.
      await this.#deadLetter(message, type, `not a valid event: ${(error as Error).message}`);
      return;
    }
    const id = event.id;
    const answered = lookup?.id === id ? await lookup.handled : undefined;
    if (this.#done.has(id) || (answered ?? (await this.#handledStep((handled) => handled.has(id))))) {
      // Handled already: a redelivery after a lost ack, or a duplicate.
      this.#remember(this.#done, event.id);
      message.ack();
      return;
    }
    // With OpenTelemetry: a `process` span continuing the producer's trace, around the handlers.
    const span = tracing()?.process({ id: event.id, type, ...(source === undefined ? {} : { source }) }, message.subject, this.#durable, traceHeaders(message.headers));
    if (span === undefined) {
      await this.#deliver(message, event, type);
      return;
    }
    let failure: unknown;
    try {
      failure = await span.within(() => this.#deliver(message, event, type));
    } finally {
      span.end(failure);
    }
  }

  /** Hands a new event to the bus, then acknowledges, redelivers or dead-letters it; resolves with the first failure, if any. */
  async #deliver(message: JsMsg, event: StoredEvent, type: string): Promise<unknown> {
    let failures: readonly unknown[];
    try {
      failures = await this.#bus.ingest(event, { audit: !this.#audited.has(event.id), timeoutMs: this.#handlerTimeoutMs });
      this.#remember(this.#audited, event.id);
    } catch (error) {
      if (error instanceof EventValidationError) {
        await this.#deadLetter(message, type, `not a valid event: ${error.message}`);
        return error;
      }
      failures = [error];
    }
    if (failures.length === 0) {
      this.#remember(this.#done, event.id);
      // Acknowledge once the record is on disk and, after that, the event is recorded as handled
      // (in that order: a crash between them must leave an event to redeliver, not one marked
      // handled that the trail lacks). The next message need not wait for either.
      const id = event.id;
      void Promise.resolve(this.#options.audit?.flush()).then(() => this.#handledStep((handled) => handled.add(id))).then(
        () => message.ack(),
        (error: unknown) => {
          this.#done.delete(id);
          return this.#unsettled(message, new Error(`could not record ${id} as handled: ${(error as Error).message}`, { cause: error }));
        },
      );
    } else if (message.info.deliveryCount >= (this.#options.maxDeliver ?? 5)) {
      const first = failures[0];
      await this.#deadLetter(message, event.type, `handler failed ${message.info.deliveryCount} times: ${first instanceof Error ? first.message : String(first)}`);
    } else {
      message.nak(this.#options.retryDelayMs ?? 200);
    }
    return failures[0];
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
