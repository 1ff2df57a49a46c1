/** What both services' state machines share: checking a step and chaining its event. */
import type { DomainEvent, EventEmitterLike, EventMeta } from 'eventspec';
import type { PayloadMap } from '../../generated/index.ts';

export class InvalidTransitionError extends Error {
  override readonly name = 'InvalidTransitionError';
}

/** A step emits its event through this (its service's emitter, `E`), given the chain it continues. */
export type Announce<E = EventEmitterLike<PayloadMap>> = (events: E, meta: EventMeta) => DomainEvent<PayloadMap>;

/**
 * Refuses a step from a status it does not start from; otherwise announces it (when the unit of
 * work takes events; this may throw, and then the unit of work changes nothing) and returns the
 * chain the next event continues: the same correlation, caused by this event.
 */
export function takeStep<S extends string, E>(
  what: string,
  current: { readonly status: S; readonly chain: EventMeta },
  action: string,
  from: readonly S[],
  events: E | undefined,
  announce: Announce<E>,
): EventMeta {
  if (!from.includes(current.status)) {
    throw new InvalidTransitionError(`cannot ${action} ${what}: it is ${current.status} (${action} needs ${from.join(' or ')})`);
  }
  return chainAfter(events === undefined ? undefined : announce(events, current.chain), current.chain);
}

/** The chain after `event`: its correlation, caused by it; unchanged when nothing was emitted. */
export function chainAfter(event: DomainEvent<PayloadMap> | undefined, chain: EventMeta = {}): EventMeta {
  return event === undefined ? chain : { correlationId: event.correlationId, causationId: event.id };
}
