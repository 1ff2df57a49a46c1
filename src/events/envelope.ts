/**
 * The one envelope rule: what the audit reader accepts is what every door lets in (emit's meta
 * and clock, `ingest`, `fromCloudEvent`, the NATS consumer, `readAudit`), so whatever is written
 * can be read back. An event is refused here with an `EventValidationError` naming each field.
 */
import * as z from 'zod/v4';
import type { PayloadIssue } from './errors.ts';
import { FOREIGN_ID_RULE, isForeignId } from './foreign-id.ts';

/** UTC, `Z`, years 0001–9999: the form every DomainEvent's timestamp has. */
export const TIMESTAMP_RULE = 'Expected a UTC ISO-8601 timestamp (ending in Z) in the years 0001–9999';
const Timestamp = z.iso.datetime();

/** Whether `value` is a timestamp the audit reader takes back. */
export function isEventTimestamp(value: unknown): value is string {
  return typeof value === 'string' && !value.startsWith('0000') && Timestamp.safeParse(value).success;
}

/** The earliest and latest milliseconds a timestamp can say (0001-01-01 and 9999-12-31, UTC). */
export const EARLIEST_TIME = -62_135_596_800_000;
export const LATEST_TIME = 253_402_300_799_999;

const KEYS = new Set(['id', 'type', 'domain', 'timestamp', 'correlationId', 'causationId', 'version', 'writtenVersion', 'payload']);

function positiveInteger(value: unknown): boolean {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

/**
 * Every issue of a stored or received event's envelope (the payload is judged elsewhere), given
 * the catalogue's domain of its type. Empty when the envelope is one the reader takes.
 */
export function envelopeIssues(event: unknown, domain: string): PayloadIssue[] {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) return [{ path: [], message: 'Expected an event object' }];
  const record = event as Record<string, unknown>;
  const issues: PayloadIssue[] = [];
  for (const key of Object.keys(record)) if (!KEYS.has(key)) issues.push({ path: [key], message: 'Unexpected key' });
  if (!isForeignId(record['id'])) issues.push({ path: ['id'], message: FOREIGN_ID_RULE });
  if (!isForeignId(record['correlationId'])) issues.push({ path: ['correlationId'], message: FOREIGN_ID_RULE });
  if (record['causationId'] !== undefined && !isForeignId(record['causationId'])) issues.push({ path: ['causationId'], message: FOREIGN_ID_RULE });
  if (record['domain'] !== domain) issues.push({ path: ['domain'], message: `Expected the catalogue's domain of this type, ${JSON.stringify(domain)}` });
  if (!isEventTimestamp(record['timestamp'])) issues.push({ path: ['timestamp'], message: TIMESTAMP_RULE });
  if (!positiveInteger(record['version'])) issues.push({ path: ['version'], message: `Expected a positive integer version, got ${String(JSON.stringify(record['version']))}` });
  if (record['writtenVersion'] !== undefined && !positiveInteger(record['writtenVersion'])) issues.push({ path: ['writtenVersion'], message: `Expected a positive integer version, got ${String(JSON.stringify(record['writtenVersion']))}` });
  if (!Object.hasOwn(record, 'payload')) issues.push({ path: ['payload'], message: 'Required' });
  return issues;
}
