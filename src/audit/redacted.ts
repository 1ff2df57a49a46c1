/**
 * An audit trail that leaves the machine must not carry the secrets: a sink given `redact`
 * stores each `x-sensitive` value masked (`[REDACTED]`), or as a keyed hash that still lets
 * two records be compared (the same value under the same key gives the same hash) without
 * revealing it. The record says so (`"redacted":"mask"`), and `readAudit` will not replay it:
 * a masked or hashed payload is no longer the payload that was emitted.
 */
import { createHmac } from 'node:crypto';
import type { EventDefinition } from '../bus/bus.ts';
import { AuditError } from '../events/errors.ts';
import { mask, type Conceal } from '../validation/redact.ts';
import { encodeRecordBody, type RecordMarks, type RedactionMark } from './record.ts';
import type { AnyEvent } from './sink.ts';

export interface StoreRedacted {
  /** The generated `eventRegistry`, whose redactors know where each event's sensitive values are. */
  readonly registry: { readonly [type: string]: Pick<EventDefinition, 'redact' | 'previous'> };
  /**
   * With a key, each sensitive value is stored as `hmac-sha256:<base64url>` of its canonical
   * JSON (keys sorted); without one, as `[REDACTED]`. Keep the key secret: anyone holding it
   * can test guesses of a value against its hash.
   */
  readonly hmacKey?: string | Uint8Array;
}

/** JSON with object keys sorted, so equal values hash alike whatever their key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    return `{${Object.keys(record).sort().map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function keyedHash(key: string | Uint8Array): Conceal {
  return (value) => `hmac-sha256:${createHmac('sha256', key).update(canonicalJson(value)).digest('base64url')}`;
}

/** An event's payload with its sensitive values concealed, and the mark saying how. */
export interface ConcealedPayload {
  readonly payload: unknown;
  /** Absent when the event holds nothing sensitive (its payload is returned as it is). */
  readonly mark?: RedactionMark;
}

/**
 * Conceals each event's sensitive values as `options` says (masked, or hashed with its key), by
 * the redactor of the version the event was written under; an event type the registry lacks is
 * refused, since nobody could then say which of its values are secret.
 */
export function payloadConcealer(options: StoreRedacted, who: string): (event: AnyEvent) => ConcealedPayload {
  const conceal = options.hmacKey === undefined ? mask : keyedHash(options.hmacKey);
  const mark: RedactionMark = options.hmacKey === undefined ? 'mask' : 'hmac-sha256';
  return (event) => {
    const definition = Object.hasOwn(options.registry, event.type) ? options.registry[event.type] : undefined;
    if (definition === undefined) throw new AuditError(`${who}'s registry has no ${JSON.stringify(event.type)}, so it cannot tell which of its values to redact`);
    // An event recorded as written under an earlier version has that version's sensitive values.
    const earlier = event.writtenVersion === undefined ? definition.previous?.find((entry) => entry.version === event.version) : undefined;
    const redact = earlier === undefined ? definition.redact : earlier.redact;
    return redact === undefined ? { payload: event.payload } : { payload: redact(event.payload, conceal), mark };
  };
}

/** The record body encoder of a sink that stores sensitive values redacted. */
export function redactingEncoder(options: StoreRedacted): (event: AnyEvent, marks?: RecordMarks) => string {
  const concealed = payloadConcealer(options, 'the audit sink');
  return (event, marks = {}) => {
    const { payload, mark } = concealed(event);
    return mark === undefined ? encodeRecordBody(event, marks) : encodeRecordBody({ ...event, payload }, { ...marks, redacted: mark });
  };
}
