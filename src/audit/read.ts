/** Reading an audit file back: every record checked, every event validated against the catalogue. */
import { createReadStream } from 'node:fs';
import type { EventOf, EventRegistry } from '../bus/bus.ts';
import { AuditReadError, EventValidationError, UpcastError } from '../events/errors.ts';
import { readVersioned, type StoredEvent, type Upcaster } from '../events/upcast.ts';
import { definitionOf } from '../validation/validate-payload.ts';
import { decodeHeader, decodeRecord, HEADER_PREFIX } from './record.ts';

/** Splits a byte stream into lines, and says whether the last one had its newline and how many bytes are read so far. */
async function* lines(path: string): AsyncGenerator<{ text: string; complete: boolean; bytesRead: number }> {
  let rest = '';
  const stream = createReadStream(path, { encoding: 'utf8' });
  for await (const chunk of stream) {
    const parts = (rest + (chunk as string)).split('\n');
    rest = parts.pop() ?? '';
    for (const text of parts) yield { text, complete: true, bytesRead: stream.bytesRead };
  }
  if (rest !== '') yield { text: rest, complete: false, bytesRead: stream.bytesRead };
}

export interface ReadAuditOptions<M = unknown> {
  /**
   * What to do with a record stored with its sensitive values redacted (a sink's `redact`
   * option): `refuse` (the default) throws `AuditReadError`, since its payload is not the one
   * emitted; `skip` leaves it out and goes on.
   */
  readonly redacted?: 'refuse' | 'skip';
  /**
   * Brings events written under earlier versions to the current one (the generated
   * `defineUpcasters`); without it, only steps that take no code can be taken. The file is
   * never rewritten: each read upcasts again.
   */
  readonly upcaster?: Upcaster<M>;
}

/** One checked record of an audit file, as stored: the event is not yet validated against any catalogue. */
export interface AuditRecord {
  readonly seq: number;
  readonly line: number;
  /** How sensitive values were stored, when not in clear. */
  readonly redacted?: 'mask' | 'hmac-sha256';
  /** The event was made elsewhere and ingested, not emitted by the trail's process. */
  readonly ingested?: true;
  readonly event: unknown;
  /** Bytes of the file read so far (for progress reports). */
  readonly bytesRead: number;
}

/**
 * Streams the records of an audit file in order, each checked (line end, checksum, sequence) but
 * not validated against a catalogue: for shipping or inspecting a trail, redacted ones included.
 * Throws `AuditReadError` naming the line of the first torn, damaged or out-of-sequence record.
 */
export async function* readAuditRecords(path: string): AsyncGenerator<AuditRecord> {
  let lineNumber = 0;
  // A trail with a header numbers its records from its second line; one written before headers, from its first.
  let headerLines = 0;
  for await (const { text, complete, bytesRead } of lines(path)) {
    lineNumber++;
    if (lineNumber === 1 && text.startsWith(HEADER_PREFIX)) {
      const header = complete ? decodeHeader(text) : { ok: false as const, reason: 'torn trail header (the writer stopped while creating the file); opening the file with JsonlAuditSink repairs it' };
      if (!header.ok) throw new AuditReadError(path, 1, header.reason);
      headerLines = 1;
      continue;
    }
    if (!complete) throw new AuditReadError(path, lineNumber, 'torn last record (the writer stopped mid-write); opening the file with JsonlAuditSink repairs it');
    const record = decodeRecord(text);
    if (!record.ok) throw new AuditReadError(path, lineNumber, lineNumber === 1 ? 'not an audit trail (no eventspec header, and no first record)' : record.reason);
    const due = lineNumber - headerLines;
    if (record.seq !== due) throw new AuditReadError(path, lineNumber, `sequence ${record.seq} where ${due} was due`);
    yield {
      seq: record.seq,
      line: lineNumber,
      ...(record.redacted === undefined ? {} : { redacted: record.redacted }),
      ...(record.ingested === undefined ? {} : { ingested: record.ingested }),
      event: record.event,
      bytesRead,
    };
  }
}

/**
 * Streams the events of an audit file in order, each validated against the catalogue's registry
 * and, when written under an earlier version, upcast to the current one (`writtenVersion` says
 * so). Throws `AuditReadError` naming the line of the first record that is torn, damaged, out
 * of sequence, not a valid event of the catalogue, or that cannot be upcast.
 */
export async function* readAudit<M>(path: string, registry: EventRegistry<M>, options: ReadAuditOptions<M> = {}): AsyncGenerator<EventOf<M>> {
  for await (const { event } of readAuditEvents(path, registry, options)) yield event;
}

/** `readAudit`, with each event's record (line, bytes read): for replays that report progress. */
export async function* readAuditEvents<M>(path: string, registry: EventRegistry<M>, options: ReadAuditOptions<M> = {}): AsyncGenerator<{ readonly event: EventOf<M>; readonly record: AuditRecord }> {
  const steps = options.upcaster?.steps;
  for await (const record of readAuditRecords(path)) {
    const lineNumber = record.line;
    if (record.redacted !== undefined) {
      if (options.redacted === 'skip') continue;
      throw new AuditReadError(path, lineNumber, `stored with its sensitive values redacted (${record.redacted}): a redacted record cannot be replayed; pass { redacted: 'skip' } to leave such records out, or read them with readAuditRecords`);
    }
    const event = record.event as { readonly type?: unknown } | null;
    if (typeof event !== 'object' || event === null || typeof event.type !== 'string') throw new AuditReadError(path, lineNumber, 'not an event: expected an object with a string `type`');
    if (definitionOf(registry, event.type) === undefined) throw new AuditReadError(path, lineNumber, `unknown event type ${JSON.stringify(event.type)}`);
    try {
      // The envelope rule of every door (envelope.ts), then the payload as its version.
      // The registry's types are the events' types: the event narrows on `type` as a subscriber's does.
      yield { event: readVersioned(registry, steps, event as StoredEvent).current as EventOf<M>, record };
    } catch (error) {
      if (error instanceof EventValidationError || error instanceof UpcastError) throw new AuditReadError(path, lineNumber, error.message, { cause: error });
      throw error;
    }
  }
}
