/**
 * Every name the generator derives, decided in one place: `plan.heartbeat_missed` becomes the
 * enum member `PlanHeartbeatMissed`, the interface `PlanHeartbeatMissedPayload`, the schema
 * `PlanHeartbeatMissedPayloadSchema` and the helper `emitPlanHeartbeatMissed`.
 */

/** A segment of an event or domain name: lower snake case, starting with a letter. */
export const NAME_SEGMENT = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;
/** An event name: `domain.action` or `domain.entity.action`. */
export const EVENT_NAME = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*(?:\.[a-z][a-z0-9]*(?:_[a-z0-9]+)*){1,2}$/;
/**
 * The longest domain, type and event names: they name generated files, and a file name has at
 * most 255 bytes (`payloads/<domain>.ts`, `jsonschema/<event>.v<N>.json`).
 */
export const MAX_NAME_LENGTH = 64;
export const MAX_EVENT_NAME_LENGTH = 128;
/** A service name: lower case words joined by `-` or `_` (it names a durable NATS consumer too). */
export const SERVICE_NAME = /^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*$/;

/** `plan-lifecycle` → `planLifecycle`: its key in the generated `services`. */
export function serviceIdentifier(name: string): string {
  const [first = '', ...rest] = name.split(/[-_]/);
  return first + rest.map(capitalize).join('');
}

export interface ServiceNames {
  /** The generated contract: `planLifecycleService`. */
  readonly contract: string;
}

export function serviceNames(name: string): ServiceNames {
  const identifier = serviceIdentifier(name);
  // `decision-service` → `decisionService`, not `decisionServiceService`.
  return { contract: identifier.endsWith('Service') ? identifier : `${identifier}Service` };
}

/** A shared type name: PascalCase. */
export const TYPE_NAME = /^[A-Z][A-Za-z0-9]*$/;

/** Identifiers the generated files declare for themselves; no catalogue name may produce one. */
export const FIXED_IDENTIFIERS = [
  'EventType',
  'isEventType',
  'EVENT_TYPES',
  'Domain',
  'DOMAINS',
  'EVENT_DOMAIN',
  'PayloadMap',
  'eventRegistry',
  'CatalogueEvent',
  'Upcasters',
  'defineUpcasters',
  'RedactedPayloadMap',
  'services',
] as const;

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** `plan.heartbeat_missed` → `PlanHeartbeatMissed`. */
export function pascalCase(name: string): string {
  return name.split(/[._]/).filter(Boolean).map(capitalize).join('');
}

export interface EventNames {
  /** Member of the `EventType` const object. */
  readonly enumMember: string;
  readonly payloadInterface: string;
  readonly payloadSchema: string;
  /** Conceals the payload's sensitive values; generated only for payloads that have some. */
  readonly payloadRedactor: string;
  /** The fast check of a payload, a type guard: `isPlanCreatedPayload`. */
  readonly payloadGuard: string;
  readonly emitHelper: string;
  /** The payload as a consumer without access to sensitive values receives it; generated only for payloads that have some. */
  readonly redactedPayload: string;
}

export function eventNames(eventName: string): EventNames {
  const base = pascalCase(eventName);
  return {
    enumMember: base,
    payloadInterface: `${base}Payload`,
    payloadSchema: `${base}PayloadSchema`,
    payloadRedactor: `${base}PayloadRedactor`,
    payloadGuard: `is${base}Payload`,
    emitHelper: `emit${base}`,
    redactedPayload: `${base}RedactedPayload`,
  };
}

/** The names of an earlier version's payload: `PlanCreatedV1Payload`, `isPlanCreatedV1Payload`… */
export type VersionNames = Pick<EventNames, 'payloadInterface' | 'payloadSchema' | 'payloadRedactor' | 'payloadGuard'>;

export function versionNames(eventName: string, version: number): VersionNames {
  const base = `${pascalCase(eventName)}V${version}`;
  return { payloadInterface: `${base}Payload`, payloadSchema: `${base}PayloadSchema`, payloadRedactor: `${base}PayloadRedactor`, payloadGuard: `is${base}Payload` };
}

export interface TypeNames {
  readonly typeInterface: string;
  readonly typeSchema: string;
  /** Conceals the type's sensitive values; generated only for types that have some. */
  readonly typeRedactor: string;
  /** The fast check of a value of the type, a type guard: `isActor`. */
  readonly typeGuard: string;
  /** Where its sensitive values are, as a type `Redacted` reads; generated only for types that have some. */
  readonly typeRedaction: string;
}

export function typeNames(typeName: string): TypeNames {
  return { typeInterface: typeName, typeSchema: `${typeName}Schema`, typeRedactor: `${typeName}Redactor`, typeGuard: `is${typeName}`, typeRedaction: `${typeName}Redaction` };
}

/** The domain in an event name: its first segment. */
export function domainOf(eventName: string): string {
  return eventName.split('.')[0] ?? eventName;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A property key as written in generated code: bare when it is an identifier, else a JSON string. */
export function propertyKey(name: string): string {
  return IDENTIFIER.test(name) ? name : JSON.stringify(name);
}

