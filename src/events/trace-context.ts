/** The W3C trace context an event travels with (OpenTelemetry): kept in the audit trail and the outbox, sent in NATS headers and CloudEvents. */

/** A W3C trace context (https://www.w3.org/TR/trace-context/), as the `traceparent` and `tracestate` headers carry it. */
export interface TraceContext {
  readonly traceparent: string;
  readonly tracestate?: string;
}

/** The two values' forms, as pattern bodies: the audit record's reader matches them in place. */
export const TRACEPARENT_FORM = '[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}';
// Printable ASCII without the quote and the backslash: a record holds it as it is, unescaped.
export const TRACESTATE_FORM = '[\\x20\\x21\\x23-\\x5b\\x5d-\\x7e]{1,512}';
const TRACEPARENT = new RegExp(`^${TRACEPARENT_FORM}$`);
const TRACESTATE = new RegExp(`^${TRACESTATE_FORM}$`);

/** Whether a trace context has the W3C form a record (and a NATS header) can carry exactly. */
export function isTraceContext(trace: TraceContext): boolean {
  return TRACEPARENT.test(trace.traceparent) && (trace.tracestate === undefined || TRACESTATE.test(trace.tracestate));
}

/** A trace context from its two values as headers, rows and records hold them: an absent or empty tracestate is left out. */
export function traceContext(traceparent: string, tracestate: string | null | undefined): TraceContext {
  return tracestate === undefined || tracestate === null || tracestate === '' ? { traceparent } : { traceparent, tracestate };
}
