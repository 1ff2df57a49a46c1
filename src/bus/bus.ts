/**
 * The contract between generated code and a bus. The generated helpers and registry are typed
 * by these interfaces; any bus that implements `EventBus` can carry the catalogue's events.
 */
import type * as z from 'zod/v4';
import type { Redactor } from '../validation/redact.ts';

/** Links an event to the chain it belongs to. */
export interface EventMeta {
  /** Continues an existing chain; a new chain gets a fresh id. */
  readonly correlationId?: string;
  /** The id of the event that caused this one. */
  readonly causationId?: string;
}

/** An emitted event: identity, provenance and the payload of its type. */
export interface DomainEvent<M, T extends keyof M & string = keyof M & string> {
  readonly id: string;
  readonly type: T;
  readonly domain: string;
  /** UTC ISO-8601 with milliseconds, e.g. `2026-11-26T08:30:00.000Z`. */
  readonly timestamp: string;
  readonly correlationId: string;
  readonly causationId?: string;
  /** The catalogue version of `payload`'s shape: the current one for every event a bus delivers. */
  readonly version: number;
  /**
   * The version the event was written as, when it was read from an audit file, a broker or a
   * CloudEvent under an earlier version and upcast to `version`; absent when it is as written.
   */
  readonly writtenVersion?: number;
  readonly payload: M[T];
}

/** Stops a subscription. */
export type Unsubscribe = () => void;

/** Any event of catalogue `M`, as a union that narrows on `type`: `if (event.type === 'plan.created')` types the payload. */
export type EventOf<M> = { [T in keyof M & string]: DomainEvent<M, T> }[keyof M & string];

/**
 * A handler of one event type. What it returns is ignored, except that a promise's rejection is
 * reported like a throw.
 */
export type EventHandler<M, T extends keyof M & string> = (event: DomainEvent<M, T>) => unknown;

/** A handler of every event type (`subscribe('*', …)`). */
export type AnyEventHandler<M> = (event: EventOf<M>) => unknown;

/** Anything that can take an event of catalogue `M` (the generated emit helpers target this). */
export interface EventEmitterLike<M> {
  emit<T extends keyof M & string>(type: T, payload: M[T], meta?: EventMeta): DomainEvent<M, T>;
}

/**
 * Anything that may emit events of type `T`: what a generated emit helper takes, so that a
 * service's bus is accepted only by the helpers of the events it produces.
 */
export interface Emits<M, T extends keyof M & string> {
  // A property, not a method: its parameters are then compared strictly, so that a bus whose
  // service produces nothing (`emit<T extends never>`) is no emitter of `T`.
  readonly emit: (type: T, payload: M[T], meta?: EventMeta) => DomainEvent<M, T>;
}

/** The bus: emit typed events, subscribe to one type or to all of them. */
export interface EventBus<M> extends EventEmitterLike<M> {
  subscribe<T extends keyof M & string>(type: T, handler: EventHandler<M, T>): Unsubscribe;
  subscribe(type: '*', handler: AnyEventHandler<M>): Unsubscribe;
}

/** An earlier version of an event type's payload, kept in the catalogue so its events can still be read. */
export interface PreviousVersion {
  readonly version: number;
  /** Validates a payload of that version. */
  readonly schema: z.core.$ZodType;
  /** The same verdict as `schema`, without its work. */
  readonly check?: (payload: unknown) => boolean;
  /** Conceals the sensitive values of a payload of that version. */
  readonly redact?: Redactor;
  /** The step to the next kept version takes an upcaster (the generated `Upcasters` type requires it). */
  readonly upcast: boolean;
}

/** What the catalogue says about one event type, as the generated registry records it. */
export interface EventDefinition<T extends string = string> {
  readonly type: T;
  readonly domain: string;
  readonly version: number;
  readonly description: string;
  /** `false`, or the deprecation message (`true` when the catalogue gave none). */
  readonly deprecated: boolean | string;
  /**
   * A copy of a payload with each value the catalogue marks `x-sensitive` passed through
   * `conceal`, at any depth; absent when the payload has no sensitive value.
   */
  readonly redact?: Redactor;
  /** Validates a payload exactly as the catalogue's JSON Schema does, and says what is wrong. */
  readonly schema: z.core.$ZodType;
  /**
   * The same verdict as `schema`, by straight-line generated code that allocates nothing: the
   * bus runs it first, and `schema` only for a payload it rejects, to name the issues.
   */
  readonly check?: (payload: unknown) => boolean;
  /** Earlier versions kept in the catalogue, oldest first: events written under them are upcast when read. */
  readonly previous?: readonly PreviousVersion[];
}

/** The generated registry: every event type of catalogue `M` and its definition. */
export type EventRegistry<M> = { readonly [T in keyof M & string]: EventDefinition<T> };
