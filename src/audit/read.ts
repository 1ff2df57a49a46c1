/** Reading an audit file back: every record checked, every event validated against the catalogue. */
import { createReadStream } from 'node:fs';
import * as z from 'zod/v4';
import type { DomainEvent, EventDefinition, EventRegistry } from '../bus.ts';
import { AuditReadError } from '../errors.ts';
import { frozenCopy } from '../freeze.ts';
import { isForeignId } from '../ids.ts';
import { decodeRecord } from './record.ts';

// Events ingested from elsewhere keep their own ids, which need not be ULIDs.
const id = z.string().refine(isForeignId, { message: 'Expected an event id' });
const Envelope = z.strictObject({
  id,
  type: z.string(),
  domain: z.string(),
  timestamp: z.iso.datetime(),
  correlationId: id,
  causationId: id.optional(),
  version: z.int().positive(),
  payload: z.unknown(),
});

/** Splits a byte stream into lines, and says whether the last one had its newline. */
async function* lines(path: string): AsyncGenerator<{ text: string; complete: boolean }> {
  let rest = '';
  for await (const chunk of createReadStream(path, { encoding: 'utf8' })) {
    const parts = (rest + (chunk as string)).split('\n');
    rest = parts.pop() ?? '';
    for (const text of parts) yield { text, complete: true };
  }
  if (rest !== '') yield { text: rest, complete: false };
}

export interface ReadAuditOptions {
  /**
   * What to do with a record stored with its sensitive values redacted (a sink's `redact`
   * option): `refuse` (the default) throws `AuditReadError`, since its payload is not the one
   * emitted; `skip` leaves it out and goes on.
   */
  readonly redacted?: 'refuse' | 'skip';
}

/** One checked record of an audit file, as stored: the event is not yet validated against any catalogue. */
export interface AuditRecord {
  readonly seq: number;
  readonly line: number;
  /** How sensitive values were stored, when not in clear. */
  readonly redacted?: 'mask' | 'hmac-sha256';
  readonly event: unknown;
}

/**
 * Streams the records of an audit file in order, each checked (line end, checksum, sequence) but
 * not validated against a catalogue: for shipping or inspecting a trail, redacted ones included.
 * Throws `AuditReadError` naming the line of the first torn, damaged or out-of-sequence record.
 */
export async function* readAuditRecords(path: string): AsyncGenerator<AuditRecord> {
  let lineNumber = 0;
  for await (const { text, complete } of lines(path)) {
    lineNumber++;
    if (!complete) throw new AuditReadError(path, lineNumber, 'torn last record (the writer stopped mid-write); opening the file with JsonlAuditSink repairs it');
    const record = decodeRecord(text);
    if (!record.ok) throw new AuditReadError(path, lineNumber, record.reason);
    if (record.seq !== lineNumber) throw new AuditReadError(path, lineNumber, `sequence ${record.seq} where ${lineNumber} was due`);
    yield record.redacted === undefined ? { seq: record.seq, line: lineNumber, event: record.event } : { seq: record.seq, line: lineNumber, redacted: record.redacted, event: record.event };
  }
}

/**
 * Streams the events of an audit file in order, each validated against the catalogue's registry.
 * Throws `AuditReadError` naming the line of the first record that is torn, damaged, out of
 * sequence, or not a valid event of the catalogue.
 */
export async function* readAudit<M>(path: string, registry: EventRegistry<M>, options: ReadAuditOptions = {}): AsyncGenerator<DomainEvent<M>> {
  for await (const record of readAuditRecords(path)) {
    const lineNumber = record.line;
    if (record.redacted !== undefined) {
      if (options.redacted === 'skip') continue;
      throw new AuditReadError(path, lineNumber, `stored with its sensitive values redacted (${record.redacted}): a redacted record cannot be replayed; pass { redacted: 'skip' } to leave such records out, or read them with readAuditRecords`);
    }
    const envelope = Envelope.safeParse(record.event);
    if (!envelope.success) throw new AuditReadError(path, lineNumber, `not an event: ${z.prettifyError(envelope.error).replaceAll('\n', ' ')}`);
    const event = envelope.data;
    const definitions = registry as unknown as Readonly<Record<string, EventDefinition>>;
    const definition = Object.hasOwn(definitions, event.type) ? definitions[event.type] : undefined;
    if (definition === undefined) throw new AuditReadError(path, lineNumber, `unknown event type ${JSON.stringify(event.type)}`);
    const payload = z.safeParse(definition.schema, event.payload);
    if (!payload.success) throw new AuditReadError(path, lineNumber, `invalid ${event.type} payload: ${z.prettifyError(payload.error).replaceAll('\n', ' ')}`);
    yield frozenCopy(event) as DomainEvent<M>;
  }
}
