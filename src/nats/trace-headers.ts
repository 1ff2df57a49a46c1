/**
 * The W3C trace context in a NATS message: the `traceparent`/`tracestate` headers, and the same
 * values as the CloudEvents distributed-tracing extension of binary mode (`ce-traceparent`,
 * `ce-tracestate`), which CloudEvents tooling reads. A consumer takes the W3C headers first.
 */
import type { MsgHdrs } from '@nats-io/nats-core';
import { isTraceContext, traceContext, type TraceContext } from '../events/trace-context.ts';

export function setTraceHeaders(headers: MsgHdrs, trace: TraceContext): void {
  headers.set('traceparent', trace.traceparent);
  headers.set('ce-traceparent', trace.traceparent);
  if (trace.tracestate !== undefined) {
    headers.set('tracestate', trace.tracestate);
    headers.set('ce-tracestate', trace.tracestate);
  }
}

/** The trace context a message carries, when it carries a well-formed one. */
export function traceHeaders(headers: MsgHdrs | undefined): TraceContext | undefined {
  if (headers === undefined) return undefined;
  const traceparent = headers.get('traceparent') || headers.get('ce-traceparent');
  if (traceparent === '') return undefined;
  const trace = traceContext(traceparent, headers.get('tracestate') || headers.get('ce-tracestate'));
  return isTraceContext(trace) ? trace : undefined;
}
