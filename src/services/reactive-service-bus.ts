/** A service's view of the rxjs bus: its consumed events as observables too (entry point `eventspec/reactive`). */
import { filter, map, type Observable } from 'rxjs';
import type { DomainEvent, EventOf } from '../bus/bus.ts';
import type { ReactiveEventBus } from '../reactive-bus.ts';
import type { ServiceContract } from './contract.ts';
import { ServiceEventBus, type ServiceBus } from './service-bus.ts';

export interface ReactiveServiceBus<M, R, P extends keyof M & string, C extends keyof M & keyof R & string> extends ServiceBus<M, R, P, C> {
  /** The events of one type the service consumes, as it receives them. */
  on<T extends C>(type: T): Observable<DomainEvent<R, T>>;
  /** Every event the service consumes, in emit order. */
  readonly stream: Observable<EventOf<Pick<R, C>>>;
}

class ReactiveServiceEventBus<M, R, P extends keyof M & string, C extends keyof M & keyof R & string> extends ServiceEventBus<M, R, P, C> implements ReactiveServiceBus<M, R, P, C> {
  readonly #bus: ReactiveEventBus<M>;
  readonly stream: Observable<EventOf<Pick<R, C>>>;

  constructor(bus: ReactiveEventBus<M>, service: ServiceContract<M, R, P, C>) {
    super(bus, service);
    this.#bus = bus;
    this.stream = bus.stream.pipe(
      filter((event) => this.consumes(event.type)),
      map((event) => this.received(event) as unknown as EventOf<Pick<R, C>>),
    );
  }

  on<T extends C>(type: T): Observable<DomainEvent<R, T>> {
    if (!this.consumes(type)) throw this.refusal(type, 'subscribe to', 'consume', this.service.consumes);
    return this.#bus.on(type).pipe(map((event) => this.received(event) as unknown as DomainEvent<R, T>));
  }
}

/** A service's view of a `ReactiveEventBus`, typed by its generated contract. */
export function reactiveServiceBus<M, R, P extends keyof M & string, C extends keyof M & keyof R & string>(bus: ReactiveEventBus<M>, service: ServiceContract<M, R, P, C>): ReactiveServiceBus<M, R, P, C> {
  return new ReactiveServiceEventBus(bus, service);
}
