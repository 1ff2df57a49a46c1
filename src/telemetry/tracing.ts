/**
 * OpenTelemetry tracing, when the application has `@opentelemetry/api` (an optional peer): spans
 * named and attributed by OpenTelemetry's messaging and CloudEvents semantic conventions, and the
 * W3C trace context carried from `emit` through the audit trail, the relay and NATS headers to
 * the consumer's handlers. Without the package nothing is loaded and each emit pays one check;
 * with it but no SDK registered, the API's no-op tracer answers and nothing is recorded.
 *
 * Only ids, types, subjects and names go into attributes, never a payload, so no value the
 * catalogue marks `x-sensitive` can reach a trace.
 */
import { createRequire } from 'node:module';
import type { TraceContext } from '../audit/record.ts';
import { isTraceContext } from '../audit/record.ts';

/** The part of `@opentelemetry/api` used here, described structurally so that the package stays optional at compile time too. */
interface Api {
  readonly trace: {
    getTracer(name: string, version?: string): Tracer;
    setSpan(context: OtelContext, span: Span): OtelContext;
    getSpan(context: OtelContext): Span | undefined;
  };
  readonly context: { active(): OtelContext; with<R>(context: OtelContext, fn: () => R): R };
  readonly propagation: {
    inject(context: OtelContext, carrier: Record<string, string>): void;
    extract(context: OtelContext, carrier: Record<string, string>): OtelContext;
  };
  readonly ROOT_CONTEXT: OtelContext;
}
type OtelContext = object;
type Attributes = Record<string, string | number | boolean>;
interface Tracer {
  startSpan(name: string, options: { kind: number; attributes: Attributes; links?: readonly { context: SpanContext }[] }, context: OtelContext): Span;
}
interface SpanContext {
  readonly traceId: string;
  readonly spanId: string;
  readonly traceFlags: number;
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

export interface Tracing {
  /** `create <type>`, a producer span, in the active context: one per emit. */
  emit(event: TracedEvent): TracedSpan;
  /** `handle <type>`, one per handler run, a child of `parent` or of the active context. */
  handler(event: TracedEvent, parent?: TracedSpan): TracedSpan;
  /** `send <subject>`, a producer span continuing `trace` (the context the event was emitted in) or the active one. */
  send(event: TracedEvent, subject: string, trace: TraceContext | undefined): TracedSpan;
  /** `process <subject>`, a consumer span continuing the context `headers` carry. */
  process(event: TracedEvent, subject: string, consumerGroup: string, headers: TraceContext | undefined): TracedSpan;
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

function openTelemetry(api: Api): Tracing {
  // One tracer per process: the API hands back a proxy that follows a provider registered later.
  const tracer = api.trace.getTracer('eventspec', '0.2.0');
  const traced = (span: Span, context: OtelContext): TracedSpan => {
    const spanContext = span.spanContext();
    let trace: TraceContext | undefined;
    if (spanContext.traceId !== INVALID_TRACE) {
      const carrier: Record<string, string> = {};
      api.propagation.inject(api.trace.setSpan(context, span), carrier);
      const candidate = carrier['traceparent'] === undefined ? undefined : carrier['tracestate'] === undefined || carrier['tracestate'] === '' ? { traceparent: carrier['traceparent'] } : { traceparent: carrier['traceparent'], tracestate: carrier['tracestate'] };
      trace = candidate !== undefined && isTraceContext(candidate) ? candidate : undefined;
    }
    const active = api.trace.setSpan(context, span);
    let ended = false;
    return {
      trace,
      recording: span.isRecording(),
      context: active,
      within: (fn) => api.context.with(active, fn),
      end(failure?: unknown): void {
        if (ended) return;
        ended = true;
        if (failure !== undefined && span.isRecording()) {
          span.recordException(failure instanceof Error ? failure : String(failure));
          span.setStatus({ code: STATUS_ERROR, message: failure instanceof Error ? failure.message : String(failure) });
        }
        span.end();
      },
    };
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
    emit(event) {
      const context = api.context.active();
      const span = tracer.startSpan(`create ${event.type}`, { kind: KIND.producer, attributes: { 'messaging.operation.type': 'create', 'messaging.operation.name': 'emit', 'messaging.message.id': event.id, ...cloudEvent(event) } }, context);
      return traced(span, context);
    },
    handler(event, parent) {
      const context = parent === undefined ? api.context.active() : parent.context;
      const span = tracer.startSpan(`handle ${event.type}`, { kind: KIND.internal, attributes: { 'messaging.message.id': event.id, ...cloudEvent(event) } }, context);
      return traced(span, context);
    },
    send(event, subject, trace) {
      const context = extracted(trace);
      const span = tracer.startSpan(`send ${subject}`, { kind: KIND.producer, attributes: { 'messaging.system': 'nats', 'messaging.operation.type': 'send', 'messaging.operation.name': 'publish', 'messaging.destination.name': subject, 'messaging.message.id': event.id, ...cloudEvent(event) } }, context);
      return traced(span, context);
    },
    process(event, subject, consumerGroup, headers) {
      const context = extracted(headers);
      const span = tracer.startSpan(`process ${subject}`, { kind: KIND.consumer, attributes: { 'messaging.system': 'nats', 'messaging.operation.type': 'process', 'messaging.operation.name': 'process', 'messaging.destination.name': subject, 'messaging.consumer.group.name': consumerGroup, 'messaging.message.id': event.id, ...cloudEvent(event) } }, context);
      return traced(span, context);
    },
  };
}
