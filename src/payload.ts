/**
 * What generated payload modules import, and nothing that needs Node (entry point
 * `eventspec/payload`): the zod checks for JSON Schema keywords, the formats, the redaction
 * combinators, and typed validation of untrusted payloads. Bundles for browsers and edge runtimes.
 */
export { FORMAT_CHECKS, FORMAT_TYPES, isDate, isDateTime, isEmail, isUlid, isUri, isUuid, NUMBER_FORMAT_CHECKS, ULID_PATTERN } from './validation/formats.ts';
export type { FormatName, NumberFormatName, StringFormatName } from './validation/formats.ts';
export {
  allOf,
  byKind,
  codePointLength,
  contains,
  dependentRequired,
  dependentSchemas,
  discriminated,
  format,
  hasUniqueItems,
  ifThenElse,
  integer,
  isMultipleOf,
  isRecord,
  jsonEqual,
  jsonValues,
  maxChars,
  minChars,
  multipleOf,
  not,
  numberFormat,
  oneOf,
  otherProperties,
  ownProperties,
  ownValue,
  prefixItems,
  propertyCount,
  requiredKeys,
  satisfies,
  uniqueItems,
  withChecks,
} from './validation/schema-checks.ts';
export type { SchemaLike, Verdict } from './validation/schema-checks.ts';
export { evaluatedOnly, unevaluated } from './validation/unevaluated.ts';
export type { Evaluation, EvaluationBranch } from './validation/unevaluated.ts';
export { concealed, lazyRedactor, mask, REDACTED, redactEach, redactItems, redactProperties } from './validation/redact.ts';
export type { Conceal, Concealed, OtherKeys, Redacted, RedactionShape, Redactor } from './validation/redact.ts';
export type { ConsumedBy, ProducedBy, ServiceContract, ServiceUsage } from './services/contract.ts';
export { isPayload, parsePayload, safeParsePayload } from './validation/validate-payload.ts';
export { standardSchema } from './validation/standard-schema.ts';
export type { StandardIssue, StandardResult, StandardSchemaProps, StandardSchemaV1 } from './validation/standard-schema.ts';
export type { PayloadResult } from './validation/validate-payload.ts';
export { EventValidationError, UpcastError } from './events/errors.ts';
export { stepKey, Upcaster } from './events/upcast.ts';
export type { EventEnvelope, StoredEvent, UpcastStep, UpcastSteps } from './events/upcast.ts';
export type { PayloadIssue } from './events/errors.ts';
export type { DomainEvent, Emits, EventDefinition, EventEmitterLike, EventMeta, EventRegistry, PreviousVersion } from './bus/bus.ts';
