/** Where the bus records every event before anyone sees it. */
import type { DomainEvent } from '../bus/bus.ts';
import { AuditError } from '../events/errors.ts';
import type { TraceContext } from '../events/trace-context.ts';

/** Any event of any catalogue, as a sink stores it. */
export type AnyEvent = DomainEvent<Record<string, unknown>, string>;

/** What the bus tells a sink about an event besides the event itself. */
export interface AppendOptions {
  /** The event was made elsewhere and delivered here (`bus.ingest`): a relay does not send it on. */
  readonly ingested?: boolean;
  /** The event's sensitive values are masked already (delivered to a service that may not read them): store it so marked. */
  readonly redacted?: 'mask';
  /** The W3C trace context the event was emitted in (OpenTelemetry): a durable sink keeps it for the relay. */
  readonly trace?: TraceContext;
}

/**
 * An append-only record of events. `append` is synchronous so that `emit` can refuse to
 * dispatch an event the trail could not take; it throws `AuditError` when it cannot.
 */
export interface AuditSink {
  append(event: AnyEvent, options?: AppendOptions): void;
  /** Resolves when everything appended before the call is durable. */
  flush(): Promise<void>;
  /** Flushes, then releases the sink; later appends throw `AuditError`. */
  close(): Promise<void>;
}

/** An in-memory audit trail: for tests, and for processes that need no durable record. */
export class MemoryAuditSink implements AuditSink {
  readonly #events: AnyEvent[] = [];
  #closed = false;

  get events(): readonly AnyEvent[] {
    return this.#events;
  }

  append(event: AnyEvent): void {
    if (this.#closed) throw new AuditError('the audit sink is closed');
    this.#events.push(event);
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {
    this.#closed = true;
  }
}
