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
import * as z from 'zod';
import type { AuditSink, AnyEvent } from './audit/sink.ts';
import type { DomainEvent, EventBus, EventDefinition, EventHandler, EventMeta, EventRegistry, Unsubscribe } from './bus.ts';
import { AuditError, EventLoopError, EventValidationError, type PayloadIssue } from './errors.ts';
import { isUlid } from './formats.ts';
import { frozenCopy } from './freeze.ts';
import { createIdGenerator, type IdGenerator } from './ids.ts';
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
}

type AnyHandler<M> = EventHandler<M, keyof M & string>;

function issuesOf(error: z.core.$ZodError): PayloadIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.filter((part): part is string | number => typeof part !== 'symbol'),
    message: issue.message,
  }));
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/** The shared machinery of `ReactiveEventBus` and `LoggingEventBus`. */
export abstract class BaseEventBus<M> implements EventBus<M> {
  protected readonly registry: EventRegistry<M>;
  protected readonly logger: Logger;
  readonly #audit: AuditSink | undefined;
  readonly #onHandlerError: HandlerErrorHook<M>;
  readonly #maxDepth: number;
  readonly #now: () => number;
  readonly #ids: IdGenerator;
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
    this.#ids = options.ids ?? createIdGenerator(this.#now);
  }

  emit<T extends keyof M & string>(type: T, payload: M[T], meta?: EventMeta): DomainEvent<M, T> {
    const definition = this.definitionOf(type);
    if (definition === undefined) throw new EventValidationError(String(type), [{ path: [], message: 'unknown event type' }]);
    const result = z.safeParse(definition.schema, payload);
    if (!result.success) throw new EventValidationError(type, issuesOf(result.error));
    const metaIssues = this.#checkMeta(meta);
    if (metaIssues.length > 0) throw new EventValidationError(type, metaIssues);
    if (this.#depth >= this.#maxDepth) {
      throw new EventLoopError(`${type} emitted ${this.#depth} levels deep in handlers: a runaway event loop? (maxDepth ${this.#maxDepth})`);
    }

    const time = this.#now();
    const id = this.#ids();
    const event: DomainEvent<M, T> = Object.freeze({
      id,
      type,
      domain: definition.domain,
      timestamp: new Date(time).toISOString(),
      // A new chain is named after its first event.
      correlationId: meta?.correlationId ?? id,
      ...(meta?.causationId === undefined ? {} : { causationId: meta.causationId }),
      version: definition.version,
      payload: frozenCopy(payload),
    });

    if (this.#audit !== undefined) {
      try {
        this.#audit.append(event as unknown as AnyEvent);
      } catch (error) {
        throw error instanceof AuditError ? error : new AuditError(`could not record ${type} ${id}: ${(error as Error).message}`, { cause: error });
      }
    }
    this.#depth++;
    try {
      this.publish(event);
      const handlers = this.#handlers.get(type);
      if (handlers !== undefined) for (const handler of handlers) this.#invoke(handler, event);
      for (const handler of this.#everyType) this.#invoke(handler, event);
    } finally {
      this.#depth--;
    }
    return event;
  }

  subscribe<T extends keyof M & string>(type: T, handler: EventHandler<M, T>): Unsubscribe;
  subscribe(type: '*', handler: EventHandler<M, keyof M & string>): Unsubscribe;
  subscribe(type: string, handler: AnyHandler<M>): Unsubscribe {
    if (type === '*') {
      this.#everyType = [...this.#everyType, handler];
      return () => {
        this.#everyType = this.#everyType.filter((each) => each !== handler);
      };
    }
    if (this.definitionOf(type) === undefined) throw new EventValidationError(type, [{ path: [], message: 'unknown event type' }]);
    this.#handlers.set(type, [...(this.#handlers.get(type) ?? []), handler]);
    return () => {
      const remaining = (this.#handlers.get(type) ?? []).filter((each) => each !== handler);
      if (remaining.length === 0) this.#handlers.delete(type);
      else this.#handlers.set(type, remaining);
    };
  }

  /** The catalogue's definition of a type; own keys only, so `toString` is no event type. */
  protected definitionOf(type: string): EventDefinition | undefined {
    const definitions = this.registry as unknown as Readonly<Record<string, EventDefinition>>;
    return Object.hasOwn(definitions, type) ? definitions[type] : undefined;
  }

  /** The step between audit and callbacks: push to a stream, write a log line. */
  protected abstract publish(event: DomainEvent<M>): void;

  /** Hands a failure to `onHandlerError`; a failing hook is logged, never thrown. */
  protected reportHandlerError(error: unknown, event: DomainEvent<M> | undefined): void {
    try {
      this.#onHandlerError(error, event);
    } catch (hookError) {
      this.logger.error({ err: hookError, cause: error }, 'onHandlerError failed');
    }
  }

  #invoke(handler: AnyHandler<M>, event: DomainEvent<M>): void {
    try {
      const result: unknown = handler(event);
      if (isThenable(result)) result.then(undefined, (error: unknown) => this.reportHandlerError(error, event));
    } catch (error) {
      this.reportHandlerError(error, event);
    }
  }

  #checkMeta(meta: EventMeta | undefined): PayloadIssue[] {
    if (meta === undefined) return [];
    return (['correlationId', 'causationId'] as const)
      .filter((key) => meta[key] !== undefined && !isUlid(meta[key] ?? ''))
      .map((key) => ({ path: ['meta', key], message: 'Expected a ULID' }));
  }
}
