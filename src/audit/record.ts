/**
 * The audit trail's file format. The first line names the format and the trail:
 * `{"format":"eventspec-audit","version":1,"trail":"<ULID>","created":"<time>"}`, with
 * `"previous":{"trail":"…","seq":N}` when the trail continues one that was rotated away, so a
 * reader that followed the old file knows where it ended. Then one record per line:
 * `{"seq":N,"crc":"xxxxxxxx","event":{...}}`, with `"redacted":"mask"` (or `"hmac-sha256"`) when
 * the sink stored sensitive values redacted, and `"ingested":true` when the event came from
 * elsewhere (`bus.ingest`) rather than from this process's `emit`, and `"traceparent":"…"` (with
 * `"tracestate":"…"`) when the event was emitted inside a sampled OpenTelemetry trace, so that a
 * relay continues that trace. The sequence number proves no
 * record is missing or repeated; the CRC-32 of the event's bytes proves the record was written
 * whole. A crash can only tear the last record, which is how the reader recognises one.
 * Files written before the header existed start with record 1 and are read as they are.
 *
 * The only line feed in a record is its last byte: JSON escapes every control character, and the
 * encoder also escapes U+2028 and U+2029, which JSON leaves raw but many line readers split on.
 * The decoder takes them raw too, as older files may hold them.
 */
import { crc32 } from 'node:zlib';
import { isTraceContext, traceContext, TRACEPARENT_FORM, TRACESTATE_FORM, type TraceContext } from '../events/trace-context.ts';

/** How a record's sensitive values were stored: `mask` replaced, `hmac-sha256` keyed hashes. */
export type RedactionMark = 'mask' | 'hmac-sha256';

/** What the bus says about a record besides the event. */
export interface RecordMarks {
  readonly redacted?: RedactionMark;
  /** The event was made elsewhere and delivered here (`bus.ingest`), not emitted by this process. */
  readonly ingested?: boolean;
  /** The W3C trace context the event was emitted in. */
  readonly trace?: TraceContext;
}

const HEAD = new RegExp(`^\\{"seq":([1-9]\\d{0,15}),"crc":"([0-9a-f]{8})",(?:"redacted":"(mask|hmac-sha256)",)?("ingested":true,)?(?:"traceparent":"(${TRACEPARENT_FORM})",(?:"tracestate":"(${TRACESTATE_FORM})",)?)?"event":`);

function traceFields(trace: TraceContext | undefined): string {
  if (trace === undefined || !isTraceContext(trace)) return '';
  return `"traceparent":"${trace.traceparent}",${trace.tracestate === undefined ? '' : `"tracestate":"${trace.tracestate}",`}`;
}
const SEPARATORS = /[\u2028\u2029]/g;
const encoder = new TextEncoder();

function checksum(json: string): string {
  return crc32(json).toString(16).padStart(8, '0');
}

/**
 * A record without its sequence number: the costly part of encoding (the JSON and its checksum),
 * done when the event is appended; `frameRecord` numbers it when it is written.
 */
export function encodeRecordBody(event: unknown, marks: RecordMarks = {}): string {
  const json = JSON.stringify(event).replace(SEPARATORS, (separator) => (separator === '\u2028' ? '\\u2028' : '\\u2029'));
  const redacted = marks.redacted === undefined ? '' : `"redacted":"${marks.redacted}",`;
  const ingested = marks.ingested === true ? '"ingested":true,' : '';
  return `"crc":"${checksum(json)}",${redacted}${ingested}${traceFields(marks.trace)}"event":${json}}\n`;
}

/** The line of a numbered record body. */
export function frameRecord(seq: number, body: string): string {
  return `{"seq":${seq},${body}`;
}

/** The bytes of one record, newline included. */
export function encodeRecord(seq: number, event: unknown, marks: RecordMarks = {}): Uint8Array {
  return encoder.encode(frameRecord(seq, encodeRecordBody(event, marks)));
}

export type DecodedRecord =
  | { readonly ok: true; readonly seq: number; readonly event: unknown; readonly redacted?: RedactionMark; readonly ingested?: true; readonly trace?: TraceContext }
  | { readonly ok: false; readonly reason: string };

/** Reads one line (without its newline); says why when it is not a whole, intact record. */
export function decodeRecord(line: string): DecodedRecord {
  const head = HEAD.exec(line);
  if (head === null || !line.endsWith('}')) return { ok: false, reason: 'not an audit record' };
  const [prefix, seq = '', crc = '', redacted, ingested, traceparent, tracestate] = head;
  const json = line.slice(prefix.length, -1);
  if (checksum(json) !== crc) return { ok: false, reason: 'checksum mismatch' };
  let event: unknown;
  try {
    event = JSON.parse(json);
  } catch {
    return { ok: false, reason: 'event is not valid JSON' };
  }
  return {
    ok: true,
    seq: Number(seq),
    event,
    ...(redacted === undefined ? {} : { redacted: redacted as RedactionMark }),
    ...(ingested === undefined ? {} : { ingested: true as const }),
    ...(traceparent === undefined ? {} : { trace: traceContext(traceparent, tracestate) }),
  };
}

/** Where a trail continues one that was rotated away: that trail's id and its last record. */
export interface TrailLink {
  readonly trail: string;
  readonly seq: number;
}

/** The first line of a trail. */
export interface TrailHeader {
  readonly format: 'eventspec-audit';
  readonly version: 1;
  /** A ULID naming this file's trail: a copy (copytruncate) keeps it, a new file gets its own. */
  readonly trail: string;
  readonly created: string;
  readonly previous?: TrailLink;
}

export const HEADER_PREFIX = '{"format":"eventspec-audit",';
/** The longest header line the reader looks for before calling a file foreign. */
export const MAX_HEADER_BYTES = 512;

export function encodeHeader(header: Omit<TrailHeader, 'format' | 'version'>): Uint8Array {
  const previous = header.previous === undefined ? '' : `,"previous":{"trail":${JSON.stringify(header.previous.trail)},"seq":${header.previous.seq}}`;
  return encoder.encode(`${HEADER_PREFIX}"version":1,"trail":${JSON.stringify(header.trail)},"created":${JSON.stringify(header.created)}${previous}}\n`);
}

/** Reads a header line (without its newline), or says why it is not one. */
export function decodeHeader(line: string): { ok: true; header: TrailHeader } | { ok: false; reason: string } {
  if (!line.startsWith(HEADER_PREFIX)) return { ok: false, reason: 'not an eventspec audit trail' };
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { ok: false, reason: 'the trail header is not valid JSON' };
  }
  const header = value as Partial<TrailHeader>;
  if (header.version !== 1) return { ok: false, reason: `audit trail format version ${JSON.stringify(header.version)}: this runtime reads version 1` };
  if (typeof header.trail !== 'string' || typeof header.created !== 'string') return { ok: false, reason: 'the trail header lacks its trail id or creation time' };
  const previous = header.previous;
  if (previous !== undefined && (typeof previous.trail !== 'string' || !Number.isSafeInteger(previous.seq))) return { ok: false, reason: 'the trail header names its previous trail wrongly' };
  return { ok: true, header: header as TrailHeader };
}
