/**
 * Following an audit trail as it grows, for a relay: records read in order from a position (a
 * trail id, the last record's sequence number and the byte offset after it), across rotation.
 *
 * When the file at the path is no longer the one being read, the trail goes on in the file at
 * the path once that file's header names the old trail as its `previous` (the sink writes that
 * link when it follows a rename, a deletion or a truncation), or, for a trail started without a
 * link, once no process writes the old file any more. A file truncated in place (copytruncate)
 * is read on from its copy beside it, found by its header. Records a rotation lost (a
 * copytruncate race, a file deleted before it was read) are reported as a gap, never skipped in
 * silence.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { AuditError } from '../events/errors.ts';
import { hasWriter } from './file-lock.ts';
import { decodeHeader, decodeRecord, HEADER_PREFIX, MAX_HEADER_BYTES, type RedactionMark, type TrailHeader } from './record.ts';
import type { TraceContext } from '../events/trace-context.ts';
import { readAt } from './file-io.ts';

/** Where a reader of a trail stands: after record `seq` of `trail`, `offset` bytes into its file. */
export interface TrailPosition {
  readonly trail: string;
  /** The last record read; 0 before the first. */
  readonly seq: number;
  /** The byte offset just past that record (past the header before the first). */
  readonly offset: number;
}

export interface FollowedRecord {
  /** The position after this record: where to resume once it is dealt with. */
  readonly position: TrailPosition;
  readonly event: unknown;
  readonly ingested: boolean;
  readonly redacted?: RedactionMark;
  /** The trace context the event was emitted in, when it was. */
  readonly trace?: TraceContext;
}

/** Records of a trail that cannot be read any more: rotated away and deleted, or lost to a copytruncate race. */
export interface TrailGap {
  readonly trail: string;
  /** The last record read before the gap. */
  readonly afterSeq: number;
  /** The trail's last record, when known. */
  readonly lastSeq?: number;
  readonly message: string;
}

export interface FollowOptions {
  /** Resume after this position (a relay's checkpoint); default: the start of the oldest file of the trail still beside the path. */
  readonly from?: TrailPosition;
  /** How often to look for new records and rotation once caught up (default 20 ms). */
  readonly pollIntervalMs?: number;
  /** Told of records that cannot be read (default: `process.emitWarning`). */
  readonly onGap?: (gap: TrailGap) => void;
}

interface OpenFile {
  readonly fd: number;
  readonly path: string;
  readonly header: TrailHeader;
  readonly dataStart: number;
  readonly dev: number;
  readonly ino: number;
}

const CHUNK = 256 * 1024;

/** The header of the trail file at `path`, or undefined when there is none or it is no headed trail. */
function headerOf(path: string): { header: TrailHeader; dataStart: number } | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    return undefined;
  }
  try {
    return readHeader(fd);
  } finally {
    closeSync(fd);
  }
}

function readHeader(fd: number): { header: TrailHeader; dataStart: number } | undefined {
  const head = readAt(fd, 0, MAX_HEADER_BYTES).toString('utf8');
  const end = head.indexOf('\n');
  if (!head.startsWith(HEADER_PREFIX) || end === -1) return undefined;
  const decoded = decodeHeader(head.slice(0, end));
  return decoded.ok ? { header: decoded.header, dataStart: Buffer.byteLength(head.slice(0, end + 1)) } : undefined;
}

/** Waits `ms`, or less when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

export class TrailFollower {
  readonly path: string;
  readonly #pollIntervalMs: number;
  readonly #onGap: (gap: TrailGap) => void;
  #from: TrailPosition | undefined;
  #file: OpenFile | undefined;
  #seq = 0;
  #offset = 0;

  constructor(path: string, options: FollowOptions = {}) {
    this.path = path;
    this.#from = options.from;
    this.#pollIntervalMs = options.pollIntervalMs ?? 20;
    this.#onGap = options.onGap ?? ((gap) => process.emitWarning(gap.message, { type: 'AuditTrailWarning', code: 'EVENTSPEC_AUDIT_GAP' }));
  }

  /** Where the follower stands: after the last record it returned. */
  get position(): TrailPosition | undefined {
    return this.#file === undefined ? this.#from : { trail: this.#file.header.trail, seq: this.#seq, offset: this.#offset };
  }

  /**
   * Up to `max` records after the last ones returned; waits until there is at least one, or
   * `signal` aborts (then resolves with none). Throws `AuditError` for a damaged record or a
   * position that does not fit its trail.
   */
  async read(max: number, signal?: AbortSignal): Promise<FollowedRecord[]> {
    for (;;) {
      if (signal?.aborted === true) return [];
      if (this.#file === undefined) this.#begin();
      if (this.#file !== undefined) {
        const records = this.#readAvailable(this.#file, max);
        if (records.length > 0) return records;
        if (this.#advance(this.#file)) continue;
      }
      await sleep(this.#pollIntervalMs, signal);
    }
  }

  /** Whether every record written so far has been returned (the live file read to its end). */
  caughtUp(): boolean {
    const file = this.#file;
    if (file === undefined) return statSync(this.path, { throwIfNoEntry: false }) === undefined && this.#from === undefined;
    const atPath = statSync(this.path, { throwIfNoEntry: false });
    return atPath !== undefined && atPath.ino === file.ino && atPath.dev === file.dev && fstatSync(file.fd).size <= this.#offset;
  }

  close(): void {
    if (this.#file !== undefined) closeSync(this.#file.fd);
    this.#from = this.position;
    this.#file = undefined;
  }

  /** Opens the file to start from: the checkpoint's trail wherever it now is, or the trail at the path. */
  #begin(): void {
    const from = this.#from;
    if (from === undefined) {
      // From the beginning: the oldest rotated file still linked to the trail at the path.
      const oldest = this.#chainToPath();
      this.#open(oldest?.path ?? this.path, 0, undefined);
      return;
    }
    const at = this.#locate(from.trail);
    if (at !== undefined) {
      this.#open(at, from.seq, from.offset);
      return;
    }
    // The checkpoint's trail is gone: start at the oldest trail still here that leads to the path's.
    const chain = this.#chainToPath();
    if (chain === undefined) return;
    this.#onGap({ trail: from.trail, afterSeq: from.seq, message: `the trail ${from.trail} of ${this.path} (read up to record ${from.seq}) is no longer beside it: any records after ${from.seq} in it cannot be read; going on with ${chain.header.trail}` });
    this.#open(chain.path, 0, undefined);
  }

  /** The oldest trail file beside the path from which `previous` links lead to the path's own trail. */
  #chainToPath(): { path: string; header: TrailHeader } | undefined {
    const live = headerOf(this.path);
    if (live === undefined) return undefined;
    let oldest = { path: this.path, header: live.header };
    for (let link = live.header.previous; link !== undefined; ) {
      const at = this.#locate(link.trail);
      const found = at === undefined ? undefined : headerOf(at);
      if (at === undefined || found === undefined) break;
      oldest = { path: at, header: found.header };
      link = found.header.previous;
    }
    return oldest;
  }

  #open(path: string, seq: number, offset: number | undefined): void {
    let fd: number;
    try {
      fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw new AuditError(`cannot read the audit trail ${path}: ${(error as Error).message}`, { cause: error });
    }
    const head = readHeader(fd);
    if (head === undefined) {
      const size = fstatSync(fd).size;
      closeSync(fd);
      // A file being created has no header yet; anything else without one cannot be followed.
      if (size < MAX_HEADER_BYTES) return;
      throw new AuditError(`${path} has no eventspec trail header: it was written before trails had headers, or is no trail. Rotate it (rename it away) so the sink starts a headed trail.`);
    }
    const stat = fstatSync(fd);
    const file: OpenFile = { fd, path, header: head.header, dataStart: head.dataStart, dev: stat.dev, ino: stat.ino };
    const start = offset ?? head.dataStart;
    if (offset !== undefined) this.#checkPosition(file, seq, start);
    this.#file = file;
    this.#seq = seq;
    this.#offset = start;
  }

  /** A checkpoint must land just after its record: anything else means it belongs to another file. */
  #checkPosition(file: OpenFile, seq: number, offset: number): void {
    const fits = (): boolean => {
      if (offset === file.dataStart) return seq === 0;
      if (offset < file.dataStart || seq === 0) return false;
      const end = readAt(file.fd, offset - 1, 1);
      if (end[0] !== 0x0a) return false;
      const before = readAt(file.fd, Math.max(file.dataStart, offset - 1 - CHUNK), Math.min(CHUNK, offset - 1 - file.dataStart));
      const line = before.subarray(before.lastIndexOf(0x0a) + 1).toString('utf8');
      const record = decodeRecord(line);
      // A line longer than the chunk is not checked whole; its number is still in its first bytes.
      return record.ok ? record.seq === seq : line.startsWith(`{"seq":${seq},`);
    };
    if (!fits()) {
      closeSync(file.fd);
      throw new AuditError(`the position (record ${seq} at byte ${offset}) does not fit the trail ${file.header.trail} in ${file.path}: it was saved for another file. Remove the checkpoint to start the trail from its beginning.`);
    }
  }

  #readAvailable(file: OpenFile, max: number): FollowedRecord[] {
    const records: FollowedRecord[] = [];
    // Caught up: a poll costs one fstat, no read.
    const size = fstatSync(file.fd).size;
    if (size <= this.#offset) return records;
    let length = Math.min(CHUNK, size - this.#offset);
    while (records.length < max) {
      const bytes = readAt(file.fd, this.#offset, length);
      let start = 0;
      for (let end = bytes.indexOf(0x0a); end !== -1 && records.length < max; end = bytes.indexOf(0x0a, start)) {
        const line = bytes.subarray(start, end).toString('utf8');
        const record = decodeRecord(line);
        const due = this.#seq + 1;
        if (!record.ok || record.seq !== due) {
          throw new AuditError(`${file.path}: byte ${this.#offset + start}: ${record.ok ? `record ${record.seq} where ${due} was due` : `damaged audit record (${record.reason})`}; the relay stops here rather than skip it`);
        }
        start = end + 1;
        this.#seq = due;
        records.push({
          position: { trail: file.header.trail, seq: due, offset: this.#offset + start },
          event: record.event,
          ingested: record.ingested === true,
          ...(record.redacted === undefined ? {} : { redacted: record.redacted }),
          ...(record.trace === undefined ? {} : { trace: record.trace }),
        });
      }
      this.#offset += start;
      // A whole chunk without a line end: a record longer than the chunk, read with a larger one.
      if (start === 0 && bytes.length === length && this.#offset + length < fstatSync(file.fd).size) length *= 2;
      else if (start === 0 || bytes.length < length) break;
      else length = CHUNK;
    }
    return records;
  }

  /** At the end of the file: moves to where the trail goes on, if it does; true when it moved. */
  #advance(file: OpenFile): boolean {
    const stat = fstatSync(file.fd);
    const atPath = statSync(this.path, { throwIfNoEntry: false });
    if (stat.size < this.#offset) {
      // Emptied in place (copytruncate): the rest of this trail, if any, is in the copy.
      const copy = this.#locate(file.header.trail, file.ino);
      if (copy !== undefined && statSync(copy).size > this.#offset) {
        closeSync(file.fd);
        this.#open(copy, this.#seq, this.#offset);
        return true;
      }
      return this.#moveToSuccessor(file, undefined);
    }
    if (atPath !== undefined && atPath.ino === file.ino && atPath.dev === file.dev) return false;
    // The path names another file, or none: this one was rotated away or deleted. Bytes left
    // after its last line are a record torn by a crash, once its writer has moved on.
    return this.#moveToSuccessor(file, atPath === undefined ? undefined : headerOf(this.path)?.header);
  }

  #moveToSuccessor(file: OpenFile, next: TrailHeader | undefined): boolean {
    const successor = next ?? headerOf(this.path)?.header;
    if (successor === undefined || successor.trail === file.header.trail) return false;
    if (successor.previous?.trail === file.header.trail) {
      if (successor.previous.seq > this.#seq) {
        this.#onGap({ trail: file.header.trail, afterSeq: this.#seq, lastSeq: successor.previous.seq, message: `records ${this.#seq + 1} to ${successor.previous.seq} of the trail ${file.header.trail} are not in any file beside ${this.path} (lost when the file was rotated, truncated or deleted)` });
      }
    } else if (hasWriter(file.fd)) {
      // A new trail not linked to this one: move on once nobody writes this one any more.
      return false;
    }
    closeSync(file.fd);
    this.#file = undefined;
    this.#open(this.path, 0, undefined);
    return this.#file !== undefined;
  }

  /** The file beside the path (the path itself first) whose header names `trail`. */
  #locate(trail: string, excludeIno?: number): string | undefined {
    const directory = dirname(this.path);
    const name = basename(this.path);
    let entries: string[];
    try {
      entries = readdirSync(directory);
    } catch {
      return undefined;
    }
    const candidates = [name, ...entries.filter((entry) => entry !== name && entry.startsWith(name) && !entry.endsWith('.owner'))].map((entry) => join(directory, entry));
    for (const candidate of candidates) {
      const stat = lstatSync(candidate, { throwIfNoEntry: false });
      if (stat === undefined || !stat.isFile() || stat.ino === excludeIno) continue;
      if (headerOf(candidate)?.header.trail === trail) return candidate;
    }
    return undefined;
  }
}
