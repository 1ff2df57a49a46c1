/**
 * A service's view of a bus, from its generated contract: it emits only what the service
 * produces and subscribes only to what it consumes (a compile error in TypeScript, a
 * `ServiceContractError` for callers that bypass the types), and, unless the service may read
 * sensitive values, its handlers receive each `x-sensitive` value masked (typed as
 * `Concealed`), on this bus and from a transport that delivers into it (`ingest`), whose audit
 * record is then masked too. It counts what the service emitted and received, by type.
 */
import type { BaseEventBus, IngestOptions } from '../bus/bus-core.ts';
import type { DomainEvent, EventEmitterLike, EventMeta, EventOf, EventRegistry, Unsubscribe } from '../bus/bus.ts';
import { ServiceContractError } from '../events/errors.ts';
import type { StoredEvent } from '../events/upcast.ts';
import { nearestType } from '../validation/validate-payload.ts';
import type { ServiceContract, ServiceUsage } from './contract.ts';
import { redactEvent } from './redact-event.ts';

/** An emitter as one service may use it: only the events it produces (a unit of work's, say). */
export interface ServiceEmitter<M, P extends keyof M & string> {
  readonly service: { readonly name: string; readonly produces: readonly P[] };
  /** Emits an event the service produces; any other type throws `ServiceContractError`. */
  emit<T extends P>(type: T, payload: M[T], meta?: EventMeta): DomainEvent<M, T>;
}

/** A bus as one service of the catalogue may use it. */
export interface ServiceBus<M, R, P extends keyof M & string, C extends keyof M & keyof R & string> extends ServiceEmitter<M, P> {
  readonly service: ServiceContract<M, R, P, C>;
  readonly registry: EventRegistry<M>;
  /** Subscribes to an event the service consumes, as the service receives it (redacted unless it reads sensitive values). */
  subscribe<T extends C>(type: T, handler: (event: DomainEvent<R, T>) => unknown): Unsubscribe;
  /** Every event the service consumes. */
  subscribe(type: '*', handler: (event: EventOf<Pick<R, C>>) => unknown): Unsubscribe;
  /**
   * Delivers an event from elsewhere (a transport), as `bus.ingest` does, if the service consumes
   * it (or, with `own`, produces it); redacted before it is audited unless the service reads sensitive values.
   */
  ingest(event: DomainEvent<M> | StoredEvent, options?: IngestOptions): Promise<readonly unknown[]>;
  /** What the service emitted and received since this bus was made, by type, and what it declared but did not. */
  usage(): ServiceUsage;
}

/** The bus type of a contract: `ServiceBusOf<typeof services.notifier>`. */
export type ServiceBusOf<S> = S extends ServiceContract<infer M, infer R, infer P, infer C> ? ServiceBus<M, R, P, C> : never;

function refusal(service: string, type: string, action: string, verb: 'produce' | 'consume', declared: readonly string[]): ServiceContractError {
  const near = nearestType(type, declared);
  const list = declared.length === 0 ? `it ${verb}s nothing` : `it ${verb}s ${declared.join(', ')}`;
  return new ServiceContractError(
    service,
    type,
    `service ${service} cannot ${action} ${JSON.stringify(type)}: the catalogue does not list it under services.${service}.${verb === 'produce' ? 'produces' : 'consumes'} (${list})${near === undefined ? '' : `; did you mean ${JSON.stringify(near)}?`}`,
  );
}

function count(table: Map<string, number>, type: string): void {
  table.set(type, (table.get(type) ?? 0) + 1);
}

export class ServiceEventBus<M, R, P extends keyof M & string, C extends keyof M & keyof R & string> implements ServiceBus<M, R, P, C> {
  readonly service: ServiceContract<M, R, P, C>;
  readonly registry: EventRegistry<M>;
  protected readonly bus: BaseEventBus<M>;
  readonly #produces: ReadonlySet<string>;
  readonly #consumes: ReadonlySet<string>;
  readonly #emitted = new Map<string, number>();
  readonly #received = new Map<string, number>();
  // Each event is counted once, however many of the service's handlers receive it.
  readonly #seen = new WeakSet<object>();

  constructor(bus: BaseEventBus<M>, service: ServiceContract<M, R, P, C>) {
    this.bus = bus;
    this.service = service;
    this.registry = bus.registry;
    const unknown = [...service.produces, ...service.consumes].filter((type) => !Object.hasOwn(bus.registry, type));
    if (unknown.length > 0) throw new TypeError(`the contract of ${service.name} names ${unknown.map((type) => JSON.stringify(type)).join(', ')}, which the bus's registry lacks: were they generated from different catalogues?`);
    this.#produces = new Set(service.produces);
    this.#consumes = new Set(service.consumes);
  }

  emit<T extends P>(type: T, payload: M[T], meta?: EventMeta): DomainEvent<M, T> {
    if (!this.#produces.has(type)) throw this.refusal(type, 'emit', 'produce', this.service.produces);
    const event = this.bus.emit(type, payload, meta);
    count(this.#emitted, type);
    return event;
  }

  subscribe<T extends C>(type: T, handler: (event: DomainEvent<R, T>) => unknown): Unsubscribe;
  subscribe(type: '*', handler: (event: EventOf<Pick<R, C>>) => unknown): Unsubscribe;
  subscribe(type: string, handler: (event: never) => unknown): Unsubscribe {
    if (type === '*') {
      return this.bus.subscribe('*', (event) => (this.#consumes.has(event.type) ? handler(this.received(event) as never) : undefined));
    }
    if (!this.#consumes.has(type)) throw this.refusal(type, 'subscribe to', 'consume', this.service.consumes);
    return this.bus.subscribe(type as C, (event) => handler(this.received(event) as never));
  }

  async ingest(event: DomainEvent<M> | StoredEvent, options: IngestOptions = {}): Promise<readonly unknown[]> {
    const type = String(event.type);
    if (options.own === true) {
      if (!this.#produces.has(type)) throw this.refusal(type, 'ingest its own', 'produce', this.service.produces);
      return this.bus.ingest(event, options);
    }
    if (!this.#consumes.has(type)) throw this.refusal(type, 'receive', 'consume', this.service.consumes);
    return this.bus.ingest(event, { ...options, redact: options.redact === true || !this.service.readsSensitive });
  }

  usage(): ServiceUsage {
    const table = (counts: Map<string, number>): Record<string, number> => Object.fromEntries([...counts].sort(([a], [b]) => a.localeCompare(b)));
    return {
      service: this.service.name,
      emitted: table(this.#emitted),
      received: table(this.#received),
      neverEmitted: this.service.produces.filter((type) => !this.#emitted.has(type)),
      neverReceived: this.service.consumes.filter((type) => !this.#received.has(type)),
    };
  }

  /** The event as this service receives it, counted once. */
  protected received<E extends DomainEvent<M>>(event: E): E {
    if (!this.#seen.has(event)) {
      this.#seen.add(event);
      count(this.#received, event.type);
    }
    return this.service.readsSensitive ? event : redactEvent(this.registry, event);
  }

  /** Whether the service consumes a type (for views that add ways to subscribe). */
  protected consumes(type: string): boolean {
    return this.#consumes.has(type);
  }

  /** The error for a type outside the contract, naming what the contract lists. */
  protected refusal(type: string, action: string, verb: 'produce' | 'consume', declared: readonly string[]): ServiceContractError {
    return refusal(this.service.name, type, action, verb, declared);
  }
}

/** A service's view of a bus, typed by its generated contract: `serviceBus(bus, services.notifier)`. */
export function serviceBus<M, R, P extends keyof M & string, C extends keyof M & keyof R & string>(bus: BaseEventBus<M>, service: ServiceContract<M, R, P, C>): ServiceBus<M, R, P, C> {
  return new ServiceEventBus(bus, service);
}

/** An emitter (a unit of work's, an outbox's) as one service may use it: `serviceEmitter(unit.events, services.planLifecycle)`. */
export function serviceEmitter<M, R, P extends keyof M & string, C extends keyof M & keyof R & string>(emitter: EventEmitterLike<M>, service: ServiceContract<M, R, P, C>): ServiceEmitter<M, P> {
  const produces: ReadonlySet<string> = new Set(service.produces);
  return {
    service,
    emit<T extends P>(type: T, payload: M[T], meta?: EventMeta): DomainEvent<M, T> {
      if (!produces.has(type)) throw refusal(service.name, type, 'emit', 'produce', service.produces);
      return emitter.emit(type, payload, meta);
    },
  };
}
