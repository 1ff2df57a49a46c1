/**
 * The bus without rxjs: every event becomes one structured log line, with each value the
 * catalogue marks `x-sensitive` redacted (by the registry's generated redactor, at any depth), and
 * callbacks are dispatched as on any bus. Subscribers get the real event; the audit trail too,
 * unless its sink is told to store sensitive values redacted.
 */
import { BaseEventBus } from './bus-core.ts';
import type { DomainEvent } from './bus.ts';
import { mask } from '../validation/redact.ts';

export class LoggingEventBus<M> extends BaseEventBus<M> {
  protected publish(event: DomainEvent<M>): void {
    // A logger whose level drops info lines costs no line: nothing is redacted or built.
    if (this.logger.isLevelEnabled?.('info') === false) return;
    const redact = this.definitionOf(event.type)?.redact;
    this.logger.info(
      {
        event: {
          type: event.type,
          id: event.id,
          correlationId: event.correlationId,
          ...(event.causationId === undefined ? {} : { causationId: event.causationId }),
          timestamp: event.timestamp,
          version: event.version,
          payload: redact === undefined ? event.payload : redact(event.payload, mask),
        },
      },
      event.type,
    );
  }
}
