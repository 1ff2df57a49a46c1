/**
 * One audit record per line: `{"seq":N,"crc":"xxxxxxxx","event":{...}}`. The sequence number
 * proves no record is missing or repeated; the CRC-32 of the event's bytes proves the record was
 * written whole. A crash can only tear the last record, which is how the reader recognises one.
 */
import { crc32 } from './crc32.ts';

const RECORD = /^\{"seq":(\d+),"crc":"([0-9a-f]{8})","event":(.*)\}$/;
const encoder = new TextEncoder();

/** The bytes of one record, newline included. */
export function encodeRecord(seq: number, event: unknown): Uint8Array {
  const json = JSON.stringify(event);
  const checksum = crc32(encoder.encode(json)).toString(16).padStart(8, '0');
  return encoder.encode(`{"seq":${seq},"crc":"${checksum}","event":${json}}\n`);
}

export type DecodedRecord =
  | { readonly ok: true; readonly seq: number; readonly event: unknown }
  | { readonly ok: false; readonly reason: string };

/** Reads one line (without its newline); says why when it is not a whole, intact record. */
export function decodeRecord(line: string): DecodedRecord {
  const match = RECORD.exec(line);
  if (match === null) return { ok: false, reason: 'not an audit record' };
  const [, seq = '', checksum = '', json = ''] = match;
  if (crc32(encoder.encode(json)).toString(16).padStart(8, '0') !== checksum) return { ok: false, reason: 'checksum mismatch' };
  try {
    return { ok: true, seq: Number(seq), event: JSON.parse(json) as unknown };
  } catch {
    return { ok: false, reason: 'event is not valid JSON' };
  }
}
