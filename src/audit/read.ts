/** Reading an audit file back: every record checked, every event validated against the catalogue. */
import { createReadStream } from 'node:fs';
import * as z from 'zod';
import type { DomainEvent, EventDefinition, EventRegistry } from '../bus.ts';
import { AuditReadError } from '../errors.ts';
import { frozenCopy } from '../freeze.ts';
import { format } from '../schema-checks.ts';
import { decodeRecord } from './record.ts';

const ulid = z.string().check(format('ulid'));
const Envelope = z.strictObject({
  id: ulid,
  type: z.string(),
  domain: z.string(),
  timestamp: z.iso.datetime(),
  correlationId: ulid,
  causationId: ulid.optional(),
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

/**
 * Streams the events of an audit file in order, each validated against the catalogue's registry.
 * Throws `AuditReadError` naming the line of the first record that is torn, damaged, out of
 * sequence, or not a valid event of the catalogue.
 */
export async function* readAudit<M>(path: string, registry: EventRegistry<M>): AsyncGenerator<DomainEvent<M>> {
  let lineNumber = 0;
  for await (const { text, complete } of lines(path)) {
    lineNumber++;
    if (!complete) throw new AuditReadError(path, lineNumber, 'torn last record (the writer stopped mid-write); opening the file with JsonlAuditSink repairs it');
    const record = decodeRecord(text);
    if (!record.ok) throw new AuditReadError(path, lineNumber, record.reason);
    if (record.seq !== lineNumber) throw new AuditReadError(path, lineNumber, `sequence ${record.seq} where ${lineNumber} was due`);
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
