/** Checking a payload against its event's schema: shared by `emit` and by `fromCloudEvent`. */
import * as z from 'zod/v4';
import type { EventDefinition, EventRegistry } from '../bus/bus.ts';
import { EventValidationError, type PayloadIssue } from '../events/errors.ts';
import { freezeOutput, plainCopy } from './plain-data.ts';

/**
 * zod's safeParse with a plain result class for failures: the default ZodError is an Error, and
 * capturing its stack trace was most of the cost of a rejected payload (zod's `_safeParse` takes
 * the error class for exactly this).
 */
class ZodIssues {
  readonly issues: readonly z.core.$ZodIssue[];
  constructor(issues: readonly z.core.$ZodIssue[]) {
    this.issues = issues;
  }
}
const safeParse = z.core._safeParse(ZodIssues as unknown as z.core.$ZodErrorClass);

function issuesOf(error: { readonly issues: readonly z.core.$ZodIssue[] }): PayloadIssue[] {
  return error.issues.flatMap((issue): PayloadIssue[] => {
    const path = issue.path.filter((part): part is string | number => typeof part !== 'symbol');
    // zod names the object that has unexpected keys; the path of each key says where it is.
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => ({ path: [...path, key], message: 'Unexpected key' }));
    return [{ path, message: issue.message }];
  });
}

/**
 * A validation error describes data, and its message names the event type and every bad field;
 * capturing a stack trace would cost more than the rest of the rejection. `stackFrames` > 0
 * (the bus option `validationStackFrames`) keeps that many frames, for debugging.
 */
export function validationError(type: string, issues: readonly PayloadIssue[], stackFrames = 0, version?: number): EventValidationError {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = stackFrames;
  try {
    return new EventValidationError(type, issues, version);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** The catalogue's definition of a type; own keys only, so `toString` is no event type. */
export function definitionOf<M>(registry: EventRegistry<M>, type: string): EventDefinition | undefined {
  const definitions = registry as unknown as Readonly<Record<string, EventDefinition>>;
  return Object.hasOwn(definitions, type) ? definitions[type] : undefined;
}

/** Levenshtein distance, one row at a time (for did-you-mean). */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1)));
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The known type nearest a mistyped one, when it is a likely typo (a third of its length, 1 to 3 edits). */
export function nearestType(type: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let distance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const each = editDistance(type.toLowerCase(), candidate.toLowerCase());
    if (each < distance) [best, distance] = [candidate, each];
  }
  return distance <= Math.min(3, Math.max(1, Math.floor(type.length / 3))) ? best : undefined;
}

/** The error for a type the catalogue lacks, with a did-you-mean from `registry`'s types when one is near. */
export function unknownType<M>(type: string, stackFrames = 0, registry?: EventRegistry<M>): EventValidationError {
  const near = registry === undefined || typeof type !== 'string' ? undefined : nearestType(type, Object.keys(registry));
  return validationError(String(type), [{ path: [], message: near === undefined ? 'unknown event type' : `unknown event type; did you mean ${JSON.stringify(near)}?` }], stackFrames);
}

/**
 * The validated payload, deeply frozen and owned by the caller of this function (never the
 * argument itself), or an `EventValidationError` naming each bad field; `version` names an
 * earlier version the payload is judged as. The value is first copied as JSON data
 * (`plainCopy`), and validation judges that copy: what passes is exactly what is stored.
 */
export function validatePayload(definition: Pick<EventDefinition, 'schema' | 'check'>, type: string, payload: unknown, stackFrames = 0, version?: number): unknown {
  const copy = plainCopy(payload);
  if ('issue' in copy) throw validationError(type, [copy.issue], stackFrames, version);
  // The generated check gives zod's verdict without its work; zod names the issues of a reject.
  if (definition.check?.(copy.value) === true) return copy.value;
  const result = safeParse(definition.schema, copy.value);
  if (!result.success) throw validationError(type, issuesOf(result.error), stackFrames, version);
  return freezeOutput(result.data);
}

/** What `safeParsePayload` gives: the typed payload, or the error `parsePayload` would throw. */
export type PayloadResult<P> = { readonly success: true; readonly data: P } | { readonly success: false; readonly error: EventValidationError };

/**
 * Validates untrusted input as the payload of event type `type`, by the catalogue's schema:
 * returns it typed as that event's payload, or throws `EventValidationError` naming each bad field.
 * @example const payload = parsePayload(eventRegistry, 'plan.created', JSON.parse(body)); // PlanCreatedPayload
 */
export function parsePayload<M, T extends keyof M & string>(registry: EventRegistry<M>, type: T, value: unknown): M[T] {
  const definition = definitionOf(registry, type);
  if (definition === undefined) throw unknownType(type, 0, registry);
  return validatePayload(definition, type, value) as M[T];
}

/** `parsePayload` without the throw: `{ success: true, data }` or `{ success: false, error }`. */
export function safeParsePayload<M, T extends keyof M & string>(registry: EventRegistry<M>, type: T, value: unknown): PayloadResult<M[T]> {
  try {
    return { success: true, data: parsePayload(registry, type, value) };
  } catch (error) {
    if (error instanceof EventValidationError) return { success: false, error };
    throw error;
  }
}

/** Whether `value` is a valid payload of event type `type`; narrows it to that payload's type. */
export function isPayload<M, T extends keyof M & string>(registry: EventRegistry<M>, type: T, value: unknown): value is M[T] {
  return safeParsePayload(registry, type, value).success;
}
