/**
 * A service's contract, as the generator writes it from the catalogue's `services:` section:
 * what it produces, what it consumes, and whether its handlers may read sensitive values. The
 * type parameters carry the catalogue's payloads and what this service receives of them, so that
 * `serviceBus(bus, contract)` is typed by the contract alone.
 */

export interface ServiceContract<M = Record<string, unknown>, R = M, P extends keyof M & string = keyof M & string, C extends keyof M & keyof R & string = keyof M & keyof R & string> {
  /** Its name in the catalogue; also the default durable name of its NATS consumer. */
  readonly name: string;
  readonly description: string;
  /** The team that owns it. */
  readonly owner: string;
  /** The event types it may emit. */
  readonly produces: readonly P[];
  /** The event types its handlers may receive. */
  readonly consumes: readonly C[];
  /** Its handlers receive `x-sensitive` values as they are; otherwise each is `[REDACTED]`. */
  readonly readsSensitive: boolean;
  /** Types only, never present at run time: the payloads of the catalogue, and as this service receives them. */
  readonly '~types'?: { readonly payloads: M; readonly received: R };
}

/** Event types a contract lets its service emit. */
export type ProducedBy<S> = S extends ServiceContract<infer _M, infer _R, infer P, infer _C> ? P : never;
/** Event types a contract lets its service receive. */
export type ConsumedBy<S> = S extends ServiceContract<infer _M, infer _R, infer _P, infer C> ? C : never;

/** What a service's bus counted since it was made: events emitted and received, by type. */
export interface ServiceUsage {
  readonly service: string;
  readonly emitted: { readonly [type: string]: number };
  readonly received: { readonly [type: string]: number };
  /** Declared under `produces` and not emitted yet. */
  readonly neverEmitted: readonly string[];
  /** Declared under `consumes` and not received yet. */
  readonly neverReceived: readonly string[];
}
