/**
 * The runtime, catalogue-agnostic: typed by the generated `PayloadMap` and `eventRegistry`.
 * This entry point loads neither rxjs, pino nor a NATS client (pino only when a bus needs its
 * default logger); the rxjs bus is `eventspec/reactive`, the transport `eventspec/nats`, and what
 * generated payload modules need, Node-free, `eventspec/payload` (re-exported here too).
 */
export type {
  AnyEventHandler,
  DomainEvent,
  EventBus,
  EventEmitterLike,
  EventHandler,
  EventMeta,
  EventOf,
  Unsubscribe,
} from './bus/bus.ts';
export { BaseEventBus } from './bus/bus-core.ts';
export type { BusOptions, HandlerErrorHook, IngestOptions } from './bus/bus-core.ts';
export { LoggingEventBus } from './bus/logging-bus.ts';
export type { Logger } from './bus/logger.ts';
export { AuditError, AuditReadError, BusClosedError, EventLoopError, HandlerTimeoutError, ServiceContractError, UpcastError } from './events/errors.ts';
export { serviceBus, serviceEmitter, ServiceEventBus } from './services/service-bus.ts';
export type { ServiceBus, ServiceBusOf, ServiceEmitter } from './services/service-bus.ts';
export { MemoryAuditSink } from './audit/sink.ts';
export type { AnyEvent, AppendOptions, AuditSink } from './audit/sink.ts';
export { JsonlAuditSink } from './audit/jsonl-sink.ts';
export type { AuditRecovery, Durability, JsonlAuditSinkOptions, TrailChange } from './audit/jsonl-sink.ts';
export type { TrailHeader, TrailLink } from './audit/record.ts';
export type { TraceContext } from './events/trace-context.ts';
export { readAudit, readAuditEvents, readAuditRecords } from './audit/read.ts';
export { replayAudit } from './audit/replay.ts';
export type { ReplayOptions, ReplayProgress, ReplayReport } from './audit/replay.ts';
export { stepKey, Upcaster } from './events/upcast.ts';
export type { EventEnvelope, StoredEvent, UpcastStep, UpcastSteps } from './events/upcast.ts';
export type { AuditRecord, ReadAuditOptions } from './audit/read.ts';
export type { StoreRedacted } from './audit/redacted.ts';
export { createIdGenerator } from './bus/ids.ts';
export { isForeignId, MAX_FOREIGN_ID_LENGTH } from './events/foreign-id.ts';
export { MAX_PAYLOAD_DEPTH } from './validation/plain-data.ts';
export type { IdGenerator } from './bus/ids.ts';
export { dataschemaFor, fromCloudEvent, readCloudEvent, toCloudEvent } from './events/cloudevents.ts';
export type { CloudEventJson, CloudEventOptions, FromCloudEventOptions } from './events/cloudevents.ts';
export { DEFAULT_SUBJECT_PREFIX, subjectOf } from './nats/subjects.ts';
export {
  allOf,
  codePointLength,
  concealed,
  EventValidationError,
  format,
  FORMAT_CHECKS,
  hasUniqueItems,
  integer,
  isDate,
  isDateTime,
  isEmail,
  isMultipleOf,
  isPayload,
  isRecord,
  isUlid,
  isUri,
  isUuid,
  jsonEqual,
  lazyRedactor,
  mask,
  maxChars,
  minChars,
  multipleOf,
  oneOf,
  ownProperties,
  ownValue,
  parsePayload,
  REDACTED,
  redactEach,
  redactItems,
  redactProperties,
  safeParsePayload,
  standardSchema,
  ULID_PATTERN,
  uniqueItems,
} from './payload.ts';
export type { Concealed, ConsumedBy, Emits, ProducedBy, Redacted, RedactionShape, ServiceContract, ServiceUsage } from './payload.ts';
export type { Conceal, EventDefinition, EventRegistry, FormatName, PayloadIssue, PayloadResult, PreviousVersion, Redactor, StandardIssue, StandardResult, StandardSchemaProps, StandardSchemaV1 } from './payload.ts';
