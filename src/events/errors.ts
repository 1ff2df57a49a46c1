/** The runtime's errors: each says what went wrong with which event, as data and as a message. */

/** One invalid field of a payload. */
export interface PayloadIssue {
  /** Path of the bad field inside the payload, e.g. `['steps', 0, 'title']`; empty for the payload itself. */
  readonly path: readonly (string | number)[];
  readonly message: string;
}

function describe(issue: PayloadIssue): string {
  return `${issue.path.length === 0 ? '(payload)' : issue.path.join('.')}: ${issue.message}`;
}

/** A payload that breaks its event's schema, or an event type the catalogue does not have. Nothing was audited or dispatched. */
export class EventValidationError extends Error {
  override readonly name = 'EventValidationError';
  readonly eventType: string;
  readonly issues: readonly PayloadIssue[];
  /** The version the payload was judged as, when it is an earlier one than the catalogue's current version. */
  readonly version?: number;

  constructor(eventType: string, issues: readonly PayloadIssue[], version?: number) {
    super(`invalid ${eventType} event${version === undefined ? '' : ` (version ${version})`}: ${issues.map(describe).join('; ')}`);
    this.eventType = eventType;
    this.issues = issues;
    if (version !== undefined) this.version = version;
  }
}

/**
 * An event of an earlier version could not be brought to the current one for a reason in code,
 * not in the event: its upcaster is missing, threw, or returned a payload its target version
 * rejects. Fixing the upcaster and reading again will work; the event itself is kept as written.
 */
export class UpcastError extends Error {
  override readonly name = 'UpcastError';
  readonly eventType: string;
  readonly fromVersion: number;
  readonly toVersion: number;

  constructor(eventType: string, fromVersion: number, toVersion: number, reason: string, options?: ErrorOptions) {
    super(`${eventType} version ${fromVersion} → ${toVersion}: ${reason}`, options);
    this.eventType = eventType;
    this.fromVersion = fromVersion;
    this.toVersion = toVersion;
  }
}

/** The audit trail could not record an event; the event was not dispatched. */
export class AuditError extends Error {
  override readonly name = 'AuditError';
}

/** A line of an audit file that is not a valid record of a valid event. */
export class AuditReadError extends Error {
  override readonly name = 'AuditReadError';
  readonly file: string;
  readonly line: number;

  constructor(file: string, line: number, reason: string, options?: ErrorOptions) {
    super(`${file}:${line}: ${reason}`, options);
    this.file = file;
    this.line = line;
  }
}

/** An event was given to a bus after `close()`: it was not validated, audited or dispatched. */
export class BusClosedError extends Error {
  override readonly name = 'BusClosedError';
}

/** Handlers emitting from handlers went deeper than the bus allows: a runaway event loop. */
export class EventLoopError extends Error {
  override readonly name = 'EventLoopError';
}

/** A handler's promise did not settle within its deadline: it counts as a failure (its work may still go on). */
export class HandlerTimeoutError extends Error {
  override readonly name = 'HandlerTimeoutError';
  readonly eventType: string;
  readonly eventId: string;
  readonly timeoutMs: number;

  constructor(eventType: string, eventId: string, timeoutMs: number) {
    super(`a handler of ${eventType} ${eventId} did not settle within ${timeoutMs} ms`);
    this.eventType = eventType;
    this.eventId = eventId;
    this.timeoutMs = timeoutMs;
  }
}

/**
 * A service's bus was asked to do what the service's contract (the catalogue's `services:`) does
 * not allow: emit an event it does not produce, subscribe to or receive one it does not consume.
 * Nothing was validated, audited or dispatched.
 */
export class ServiceContractError extends Error {
  override readonly name = 'ServiceContractError';
  readonly service: string;
  readonly eventType: string;

  constructor(service: string, eventType: string, message: string) {
    super(message);
    this.service = service;
    this.eventType = eventType;
  }
}
