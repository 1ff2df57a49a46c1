/**
 * An event as a service that may not read sensitive values receives it: each `x-sensitive` value
 * of its payload masked, by the registry's generated redactor for the version it is at.
 */
import type { DomainEvent, EventRegistry } from '../bus/bus.ts';
import { mask } from '../validation/redact.ts';

// Events made here, and the redacted copy of each event asked for: one copy however many handlers.
const redactedEvents = new WeakSet<object>();
const copies = new WeakMap<object, object>();

function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  return Object.freeze(value);
}

/** The event with its sensitive values masked, frozen; the event itself when it has none (or is a redacted copy already). */
export function redactEvent<M, E extends DomainEvent<M>>(registry: EventRegistry<M>, event: E): E {
  if (redactedEvents.has(event)) return event;
  const cached = copies.get(event);
  if (cached !== undefined) return cached as E;
  const definition = Object.hasOwn(registry, event.type) ? registry[event.type] : undefined;
  const redact = definition === undefined ? undefined : event.version === definition.version ? definition.redact : definition.previous?.find((entry) => entry.version === event.version)?.redact;
  if (redact === undefined) return event;
  const copy = Object.freeze({ ...event, payload: deepFreeze(redact(event.payload, mask)) }) as E;
  redactedEvents.add(copy);
  copies.set(event, copy);
  return copy;
}
