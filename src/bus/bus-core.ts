/**
 * What every bus does on `emit`, in this order: validate the payload with the catalogue's schema
 * → build the event (ULID id, UTC timestamp, correlation, deeply frozen copy of the payload) →
 * append it to the audit sink → publish it (the subclass's step: a stream, or a log line) →
 * call the callbacks. Nothing is audited or dispatched when validation fails, and nothing is
 * dispatched when the audit fails, so no subscriber ever sees an event the trail lacks.
 *
 * Re-entrancy: the handlers of a type are snapshotted when an event is emitted (subscribing or
 * unsubscribing during dispatch takes effect from the next event); an emit from a handler is
 * delivered depth-first, before the outer dispatch goes on; past `maxDepth` nested emits, the
 * emit throws `EventLoopError`, which reaches `onHandlerError` like any handler failure.
 */
import type { AuditSink, AnyEvent } from '../audit/sink.ts';
import type { AnyEventHandler, DomainEvent, EventBus, EventDefinition, EventHandler, EventMeta, EventRegistry, Unsubscribe } from './bus.ts';
import { AuditError, EventLoopError, EventValidationError, HandlerTimeoutError, type PayloadIssue } from '../events/errors.ts';
import { definitionOf, unknownType, validatePayload, validationError } from '../validation/validate-payload.ts';
import { readVersioned, type StoredEvent, type Upcaster } from '../events/upcast.ts';
import { createTimestampFormatter } from './clock.ts';
import { redactEvent } from '../services/redact-event.ts';
import { EARLIEST_TIME, LATEST_TIME, TIMESTAMP_RULE } from '../events/envelope.ts';
import { FOREIGN_ID_RULE, isForeignId } from '../events/foreign-id.ts';
import { createIdGenerator, type IdGenerator } from './ids.ts';
import { tracing, type TracedSpan, type Tracing } from '../telemetry/tracing.ts';
import { defaultLogger, type Logger } from './logger.ts';

/** Called with whatever a handler threw or rejected with; the event is unknown only for rxjs subscribers. */
export type HandlerErrorHook<M> = (error: unknown, event: DomainEvent<M> | undefined) => void;

export interface BusOptions<M> {
  /** The generated `eventRegistry`: schemas and metadata of every event type. */
  readonly registry: EventRegistry<M>;
  /** Where every event is recorded before dispatch; none means no audit trail. */
  readonly audit?: AuditSink;
  /** pino, or any logger with its `info`/`warn`/`error`; defaults to pino on standard output. */
  readonly logger?: Logger;
  /** Receives handler failures; defaults to logging them at error level. */
  readonly onHandlerError?: HandlerErrorHook<M>;
  /** How deep handlers may emit from handlers before it counts as a runaway loop (default 32). */
  readonly maxDepth?: number;
  /** The clock, in milliseconds since the epoch (default `Date.now`). */
  readonly now?: () => number;
  /** The id source (default: monotonic ULIDs). */
  readonly ids?: IdGenerator;
  /** Stack frames an `EventValidationError` keeps (default 0: its message says what is wrong, and a stack costs more than the rest of a rejection). */
  readonly validationStackFrames?: number;
  /**
   * Brings events of earlier versions that `ingest` receives to the current version (the
   * generated `defineUpcasters`). Without it, only steps that take no code can be taken.
   */
  readonly upcaster?: Upcaster<M>;
  /**
   * How long `ingest` (and so a transport, or a replay) waits for a handler's promise before it
   * counts as failed with `HandlerTimeoutError` (default 30 s): a handler that never settles
   * must not stop delivery for good.
   */
  readonly handlerTimeoutMs?: number;
}

/** What `ingest` is told besides the event. */
export interface IngestOptions {
  /** Record the event in the audit trail (default true; false when the trail holds it already). */
  readonly audit?: boolean;
  /** This event's handler deadline, instead of the bus's `handlerTimeoutMs`. */
  readonly timeoutMs?: number;
  /**
   * The event was made by this process (staged in a unit of work, say), not received from
   * elsewhere: its audit record is not marked ingested, so a relay sends it on (default false).
   */
  readonly own?: boolean;
  /**
   * Mask each `x-sensitive` value once the event is validated, before it is audited (marked
   * `"redacted":"mask"`), logged or dispatched: a service that may not read sensitive values
   * never holds one (default false; a service's bus sets it).
   */
  readonly redact?: boolean;
}

// Stored untyped: the overloads of `subscribe` are what tie each handler to its type.
type AnyHandler<M> = (event: DomainEvent<M>) => unknown;

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/** A given id source, held to the rule every reader applies (our own ULIDs meet it by construction). */
function checkedIds(ids: IdGenerator): IdGenerator {
  return (time) => {
    const id = ids(time);
    if (!isForeignId(id)) throw new EventValidationError('(emit)', [{ path: ['id'], message: `the bus's id source gave ${JSON.stringify(id)}: ${FOREIGN_ID_RULE}` }]);
    return id;
  };
}

/** The shared machinery of `ReactiveEventBus` and `LoggingEventBus`. */
export abstract class BaseEventBus<M> implements EventBus<M> {
  /** The catalogue's generated `eventRegistry`. */
  readonly registry: EventRegistry<M>;
  protected readonly logger: Logger;
  readonly #audit: AuditSink | undefined;
  readonly #onHandlerError: HandlerErrorHook<M>;
  readonly #maxDepth: number;
  readonly #now: () => number;
  readonly #ids: IdGenerator;
  readonly #timestamp = createTimestampFormatter();
  readonly #stackFrames: number;
  readonly #handlerTimeoutMs: number;
  readonly #tracing: Tracing | undefined = tracing();
  /** Brings events of earlier versions to the current one (the `upcaster` option). */
  readonly upcaster: Upcaster<M> | undefined;
  // Copy-on-write lists: an emit reads the current array, which no later change can alter.
  readonly #handlers = new Map<string, readonly AnyHandler<M>[]>();
  #everyType: readonly AnyHandler<M>[] = [];
  #depth = 0;

  constructor(options: BusOptions<M>) {
    this.registry = options.registry;
    this.logger = options.logger ?? defaultLogger();
    this.#audit = options.audit;
    this.#onHandlerError = options.onHandlerError ?? ((error, event) => this.logger.error({ err: error, eventId: event?.id, eventType: event?.type }, 'event handler failed'));
    this.#maxDepth = options.maxDepth ?? 32;
    this.#now = options.now ?? Date.now;
    this.#ids = options.ids === undefined ? createIdGenerator(this.#now) : checkedIds(options.ids);
    this.#stackFrames = options.validationStackFrames ?? 0;
    this.#handlerTimeoutMs = options.handlerTimeoutMs ?? 30_000;
    this.upcaster = options.upcaster;
  }

  emit<T extends keyof M & string>(type: T, payload: M[T], meta?: EventMeta): DomainEvent<M, T> {
    const definition = this.definitionOf(type);
    if (definition === undefined) throw this.unknownType(type);
    const data = validatePayload(definition, type, payload, this.#stackFrames);
    if (meta !== undefined) this.#checkMeta(type, meta);
    if (this.#depth >= this.#maxDepth) {
      throw new EventLoopError(`${type} emitted ${this.#depth} levels deep in handlers: a runaway event loop? (maxDepth ${this.#maxDepth})`);
    }

    const time = this.#now();
    // A timestamp the audit reader would refuse must not be written: see envelope.ts.
    if (!(time >= EARLIEST_TIME && time <= LATEST_TIME)) throw validationError(type, [{ path: ['timestamp'], message: `the bus's clock said ${String(time)}: ${TIMESTAMP_RULE}` }], this.#stackFrames);
    const id = this.#ids(time);
    const timestamp = this.#timestamp(time);
    // A new chain is named after its first event.
    const correlationId = meta?.correlationId ?? id;
    const frozenPayload = data as M[T];
    const causationId = meta?.causationId;
    // Two literal shapes rather than a spread: this is the hot path of every emit.
    const event: DomainEvent<M, T> = Object.freeze(
      causationId === undefined
        ? { id, type, domain: definition.domain, timestamp, correlationId, version: definition.version, payload: frozenPayload }
        : { id, type, domain: definition.domain, timestamp, correlationId, causationId, version: definition.version, payload: frozenPayload },
    );

    // With OpenTelemetry: a span per emit, whose context the trail keeps for the relay.
    const span = this.#tracing?.emit(event);
    if (this.#audit !== undefined) {
      try {
        this.#audit.append(event as unknown as AnyEvent, span?.trace === undefined ? undefined : { trace: span.trace });
      } catch (error) {
        const failure = error instanceof AuditError ? error : new AuditError(`could not record ${type} ${id}: ${(error as Error).message}`, { cause: error });
        span?.end(failure);
        throw failure;
      }
    }
    // Both lists are read once, before anyone is called: a subscription changed by a stream
    // subscriber or a handler counts from the next event (the lists are copy-on-write).
    const handlers = this.#handlers.get(type);
    const everyType = this.#everyType;
    this.#depth++;
    try {
      try {
        this.publish(event);
      } catch (error) {
        // A failing logger must not keep the event from its subscribers: it is recorded already.
        this.reportHandlerError(error, event);
      }
      if (span?.recording === true) {
        if (handlers !== undefined) for (const handler of handlers) void this.#invokeTraced(handler, event, span);
        for (const handler of everyType) void this.#invokeTraced(handler, event, span);
      } else {
        if (handlers !== undefined) for (const handler of handlers) this.#invoke(handler, event);
        for (const handler of everyType) this.#invoke(handler, event);
      }
    } finally {
      this.#depth--;
      span?.end();
    }
    return event;
  }

  /**
   * Delivers an event made elsewhere (another process, a broker) as `emit` delivers its own:
   * validated, audited unless `audit: false`, published, dispatched; but with its id, timestamp
   * and chain kept. An event of an earlier version is validated as that version, audited as
   * written, and delivered upcast to the current one (`writtenVersion` says it was). Resolves,
   * once every handler has settled or its deadline passed, with what the handlers threw or
   * rejected with, and a `HandlerTimeoutError` for each that did not settle in time (each is
   * also reported to onHandlerError), so a transport can decide whether to acknowledge.
   */
  async ingest(event: DomainEvent<M> | StoredEvent, options: IngestOptions = {}): Promise<readonly unknown[]> {
    const read = readVersioned(this.registry, this.upcaster?.steps, event, this.#stackFrames);
    const written = options.redact === true ? redactEvent(this.registry, read.written) : read.written;
    const frozen = options.redact === true ? redactEvent(this.registry, read.current) : read.current;
    if (this.#audit !== undefined && options.audit !== false) {
      const marks = { ...(options.own === true ? {} : { ingested: true }), ...(options.redact === true ? { redacted: 'mask' as const } : {}) };
      try {
        this.#audit.append(written as unknown as AnyEvent, marks);
      } catch (error) {
        throw error instanceof AuditError ? error : new AuditError(`could not record ${event.type} ${event.id}: ${(error as Error).message}`, { cause: error });
      }
    }
    const failures: unknown[] = [];
    const pending: Promise<void>[] = [];
    const handlers = [...this.#handlersOf(event.type), ...this.#everyType];
    try {
      this.publish(frozen);
    } catch (error) {
      this.reportHandlerError(error, frozen);
    }
    for (const handler of handlers) {
      const settled = this.#invokeTraced(handler, frozen, undefined, failures);
      if (settled !== undefined) pending.push(settled);
    }
    if (pending.length > 0) await this.#settled(pending, frozen, failures, options.timeoutMs ?? this.#handlerTimeoutMs);
    return failures;
  }

  /** Waits for the handlers' promises up to the deadline; each one still pending then is a failure. */
  async #settled(pending: readonly Promise<void>[], event: DomainEvent<M>, failures: unknown[], timeoutMs: number): Promise<void> {
    const settled = pending.map(() => false);
    const watched = pending.map((each, index) => each.then(() => {
      settled[index] = true;
    }));
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([Promise.all(watched), deadline]);
    clearTimeout(timer);
    for (const done of settled) {
      if (done) continue;
      const error = new HandlerTimeoutError(event.type, event.id, timeoutMs);
      failures.push(error);
      this.reportHandlerError(error, event);
    }
  }

  subscribe<T extends keyof M & string>(type: T, handler: EventHandler<M, T>): Unsubscribe;
  subscribe(type: '*', handler: AnyEventHandler<M>): Unsubscribe;
  subscribe(type: string, handler: AnyHandler<M>): Unsubscribe {
    if (type !== '*' && this.definitionOf(type) === undefined) throw this.unknownType(type);
    this.#setHandlers(type, [...this.#handlersOf(type), handler]);
    let subscribed = true;
    // Removes this subscription once, even if the same function was subscribed twice.
    return () => {
      if (!subscribed) return;
      subscribed = false;
      const handlers = this.#handlersOf(type);
      const index = handlers.indexOf(handler);
      this.#setHandlers(type, [...handlers.slice(0, index), ...handlers.slice(index + 1)]);
    };
  }

  #handlersOf(type: string): readonly AnyHandler<M>[] {
    return type === '*' ? this.#everyType : (this.#handlers.get(type) ?? []);
  }

  #setHandlers(type: string, handlers: readonly AnyHandler<M>[]): void {
    if (type === '*') this.#everyType = handlers;
    else if (handlers.length === 0) this.#handlers.delete(type);
    else this.#handlers.set(type, handlers);
  }

  /** The catalogue's definition of a type; own keys only, so `toString` is no event type. */
  protected definitionOf(type: string): EventDefinition | undefined {
    return definitionOf(this.registry, type);
  }

  /** The error for a type the catalogue does not have, the same for `subscribe`, `on` and `emit`. */
  protected unknownType(type: string): EventValidationError {
    return unknownType(type, this.#stackFrames, this.registry);
  }

  /** The step between audit and callbacks: push to a stream, write a log line. */
  protected abstract publish(event: DomainEvent<M>): void;

  /** Hands a failure to `onHandlerError`; a failing hook is logged, never thrown. */
  protected reportHandlerError(error: unknown, event: DomainEvent<M> | undefined): void {
    try {
      this.#onHandlerError(error, event);
    } catch (hookError) {
      try {
        this.logger.error({ err: hookError, cause: error }, 'onHandlerError failed');
      } catch {
        // The hook and the logger both failed: there is nowhere left to report to.
      }
    }
  }

  /**
   * Calls one handler; what it throws or rejects with goes to onHandlerError (and into `failures`,
   * when given). Returns, for a handler that returned a promise, one that settles with it.
   */
  #invoke(handler: AnyHandler<M>, event: DomainEvent<M>, failures?: unknown[]): Promise<void> | undefined {
    try {
      const result: unknown = handler(event);
      if (isThenable(result)) {
        return Promise.resolve(result).then(() => undefined, (error: unknown) => {
          failures?.push(error);
          this.reportHandlerError(error, event);
        });
      }
    } catch (error) {
      failures?.push(error);
      this.reportHandlerError(error, event);
    }
    return undefined;
  }

  /** `#invoke` inside a `handle <type>` span (a child of `parent`, or of the active context) that records the handler's failure; plain `#invoke` when nothing is traced. */
  #invokeTraced(handler: AnyHandler<M>, event: DomainEvent<M>, parent: TracedSpan | undefined, failures?: unknown[]): Promise<void> | undefined {
    const span = this.#tracing?.handler(event, parent);
    if (span === undefined) return this.#invoke(handler, event, failures);
    const failed: unknown[] = [];
    const settled = span.within(() => this.#invoke(handler, event, failed));
    const finish = (): void => {
      span.end(failed[0]);
      failures?.push(...failed);
    };
    if (settled === undefined) {
      finish();
      return undefined;
    }
    return settled.then(finish);
  }

  #checkMeta(type: string, meta: EventMeta): void {
    const issues = (['correlationId', 'causationId'] as const)
      .filter((key) => meta[key] !== undefined && !isForeignId(meta[key]))
      .map((key): PayloadIssue => ({ path: ['meta', key], message: FOREIGN_ID_RULE }));
    if (issues.length > 0) throw validationError(type, issues, this.#stackFrames);
  }
}
