/**
 * The rxjs bus: every event on `stream`, each type on its own observable (`on(type)`), and plain
 * callbacks through `subscribe`. Entry point `eventspec/reactive`, so that only its users load rxjs.
 */
import { config, Observable, type Subscriber } from 'rxjs';
import { BaseEventBus, type BusOptions, type IngestOptions } from './bus/bus-core.ts';
import type { DomainEvent, EventMeta, EventOf } from './bus/bus.ts';
import { BusClosedError } from './events/errors.ts';
import type { StoredEvent } from './events/upcast.ts';

/**
 * rxjs 7 reports an error thrown in a subscriber (or in an operator with no error callback) on a
 * timer through `config.onUnhandledError`, and with none set it rethrows there, which ends the
 * Node process. While a bus is open, such errors go to its `onHandlerError` instead (the first
 * open bus's, when there are several). An application that set its own handler keeps it.
 */
const openBuses: ReactiveEventBus<never>[] = [];
let routing = false;

function routeRxErrors(bus: ReactiveEventBus<never>): () => void {
  if (!routing && config.onUnhandledError === null) {
    routing = true;
    config.onUnhandledError = (error: unknown) => {
      const target = openBuses[0];
      if (target === undefined) throw error; // no bus open: rxjs's own behaviour
      target.reportRxError(error);
    };
  }
  openBuses.push(bus);
  return () => {
    openBuses.splice(openBuses.indexOf(bus), 1);
  };
}

type Observers<M> = readonly Subscriber<DomainEvent<M>>[];

export class ReactiveEventBus<M> extends BaseEventBus<M> {
  // Copy-on-write lists, as for callbacks: an emit reads them once, so an observer subscribed or
  // unsubscribed during dispatch counts from the next event (an unsubscribed rxjs subscriber is
  // closed at once, though, and takes nothing more).
  #everyObserver: Observers<M> = [];
  readonly #observersByType = new Map<string, Observers<M>>();
  #closed = false;
  readonly #stopRouting: () => void;

  /** Every event, in emit order, after it is audited; narrows on `type`. */
  readonly stream: Observable<EventOf<M>> = this.#observable('*') as Observable<EventOf<M>>;

  constructor(options: BusOptions<M>) {
    super(options);
    this.#stopRouting = routeRxErrors(this as unknown as ReactiveEventBus<never>);
  }

  /** The events of one type, typed; its cost per event does not grow with the catalogue. */
  on<T extends keyof M & string>(type: T): Observable<DomainEvent<M, T>> {
    if (this.definitionOf(type) === undefined) throw this.unknownType(type);
    return this.#observable(type) as Observable<DomainEvent<M, T>>;
  }

  /**
   * Refuses events once the bus is closed: an emit after `close()` would reach callbacks but no
   * stream, a dispatch nobody asked for.
   */
  override emit<T extends keyof M & string>(type: T, payload: M[T], meta?: EventMeta): DomainEvent<M, T> {
    if (this.#closed) throw new BusClosedError(`${type} emitted after the bus was closed: nothing was audited or dispatched`);
    return super.emit(type, payload, meta);
  }

  override async ingest(event: DomainEvent<M> | StoredEvent, options?: IngestOptions): Promise<readonly unknown[]> {
    if (this.#closed) throw new BusClosedError(`${String(event.type)} ${String(event.id)} ingested after the bus was closed: nothing was audited or dispatched`);
    return super.ingest(event, options);
  }

  /** Completes every observable; later emits and ingests throw `BusClosedError`. */
  close(): void {
    this.#closed = true;
    const observers = [...this.#everyObserver, ...[...this.#observersByType.values()].flat()];
    this.#everyObserver = [];
    this.#observersByType.clear();
    for (const observer of observers) observer.complete();
    this.#stopRouting();
  }

  /** @internal the rxjs error route's way in. */
  reportRxError(error: unknown): void {
    this.reportHandlerError(error, undefined);
  }

  protected publish(event: DomainEvent<M>): void {
    // Both lists are read before anyone is called.
    const every = this.#everyObserver;
    const typed = this.#observersByType.get(event.type);
    for (const observer of every) observer.next(event);
    if (typed !== undefined) for (const observer of typed) observer.next(event);
  }

  #observable(type: string): Observable<DomainEvent<M>> {
    return new Observable<DomainEvent<M>>((subscriber) => {
      if (this.#closed) {
        subscriber.complete();
        return undefined;
      }
      this.#setObservers(type, [...this.#observersOf(type), subscriber]);
      return () => {
        const observers = this.#observersOf(type);
        const index = observers.indexOf(subscriber);
        if (index !== -1) this.#setObservers(type, [...observers.slice(0, index), ...observers.slice(index + 1)]);
      };
    });
  }

  #observersOf(type: string): Observers<M> {
    return type === '*' ? this.#everyObserver : (this.#observersByType.get(type) ?? []);
  }

  #setObservers(type: string, observers: Observers<M>): void {
    if (type === '*') this.#everyObserver = observers;
    else if (observers.length === 0) this.#observersByType.delete(type);
    else this.#observersByType.set(type, observers);
  }
}

export { reactiveServiceBus } from './services/reactive-service-bus.ts';
export type { ReactiveServiceBus } from './services/reactive-service-bus.ts';
