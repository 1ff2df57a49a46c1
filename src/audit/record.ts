/**
 * One audit record per line: `{"seq":N,"crc":"xxxxxxxx","event":{...}}`, or, when the sink stored
 * sensitive values redacted, `{"seq":N,"crc":"xxxxxxxx","redacted":"mask","event":{...}}`. The
 * sequence number proves no record is missing or repeated; the CRC-32 of the event's bytes proves
 * the record was written whole. A crash can only tear the last record, which is how the reader
 * recognises one.
 *
 * The only line feed in a record is its last byte: JSON escapes every control character, and the
 * encoder also escapes U+2028 and U+2029, which JSON leaves raw but many line readers split on.
 * The decoder takes them raw too, as older files may hold them.
 */
import { crc32 } from 'node:zlib';

/** How a record's sensitive values were stored: `mask` replaced, `hmac-sha256` keyed hashes. */
export type RedactionMark = 'mask' | 'hmac-sha256';

const HEAD = /^\{"seq":([1-9]\d{0,15}),"crc":"([0-9a-f]{8})",(?:"redacted":"(mask|hmac-sha256)",)?"event":/;
const SEPARATORS = /[\u2028\u2029]/g;
const encoder = new TextEncoder();

function checksum(json: string): string {
  return crc32(json).toString(16).padStart(8, '0');
}

/** The bytes of one record, newline included. */
export function encodeRecord(seq: number, event: unknown, redacted?: RedactionMark): Uint8Array {
  const json = JSON.stringify(event).replace(SEPARATORS, (separator) => (separator === '\u2028' ? '\\u2028' : '\\u2029'));
  const mark = redacted === undefined ? '' : `"redacted":"${redacted}",`;
  return encoder.encode(`{"seq":${seq},"crc":"${checksum(json)}",${mark}"event":${json}}\n`);
}

export type DecodedRecord =
  | { readonly ok: true; readonly seq: number; readonly event: unknown; readonly redacted?: RedactionMark }
  | { readonly ok: false; readonly reason: string };

/** Reads one line (without its newline); says why when it is not a whole, intact record. */
export function decodeRecord(line: string): DecodedRecord {
  const head = HEAD.exec(line);
  if (head === null || !line.endsWith('}')) return { ok: false, reason: 'not an audit record' };
  const [prefix, seq = '', crc = '', redacted] = head;
  const json = line.slice(prefix.length, -1);
  if (checksum(json) !== crc) return { ok: false, reason: 'checksum mismatch' };
  let event: unknown;
  try {
    event = JSON.parse(json);
  } catch {
    return { ok: false, reason: 'event is not valid JSON' };
  }
  return redacted === undefined
    ? { ok: true, seq: Number(seq), event }
    : { ok: true, seq: Number(seq), event, redacted: redacted as RedactionMark };
}
