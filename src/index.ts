// The runtime, catalogue-agnostic: typed by the generated `PayloadMap` and `eventRegistry`.
// This entry point loads neither rxjs nor pino (pino only when a bus needs its default logger);
// the rxjs bus is `eventspec/reactive`.
export type {
  AnyEventHandler,
  DomainEvent,
  EventBus,
  EventDefinition,
  EventEmitterLike,
  EventHandler,
  EventMeta,
  EventOf,
  EventRegistry,
  Unsubscribe,
} from './bus.ts';
export { BaseEventBus } from './bus-core.ts';
export type { BusOptions, HandlerErrorHook } from './bus-core.ts';
export { LoggingEventBus } from './logging-bus.ts';
export type { Logger } from './logger.ts';
export { AuditError, AuditReadError, EventLoopError, EventValidationError } from './errors.ts';
export type { PayloadIssue } from './errors.ts';
export { MemoryAuditSink } from './audit/sink.ts';
export type { AnyEvent, AuditSink } from './audit/sink.ts';
export { JsonlAuditSink } from './audit/jsonl-sink.ts';
export type { AuditRecovery, Durability, JsonlAuditSinkOptions } from './audit/jsonl-sink.ts';
export { readAudit, readAuditRecords } from './audit/read.ts';
export type { AuditRecord, ReadAuditOptions } from './audit/read.ts';
export type { StoreRedacted } from './audit/redacted.ts';
export { createIdGenerator } from './ids.ts';
export type { IdGenerator } from './ids.ts';
export { concealed, lazyRedactor, mask, REDACTED, redactEach, redactItems, redactProperties } from './redact.ts';
export type { Conceal, Redactor } from './redact.ts';
export { FORMAT_CHECKS, isDate, isDateTime, isEmail, isUlid, isUri, isUuid } from './formats.ts';
export type { FormatName } from './formats.ts';
export {
  allOf,
  codePointLength,
  format,
  integer,
  jsonEqual,
  maxChars,
  minChars,
  multipleOf,
  ownProperties,
  uniqueItems,
} from './schema-checks.ts';
export { dataschemaFor, fromCloudEvent, toCloudEvent } from './cloudevents.ts';
export type { CloudEventJson, CloudEventOptions, FromCloudEventOptions } from './cloudevents.ts';
