/**
 * Outbound: each event to `<prefix>.<event type>`, with the event id as `Nats-Msg-Id` (the stream
 * drops a retried publish inside its duplicate window) and the CloudEvents binary-mode headers
 * (`ce-id`, `ce-time`, `ce-correlationid`, …).
 */
import { headers as natsHeaders, type NatsConnection } from '@nats-io/nats-core';
import { jetstream, type JetStreamClient, type PubAck } from '@nats-io/jetstream';
import type { DomainEvent } from '../bus/bus.ts';
import type { TraceContext } from '../events/trace-context.ts';
import { payloadConcealer, type ConcealedPayload, type StoreRedacted } from '../audit/redacted.ts';
import { toCloudEvent } from '../events/cloudevents.ts';
import { setTraceHeaders } from './trace-headers.ts';
import { tracing } from '../telemetry/tracing.ts';
import { ensureStreams, resolveStreams, type StreamOptions, type StreamReport } from './streams.ts';
import { subjectOf } from './subjects.ts';

/**
 * For a stream read beyond the trust boundary (a partner, an analytics pipeline), `redact`
 * publishes each event with its `x-sensitive` values masked (`[REDACTED]`) or, with `hmacKey`, as
 * keyed hashes, as a redacting audit sink stores them; such a message carries
 * `eventspec-redacted: mask` (or `hmac-sha256`). An eventspec consumer dead-letters it, since a
 * concealed payload can no longer be validated as the event: publish such a copy to a stream of
 * its own (its own `stream` and `subjectPrefix`) beside the one your own consumers read.
 */
export interface RedactOnPublish {
  readonly redact?: StoreRedacted;
}

/** The header that marks a message published with its sensitive values concealed. */
export const REDACTED_HEADER = 'eventspec-redacted';

export interface PublisherOptions extends StreamOptions, RedactOnPublish {
  /** The CloudEvents `source` of what this process publishes. */
  readonly source: string;
  /** Attempts for one event before `publish` gives up (default 5); each retry keeps the message id. */
  readonly attempts?: number;
  /** How long one attempt waits for the stream's acknowledgement (default 5 s). */
  readonly timeoutMs?: number;
}

export class NatsEventPublisher {
  readonly #nc: NatsConnection;
  readonly #js: JetStreamClient;
  readonly #options: PublisherOptions;
  readonly #prefix: string;
  readonly #conceal: ((event: DomainEvent<Record<string, unknown>, string>) => ConcealedPayload) | undefined;
  readonly #inFlight = new Set<Promise<unknown>>();
  #closed = false;

  constructor(nc: NatsConnection, options: PublisherOptions) {
    this.#nc = nc;
    this.#js = jetstream(nc);
    this.#options = options;
    this.#prefix = resolveStreams(options).prefix;
    this.#conceal = options.redact === undefined ? undefined : payloadConcealer(options.redact, 'the publisher');
  }

  /** Creates the streams, or checks them (see `ensureStreams`); call once before publishing. */
  async start(): Promise<StreamReport[]> {
    return ensureStreams(this.#nc, this.#options);
  }

  /**
   * Publishes one event and resolves with the stream's acknowledgement (`duplicate` is true when
   * the stream already had it). A publish that times out may still have been stored, so it is
   * retried with the same message id; after `attempts`, the promise rejects: nothing is dropped
   * silently. With OpenTelemetry, a `send` span continues `trace` (the context the event was
   * emitted in, which the relays read from the trail) or else the active context, and its context
   * travels in the `traceparent`/`tracestate` headers and as the CloudEvents distributed-tracing
   * extension (`ce-traceparent`, `ce-tracestate`).
   */
  publish<M, T extends keyof M & string>(event: DomainEvent<M, T>, trace?: TraceContext): Promise<PubAck> {
    if (this.#closed) return Promise.reject(new Error(`the publisher is closed: ${event.type} ${event.id} was not published`));
    const sending = this.#send(event, trace);
    this.#inFlight.add(sending);
    void sending.then(() => this.#inFlight.delete(sending), () => this.#inFlight.delete(sending));
    return sending;
  }

  /**
   * Takes no more events, and resolves once every publish in flight has settled or `timeoutMs`
   * (default 10 s) passed; resolves with how many were still unsettled then (each of those
   * promises still settles, and a caller that awaited one learns its fate).
   */
  async close(options: { readonly timeoutMs?: number } = {}): Promise<number> {
    this.#closed = true;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled([...this.#inFlight]), new Promise((resolve) => (timer = setTimeout(resolve, options.timeoutMs ?? 10_000)))]);
    clearTimeout(timer);
    return this.#inFlight.size;
  }

  async #send<M, T extends keyof M & string>(event: DomainEvent<M, T>, trace: TraceContext | undefined): Promise<PubAck> {
    const ce = toCloudEvent(event, { source: this.#options.source });
    const headers = natsHeaders();
    for (const [name, value] of Object.entries(ce)) {
      if (name !== 'data' && name !== 'datacontenttype' && typeof value === 'string') headers.set(`ce-${name}`, value);
    }
    headers.set('content-type', 'application/json');
    let payload: unknown = event.payload;
    if (this.#conceal !== undefined) {
      const concealed = this.#conceal(event as DomainEvent<Record<string, unknown>, string>);
      payload = concealed.payload;
      if (concealed.mark !== undefined) headers.set(REDACTED_HEADER, concealed.mark);
    }
    const data = new TextEncoder().encode(JSON.stringify(payload));
    const attempts = this.#options.attempts ?? 5;
    const subject = subjectOf(this.#prefix, event.type);
    const span = tracing()?.send({ id: event.id, type: event.type, source: this.#options.source }, subject, trace);
    if (span?.trace !== undefined) setTraceHeaders(headers, span.trace);
    let lastError: unknown;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        const ack = await this.#js.publish(subject, data, { msgID: event.id, headers, timeout: this.#options.timeoutMs ?? 5000 });
        span?.end();
        return ack;
      } catch (error) {
        lastError = error;
        if (attempt < attempts) await new Promise((resolve) => setTimeout(resolve, Math.min(2000, 50 * 2 ** attempt)));
      }
    }
    span?.end(lastError);
    // No stream on the subject is what the client calls "jetstream is not enabled".
    const reason = /jetstream is not enabled|no responders/i.test((lastError as Error).message)
      ? `no JetStream stream takes ${subject} (create the streams first: publisher.start() or ensureStreams, for stream ${JSON.stringify(resolveStreams(this.#options).stream)}; or check \`stream\` and \`subjectPrefix\`)`
      : (lastError as Error).message;
    throw new Error(`could not publish ${event.type} ${event.id} after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${reason}`, { cause: lastError });
  }
}
