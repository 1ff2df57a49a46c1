/**
 * What generated payload modules import, and nothing that needs Node (entry point
 * `eventspec/payload`): the zod checks for JSON Schema keywords, the formats, the redaction
 * combinators, and typed validation of untrusted payloads. Bundles for browsers and edge runtimes.
 */
export { FORMAT_CHECKS, isDate, isDateTime, isEmail, isUlid, isUri, isUuid, ULID_PATTERN } from './formats.ts';
export type { FormatName } from './formats.ts';
export { allOf, codePointLength, format, hasUniqueItems, integer, isMultipleOf, isRecord, jsonEqual, maxChars, minChars, multipleOf, oneOf, ownProperties, ownValue, uniqueItems } from './schema-checks.ts';
export { concealed, lazyRedactor, mask, REDACTED, redactEach, redactItems, redactProperties } from './redact.ts';
export type { Conceal, Redactor } from './redact.ts';
export { isPayload, parsePayload, safeParsePayload } from './validate-payload.ts';
export type { PayloadResult } from './validate-payload.ts';
export { EventValidationError } from './errors.ts';
export type { PayloadIssue } from './errors.ts';
export type { DomainEvent, EventDefinition, EventEmitterLike, EventMeta, EventRegistry } from './bus.ts';
