/**
 * The bus without rxjs: every event becomes one structured log line, with each value the
 * catalogue marks `x-sensitive` redacted, and callbacks are dispatched as on any bus. The log
 * is the only place values are redacted; subscribers and the audit trail get the real event.
 */
import { BaseEventBus, type BusOptions } from './bus-core.ts';
import type { DomainEvent } from './bus.ts';
import { compileRedactor } from './redact.ts';

export class LoggingEventBus<M> extends BaseEventBus<M> {
  readonly #redactors = new Map<string, (payload: unknown) => unknown>();

  constructor(options: BusOptions<M>) {
    super(options);
    for (const [type, definition] of Object.entries(this.registry) as [string, { sensitivePaths: readonly string[] }][]) {
      this.#redactors.set(type, compileRedactor(definition.sensitivePaths));
    }
  }

  protected publish(event: DomainEvent<M>): void {
    const redact = this.#redactors.get(event.type);
    this.logger.info(
      {
        event: {
          type: event.type,
          id: event.id,
          correlationId: event.correlationId,
          ...(event.causationId === undefined ? {} : { causationId: event.causationId }),
          timestamp: event.timestamp,
          version: event.version,
          payload: redact === undefined ? event.payload : redact(event.payload),
        },
      },
      event.type,
    );
  }
}
