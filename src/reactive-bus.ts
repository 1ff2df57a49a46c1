/**
 * The rxjs bus: every event on `stream`, each type on its own observable (`on(type)`), and plain
 * callbacks through `subscribe`. Entry point `eventspec/reactive`, so that only its users load rxjs.
 */
import { config, Subject, type Observable } from 'rxjs';
import { BaseEventBus, type BusOptions } from './bus-core.ts';
import type { DomainEvent, EventOf } from './bus.ts';

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

export class ReactiveEventBus<M> extends BaseEventBus<M> {
  readonly #all = new Subject<DomainEvent<M>>();
  readonly #byType = new Map<string, Subject<DomainEvent<M>>>();
  readonly #stopRouting: () => void;

  /** Every event, in emit order, after it is audited; narrows on `type`. */
  readonly stream: Observable<EventOf<M>> = this.#all.asObservable() as Observable<EventOf<M>>;

  constructor(options: BusOptions<M>) {
    super(options);
    this.#stopRouting = routeRxErrors(this as unknown as ReactiveEventBus<never>);
  }

  /** The events of one type, typed; its cost per event does not grow with the catalogue. */
  on<T extends keyof M & string>(type: T): Observable<DomainEvent<M, T>> {
    let subject = this.#byType.get(type);
    if (subject === undefined) {
      if (this.definitionOf(type) === undefined) throw new TypeError(`unknown event type ${JSON.stringify(type)}`);
      subject = new Subject<DomainEvent<M>>();
      this.#byType.set(type, subject);
    }
    return subject.asObservable() as Observable<DomainEvent<M, T>>;
  }

  /** Completes every observable; later emits still validate, audit and call callbacks. */
  close(): void {
    this.#all.complete();
    for (const subject of this.#byType.values()) subject.complete();
    this.#stopRouting();
  }

  /** @internal the rxjs error route's way in. */
  reportRxError(error: unknown): void {
    this.reportHandlerError(error, undefined);
  }

  protected publish(event: DomainEvent<M>): void {
    // `observed` first: an rxjs next() costs a closure even when nobody listens.
    if (this.#all.observed) this.#all.next(event);
    const subject = this.#byType.get(event.type);
    if (subject?.observed === true) subject.next(event);
  }
}
