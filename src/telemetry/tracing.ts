/**
 * OpenTelemetry tracing, when the application has `@opentelemetry/api` (an optional peer): spans
 * named and attributed by OpenTelemetry's messaging and CloudEvents semantic conventions, and the
 * W3C trace context carried from `emit` through the audit trail, the relay and NATS headers to
 * the consumer's handlers. Without the package nothing is loaded and each emit pays one check;
 * with it but no SDK registered, no span is started (see `Tracing`).
 *
 * Only ids, types, subjects and names go into attributes, never a payload, so no value the
 * catalogue marks `x-sensitive` can reach a trace.
 */
import { createRequire } from 'node:module';
import { isTraceContext, traceContext, type TraceContext } from '../events/trace-context.ts';

/** The part of `@opentelemetry/api` used here, described structurally so that the package stays optional at compile time too. */
interface Api {
  readonly trace: {
    getTracer(name: string, version?: string): Tracer;
    getTracerProvider(): { getDelegate?(): object };
    setSpan(context: OtelContext, span: Span): OtelContext;
  };
  readonly context: { active(): OtelContext; with<R>(context: OtelContext, fn: () => R): R };
  readonly propagation: {
    inject(context: OtelContext, carrier: Record<string, string>): void;
    extract(context: OtelContext, carrier: Record<string, string>): OtelContext;
  };
  readonly ROOT_CONTEXT: OtelContext;
  readonly ProxyTracerProvider: new () => { getDelegate(): object };
}
type OtelContext = object;
type Attributes = Record<string, string | number | boolean>;
interface Tracer {
  startSpan(name: string, options: { kind: number; attributes: Attributes }, context: OtelContext): Span;
}
interface SpanContext {
  readonly traceId: string;
}
interface Span {
  spanContext(): SpanContext;
  isRecording(): boolean;
  setAttribute(key: string, value: string | number | boolean): void;
  recordException(exception: Error | string): void;
  setStatus(status: { code: number; message?: string }): void;
  end(): void;
}

/** SpanKind and SpanStatusCode, as the API numbers them. */
const KIND = { internal: 0, producer: 3, consumer: 4 } as const;
const STATUS_ERROR = 2;
const INVALID_TRACE = '00000000000000000000000000000000';

/** A span begun by eventspec: end it once, with the failure, if any. */
export interface TracedSpan {
  /** The span's W3C context, to be stored or sent with the event; undefined when the span is not part of a valid trace. */
  readonly trace: TraceContext | undefined;
  /** Whether the span is recorded: when not, no child spans are worth starting. */
  readonly recording: boolean;
  /** The context with this span active (opaque: an OpenTelemetry Context). */
  readonly context: object;
  /** Runs `fn` with this span as the active one (nested emits and spans of the application become its children). */
  within<R>(fn: () => R): R;
  end(failure?: unknown): void;
}

/** The spans of eventspec; each method gives undefined while no SDK is registered (an API some library installed, with nothing behind it), so the caller pays a counter, not a span. */
export interface Tracing {
  /** `create <type>`, a producer span in the active context: one per emit. */
  emit(event: TracedEvent): TracedSpan | undefined;
  /** `handle <type>`, one per handler run, a child of `parent` or of the active context. */
  handler(event: TracedEvent, parent?: TracedSpan): TracedSpan | undefined;
  /** `send <subject>`, a producer span continuing `trace` (the context the event was emitted in) or the active one. */
  send(event: TracedEvent, subject: string, trace: TraceContext | undefined): TracedSpan | undefined;
  /** `process <subject>`, a consumer span continuing the context `headers` carry. */
  process(event: TracedEvent, subject: string, consumerGroup: string, headers: TraceContext | undefined): TracedSpan | undefined;
}

export interface TracedEvent {
  readonly id: string;
  readonly type: string;
  /** The CloudEvents source, where it is known (a transport's). */
  readonly source?: string;
}

let loaded: Tracing | null | undefined;

/** The tracing of this process: undefined when `@opentelemetry/api` is not installed. */
export function tracing(): Tracing | undefined {
  if (loaded === undefined) {
    try {
      loaded = openTelemetry(createRequire(import.meta.url)('@opentelemetry/api') as Api);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error;
      loaded = null;
    }
  }
  return loaded ?? undefined;
}

/** A span and the context it was started in; the costly parts (its context as a parent, its W3C form) are made only when asked. */
class Started implements TracedSpan {
  readonly recording: boolean;
  readonly #api: Api;
  readonly #span: Span;
  readonly #parent: OtelContext;
  #active: OtelContext | undefined;
  #trace: TraceContext | null | undefined;
  #ended = false;

  constructor(api: Api, span: Span, parent: OtelContext) {
    this.#api = api;
    this.#span = span;
    this.#parent = parent;
    this.recording = span.isRecording();
  }

  get context(): OtelContext {
    return (this.#active ??= this.#api.trace.setSpan(this.#parent, this.#span));
  }

  get trace(): TraceContext | undefined {
    if (this.#trace === undefined) {
      this.#trace = null;
      if (this.#span.spanContext().traceId !== INVALID_TRACE) {
        const carrier: Record<string, string> = {};
        this.#api.propagation.inject(this.context, carrier);
        const traceparent = carrier['traceparent'];
        const candidate = traceparent === undefined ? undefined : traceContext(traceparent, carrier['tracestate']);
        if (candidate !== undefined && isTraceContext(candidate)) this.#trace = candidate;
      }
    }
    return this.#trace ?? undefined;
  }

  within<R>(fn: () => R): R {
    return this.#api.context.with(this.context, fn);
  }

  end(failure?: unknown): void {
    if (this.#ended) return;
    this.#ended = true;
    if (failure !== undefined && this.recording) {
      this.#span.recordException(failure instanceof Error ? failure : String(failure));
      this.#span.setStatus({ code: STATUS_ERROR, message: failure instanceof Error ? failure.message : String(failure) });
    }
    this.#span.end();
  }
}

function openTelemetry(api: Api): Tracing {
  // One tracer per process: the API hands back a proxy that follows a provider registered later.
  const tracer = api.trace.getTracer('eventspec', '0.2.0');
  const NO_ATTRIBUTES = { kind: KIND.internal, attributes: {} };
  // What the API's global provider delegates to while no SDK is registered.
  const noProvider = new api.ProxyTracerProvider().getDelegate();
  // Asking costs two of the API's global look-ups, a fifth of an emit: the answer is kept for
  // the next 256 spans, so an SDK registered after the first events is seen within as many.
  let providerChecks = 0;
  let noSdk = false;
  const idle = (): boolean => {
    if (providerChecks-- <= 0) {
      providerChecks = 256;
      noSdk = api.trace.getTracerProvider().getDelegate?.() === noProvider;
    }
    return noSdk;
  };
  /** Starts a span; its attributes are made only when it is recorded (the no-op tracer's spans never are). */
  const start = (name: string, kind: number, context: OtelContext, attributes: () => Attributes): Started => {
    const span = tracer.startSpan(name, kind === KIND.internal ? NO_ATTRIBUTES : { kind, attributes: {} }, context);
    const started = new Started(api, span, context);
    if (started.recording) for (const [key, value] of Object.entries(attributes())) span.setAttribute(key, value);
    return started;
  };
  const cloudEvent = (event: TracedEvent): Attributes => ({
    'cloudevents.event_id': event.id,
    'cloudevents.event_type': event.type,
    'cloudevents.event_spec_version': '1.0',
    ...(event.source === undefined ? {} : { 'cloudevents.event_source': event.source }),
  });
  const extracted = (trace: TraceContext | undefined): OtelContext => {
    if (trace === undefined || !isTraceContext(trace)) return api.context.active();
    return api.propagation.extract(api.ROOT_CONTEXT, trace.tracestate === undefined ? { traceparent: trace.traceparent } : { traceparent: trace.traceparent, tracestate: trace.tracestate });
  };
  return {
    emit: (event) =>
      idle() ? undefined : start(`create ${event.type}`, KIND.producer, api.context.active(), () => ({ 'messaging.operation.type': 'create', 'messaging.operation.name': 'emit', 'messaging.message.id': event.id, ...cloudEvent(event) })),
    handler: (event, parent) =>
      idle() ? undefined : start(`handle ${event.type}`, KIND.internal, parent === undefined ? api.context.active() : parent.context, () => ({ 'messaging.message.id': event.id, ...cloudEvent(event) })),
    send: (event, subject, trace) =>
      idle() ? undefined : start(`send ${subject}`, KIND.producer, extracted(trace), () => ({ 'messaging.system': 'nats', 'messaging.operation.type': 'send', 'messaging.operation.name': 'publish', 'messaging.destination.name': subject, 'messaging.message.id': event.id, ...cloudEvent(event) })),
    process: (event, subject, consumerGroup, headers) =>
      idle() ? undefined : start(`process ${subject}`, KIND.consumer, extracted(headers), () => ({ 'messaging.system': 'nats', 'messaging.operation.type': 'process', 'messaging.operation.name': 'process', 'messaging.destination.name': subject, 'messaging.consumer.group.name': consumerGroup, 'messaging.message.id': event.id, ...cloudEvent(event) })),
  };
}
