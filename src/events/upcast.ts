/**
 * Events outlive the code that wrote them. A catalogue keeps the earlier versions of an event's
 * payload (`previous:`), and an event written under one of them is read in three steps: its
 * payload is validated as that version; each step to the next kept version runs its upcaster
 * (steps the catalogue proved compatible need none) and the result is validated as that next
 * version; the event is delivered at the current version, saying which version it was written as.
 *
 * The generated `defineUpcasters` (upcasters.ts) makes an `Upcaster` from one function per step
 * that needs code, typed so that a missing or wrongly typed step does not compile; the
 * constructor checks the same at run time.
 */
import type { DomainEvent, EventDefinition, EventRegistry, PreviousVersion } from '../bus/bus.ts';
import { EventValidationError, UpcastError } from './errors.ts';
import { envelopeIssues } from './envelope.ts';
import { definitionOf, unknownType, validatePayload, validationError } from '../validation/validate-payload.ts';

/** An event as written, without its payload: what an upcaster may read besides the payload. */
export interface EventEnvelope {
  readonly id: string;
  readonly type: string;
  readonly domain: string;
  readonly timestamp: string;
  readonly correlationId: string;
  readonly causationId?: string;
  /** The version the payload was written under. */
  readonly version: number;
}

/** An event as stored or received, of any version of its type. */
export interface StoredEvent extends EventEnvelope {
  readonly payload: unknown;
  readonly writtenVersion?: number;
}

/** One step's code: a payload of one version → the payload of the next kept version. */
export type UpcastStep = (payload: never, event: EventEnvelope) => unknown;

/** Steps by event type, then by the version they start from (`v1` is version 1 → the next). */
export type UpcastSteps = { readonly [type: string]: { readonly [from: string]: UpcastStep } | undefined };

/** The key of the step that starts at `version`. */
export function stepKey(version: number): string {
  return `v${version}`;
}

type Steps = Readonly<Record<string, Readonly<Record<string, unknown>> | undefined>>;

function ownStep(steps: Steps | undefined, type: string, from: number): unknown {
  const byVersion = steps !== undefined && Object.hasOwn(steps, type) ? steps[type] : undefined;
  const key = stepKey(from);
  return byVersion !== undefined && Object.hasOwn(byVersion, key) ? byVersion[key] : undefined;
}

/** Every step of the registry that takes code, as `type vN → vM`. */
function declaredSteps(registry: Readonly<Record<string, EventDefinition>>): { type: string; from: number; to: number }[] {
  return Object.entries(registry).flatMap(([type, definition]) => {
    const kept = definition.previous ?? [];
    return kept.flatMap((entry, index) => (entry.upcast ? [{ type, from: entry.version, to: kept[index + 1]?.version ?? definition.version }] : []));
  });
}

/**
 * Brings events of earlier versions to the current one. Made by the generated `defineUpcasters`,
 * whose parameter type lists each step that needs code; buses (`upcaster` option), `readAudit`,
 * `replayAudit` and `fromCloudEvent` take it.
 */
export class Upcaster<M> {
  readonly registry: EventRegistry<M>;
  /** @internal The functions, by type and step. */
  readonly steps: UpcastSteps;

  /** Throws `UpcastError` when a step the catalogue declares has no function, or a function is for no declared step. */
  constructor(registry: EventRegistry<M>, steps: UpcastSteps) {
    const definitions = registry as unknown as Readonly<Record<string, EventDefinition>>;
    const declared = declaredSteps(definitions);
    const missing = declared.find((step) => typeof ownStep(steps as Steps, step.type, step.from) !== 'function');
    if (missing !== undefined) throw new UpcastError(missing.type, missing.from, missing.to, `the catalogue declares an upcaster for this step, and none was given (key \`${stepKey(missing.from)}\`)`);
    for (const [type, byVersion] of Object.entries(steps)) {
      for (const key of Object.keys(byVersion ?? {})) {
        if (!declared.some((step) => step.type === type && stepKey(step.from) === key)) {
          const known = declared.map((step) => `${step.type}.${stepKey(step.from)}`);
          throw new UpcastError(type, Number(key.slice(1)) || 0, definitionOf(registry, type)?.version ?? 0, `no step of the catalogue starts here, so \`${type}.${key}\` would never run (steps that take code: ${known.join(', ') || 'none'})`);
        }
      }
    }
    this.registry = registry;
    this.steps = steps;
  }

  /**
   * The event at the current version of its type, validated at every step; an event already at
   * the current version is validated and returned as is. Throws `EventValidationError` for an
   * event that is invalid as written or of a version this catalogue does not know, and
   * `UpcastError` when an upcaster throws or returns an invalid payload.
   */
  upcast(event: StoredEvent): DomainEvent<M> {
    return readVersioned(this.registry, this.steps, event).current;
  }
}

/** An event as written (its payload validated as its own version) and as delivered (at the current version). */
export interface VersionedEvent<M> {
  readonly written: DomainEvent<M>;
  readonly current: DomainEvent<M>;
}

/** The event as written, without its payload; `version` the given one. */
function envelopeOf(event: StoredEvent, domain: string, version: number): EventEnvelope {
  return event.causationId === undefined
    ? { id: event.id, type: event.type, domain, timestamp: event.timestamp, correlationId: event.correlationId, version }
    : { id: event.id, type: event.type, domain, timestamp: event.timestamp, correlationId: event.correlationId, causationId: event.causationId, version };
}

/**
 * What every reader of events does with one: validate it as its version, then upcast it.
 * Without `steps`, only steps that take no code can be taken. An earlier version the catalogue
 * does not keep is delivered as is when its payload is valid as the current version (there is
 * no step to run), and refused otherwise.
 */
export function readVersioned<M>(registry: EventRegistry<M>, steps: UpcastSteps | undefined, event: StoredEvent, stackFrames = 0): VersionedEvent<M> {
  const definition = definitionOf(registry, event.type);
  if (definition === undefined) throw unknownType(event.type, stackFrames, registry);
  const type = event.type;
  const envelope = envelopeIssues(event, definition.domain);
  if (envelope.length > 0) throw validationError(type, envelope, stackFrames);
  const current = definition.version;
  if (event.version === current) {
    const payload = validatePayload(definition, type, event.payload, stackFrames);
    const written = Object.freeze({ ...event, version: current, payload }) as DomainEvent<M>;
    return { written, current: written };
  }
  const kept = definition.previous ?? [];
  if (event.version > current) {
    throw validationError(type, [{ path: ['version'], message: `version ${String(event.version)} is newer than this catalogue's (${current}): read it with code generated from a catalogue that has it` }], stackFrames);
  }
  const start = kept.findIndex((entry) => entry.version === event.version);
  if (start === -1) {
    const known = [...kept.map((entry) => entry.version), current].join(', ');
    try {
      const payload = validatePayload(definition, type, event.payload, stackFrames);
      const written = Object.freeze({ ...event, payload }) as DomainEvent<M>;
      return { written, current: Object.freeze({ ...written, version: current, writtenVersion: event.version }) as DomainEvent<M> };
    } catch (error) {
      if (!(error instanceof EventValidationError)) throw error;
      throw validationError(type, [{ path: ['version'], message: `version ${event.version} is not kept in this catalogue (it knows ${known}), and the payload is not valid as version ${current}: keep version ${event.version} under \`previous\`` }, ...error.issues], stackFrames);
    }
  }
  const first = kept[start] as PreviousVersion;
  let payload = validatePayload(first, type, event.payload, stackFrames, first.version);
  const written = Object.freeze({ ...event, payload }) as DomainEvent<M>;
  let stepEnvelope: EventEnvelope | undefined;
  for (let index = start; index < kept.length; index++) {
    const from = kept[index] as PreviousVersion;
    const to: Pick<PreviousVersion, 'version' | 'schema' | 'check'> = kept[index + 1] ?? definition;
    let next: unknown = payload;
    if (from.upcast) {
      const step = ownStep(steps as Steps | undefined, type, from.version);
      if (typeof step !== 'function') throw new UpcastError(type, from.version, to.version, 'this step takes an upcaster, and none was given: pass `upcaster: defineUpcasters({...})` (generated upcasters.ts)');
      try {
        stepEnvelope ??= Object.freeze(envelopeOf(event, definition.domain, event.version));
        next = (step as (payload: unknown, event: EventEnvelope) => unknown)(payload, stepEnvelope);
      } catch (error) {
        throw new UpcastError(type, from.version, to.version, `the upcaster threw: ${(error as Error)?.message ?? String(error)}`, { cause: error });
      }
      if (typeof (next as { then?: unknown } | null)?.then === 'function') {
        throw new UpcastError(type, from.version, to.version, 'the upcaster returned a promise: upcasters are synchronous (readers upcast each event as they read it)');
      }
    }
    try {
      payload = validatePayload(to, type, next, stackFrames, to.version === current ? undefined : to.version);
    } catch (error) {
      if (!(error instanceof EventValidationError)) throw error;
      const reason = from.upcast
        ? `the upcaster returned a payload that version ${to.version} rejects: ${error.message}`
        : `the catalogue declares no upcaster for this step, but this payload is not valid as version ${to.version} (declare \`upcast:\` on version ${from.version}): ${error.message}`;
      throw new UpcastError(type, from.version, to.version, reason, { cause: error });
    }
  }
  const delivered = envelopeOf(event, definition.domain, current) as EventEnvelope & { writtenVersion?: number; payload?: unknown };
  delivered.writtenVersion = event.version;
  delivered.payload = payload;
  return { written, current: Object.freeze(delivered) as DomainEvent<M> };
}
