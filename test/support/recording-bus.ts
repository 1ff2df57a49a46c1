import * as z from 'zod/v4';
import type { DomainEvent, EventEmitterLike, EventMeta, EventRegistry } from '../../src/index.ts';

/**
 * A test bus implementing the real emitter interface: validates with the registry's schema,
 * as a bus must, and records each event it accepts.
 */
export class RecordingBus<M> implements EventEmitterLike<M> {
  readonly events: DomainEvent<M>[] = [];
  #sequence = 0;

  readonly #registry: EventRegistry<M>;

  constructor(registry: EventRegistry<M>) {
    this.#registry = registry;
  }

  emit<T extends keyof M & string>(type: T, payload: M[T], meta?: EventMeta): DomainEvent<M, T> {
    const definition = this.#registry[type];
    const parsed = z.safeParse(definition.schema, payload);
    if (!parsed.success) throw new Error(`invalid ${type}: ${z.prettifyError(parsed.error)}`);
    this.#sequence++;
    const event: DomainEvent<M, T> = {
      id: `event-${this.#sequence}`,
      type,
      domain: definition.domain,
      timestamp: new Date(0).toISOString(),
      correlationId: meta?.correlationId ?? `chain-${this.#sequence}`,
      ...(meta?.causationId === undefined ? {} : { causationId: meta.causationId }),
      version: definition.version,
      payload,
    };
    this.events.push(event as DomainEvent<M>);
    return event;
  }
}
