/**
 * Opening an audit trail's file for writing: never through a symbolic link, never a file that is
 * not a trail, one writer at a time, and recovered from its end in constant memory whatever its
 * size. A new or empty file gets a header (see `record.ts`); a torn last record is cut off; a
 * complete record with a valid checksum never is.
 */
import { closeSync, constants, fdatasyncSync, fstatSync, fsyncSync, ftruncateSync, lstatSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { AuditError } from '../events/errors.ts';
import { createIdGenerator } from '../bus/ids.ts';
import { describeOwner, tryLockFile } from './file-lock.ts';
import { readAt, syncDirectory } from './file-io.ts';
import { decodeHeader, decodeRecord, encodeHeader, HEADER_PREFIX, MAX_HEADER_BYTES, type TrailHeader, type TrailLink } from './record.ts';

/** What opening the file found. */
export interface AuditRecovery {
  /** Complete records in the file. */
  readonly records: number;
  /** Bytes of a torn last record that were cut off (0 when the file was whole). */
  readonly truncatedBytes: number;
  /** Why the cut-off record was not whole, when there was one. */
  readonly reason?: string;
}

/** An open trail file, ready for appending. */
export interface OpenTrail {
  readonly fd: number;
  /** Undefined for a file written before trails had headers, and for a device. */
  readonly header: TrailHeader | undefined;
  readonly recovery: AuditRecovery;
  /** The file's size once recovered: where the next record goes. */
  readonly size: number;
  /** A character device such as /dev/full: written, never read, locked or headed. */
  readonly device: boolean;
  readonly dev: number;
  readonly ino: number;
}

export interface OpenTrailOptions {
  readonly fileMode: number;
  readonly lock: boolean;
  /** Written into a new file's header: the trail this one continues. */
  readonly previous?: TrailLink;
}

const LEGACY_START = '{"seq":1,"crc":"';
const CHUNK = 64 * 1024;
const trailIds = createIdGenerator();

/** The header of a new trail, continuing `previous` when given. */
export function newHeader(previous?: TrailLink): TrailHeader {
  return { format: 'eventspec-audit', version: 1, trail: trailIds(), created: new Date().toISOString(), ...(previous === undefined ? {} : { previous }) };
}

function fsError(path: string, doing: string, error: unknown): AuditError {
  // Node's messages start with the code (`EROFS: read-only file system, open '…'`).
  return new AuditError(`cannot ${doing} the audit trail ${path}: ${(error as Error).message}`, { cause: error });
}

/** Creates the file's missing directories (0700), each made durable in its parent. */
function ensureDirectory(path: string): void {
  const directory = resolve(dirname(path));
  const first = mkdirSync(directory, { recursive: true, mode: 0o700 });
  if (first === undefined) return;
  syncDirectory(dirname(first));
  let current = first;
  // The last directory is synced when the file is created in it.
  for (const part of relative(first, directory).split(sep).filter(Boolean)) {
    syncDirectory(current);
    current = join(current, part);
  }
}

/** The offset of the last line feed in [from, before), or -1; reads backwards a chunk at a time. */
function lastNewline(fd: number, from: number, before: number): number {
  for (let end = before; end > from; end -= CHUNK) {
    const start = Math.max(from, end - CHUNK);
    const at = readAt(fd, start, end - start).lastIndexOf(0x0a);
    if (at !== -1) return start + at;
  }
  return -1;
}

/** The complete line that ends with the line feed at `newline`, and where it starts. */
function lineBefore(fd: number, dataStart: number, newline: number): { start: number; text: string } {
  const start = lastNewline(fd, dataStart, newline) + 1 || dataStart;
  return { start, text: readAt(fd, start, newline - start).toString('utf8') };
}

/**
 * Where the intact records end, looking only at the last two lines. A tail with no line end is
 * torn; so is a last line that is no intact record, when the line before it is one. A last
 * record out of sequence with the one before is damage, not a tear.
 */
function recover(fd: number, path: string, dataStart: number, size: number): { recovery: AuditRecovery; goodEnd: number } {
  if (size === dataStart) return { recovery: { records: 0, truncatedBytes: 0 }, goodEnd: size };
  const newline = lastNewline(fd, dataStart, size);
  let goodEnd = newline + 1 || dataStart;
  let reason: string | undefined = goodEnd < size ? 'no line end (torn write)' : undefined;
  if (goodEnd === dataStart) return { recovery: { records: 0, truncatedBytes: size - goodEnd, reason: reason ?? 'no line end (torn write)' }, goodEnd };
  let last = lineBefore(fd, dataStart, goodEnd - 1);
  let decoded = decodeRecord(last.text);
  if (!decoded.ok) {
    if (reason !== undefined) throw new AuditError(`${path}: damaged audit record before the torn last one (${decoded.reason}); this is not what a crash leaves. Refusing to append.`);
    reason = decoded.reason;
    goodEnd = last.start;
    if (goodEnd === dataStart) return { recovery: { records: 0, truncatedBytes: size - goodEnd, reason }, goodEnd };
    last = lineBefore(fd, dataStart, goodEnd - 1);
    decoded = decodeRecord(last.text);
    if (!decoded.ok) throw new AuditError(`${path}: damaged audit record (${decoded.reason}); it is not the last record, so this is not a torn write. Refusing to append.`);
  }
  if (last.start === dataStart && decoded.seq !== 1) throw new AuditError(`${path}: the first audit record is number ${decoded.seq}, not 1. Refusing to append.`);
  if (last.start > dataStart) {
    const before = decodeRecord(lineBefore(fd, dataStart, last.start - 1).text);
    if (!before.ok) throw new AuditError(`${path}: damaged audit record before record ${decoded.seq} (${before.reason}); it is not the last record, so this is not a torn write. Refusing to append.`);
    if (before.seq !== decoded.seq - 1) throw new AuditError(`${path}: audit record ${decoded.seq} follows record ${before.seq}: records are missing or repeated (two writers?). Refusing to append.`);
  }
  return { recovery: reason === undefined ? { records: decoded.seq, truncatedBytes: 0 } : { records: decoded.seq, truncatedBytes: size - goodEnd, reason }, goodEnd };
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let written = 0;
  while (written < bytes.length) written += writeSync(fd, bytes, written);
}

/** Reads what the file starts with: a header, the first record of a headerless trail, or something else. */
function readHead(fd: number, path: string, size: number): { header: TrailHeader | undefined; dataStart: number } | 'torn header' {
  const head = readAt(fd, 0, Math.min(size, MAX_HEADER_BYTES)).toString('utf8');
  if (head.startsWith(HEADER_PREFIX) || (size < HEADER_PREFIX.length && HEADER_PREFIX.startsWith(head))) {
    const end = head.indexOf('\n');
    // Only a crash while the file was being created leaves a header without its line end.
    if (end === -1) {
      if (size <= MAX_HEADER_BYTES) return 'torn header';
      throw new AuditError(`${path}: its first line is not a trail header. Refusing to touch it.`);
    }
    const decoded = decodeHeader(head.slice(0, end));
    if (!decoded.ok) throw new AuditError(`${path}: ${decoded.reason}. Refusing to touch it.`);
    return { header: decoded.header, dataStart: Buffer.byteLength(head.slice(0, end + 1)) };
  }
  if (head.startsWith(LEGACY_START)) return { header: undefined, dataStart: 0 };
  throw new AuditError(`${path} is not an audit trail (it starts ${JSON.stringify(head.slice(0, 32))}): the sink writes only to a new file, an empty one, or one of its own trails, and changes nothing else.`);
}

/** Opens (creating when missing) the trail at `path`; see the module comment. Throws `AuditError`. */
export function openTrail(path: string, options: OpenTrailOptions): OpenTrail {
  let fd: number;
  let created = false;
  try {
    ensureDirectory(path);
    const flags = constants.O_RDWR | constants.O_APPEND | constants.O_NOFOLLOW;
    try {
      fd = openSync(path, flags | constants.O_CREAT | constants.O_EXCL, options.fileMode);
      created = true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      fd = openSync(path, flags);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP' && lstatSync(path, { throwIfNoEntry: false })?.isSymbolicLink() === true) {
      throw new AuditError(`${path} is a symbolic link: the audit sink never follows one (it could empty another file); give it the real path.`);
    }
    throw fsError(path, 'open', error);
  }
  try {
    return prepare(fd, path, created, options);
  } catch (error) {
    closeSync(fd);
    throw error instanceof AuditError ? error : fsError(path, 'open', error);
  }
}

function prepare(fd: number, path: string, created: boolean, options: OpenTrailOptions): OpenTrail {
  const before = fstatSync(fd);
  if (!before.isFile()) return { fd, header: undefined, recovery: { records: 0, truncatedBytes: 0 }, size: 0, device: true, dev: before.dev, ino: before.ino };
  // A file that is not a trail is refused before anything, the lock's owner label included, is written.
  if (before.size > 0) readHead(fd, path, before.size);
  if (options.lock && !tryLockFile(fd, path, options.fileMode)) {
    throw new AuditError(`${path} is already being written by ${describeOwner(path)}: a trail takes one writer at a time. Stop that process, or give this one its own trail.`);
  }
  // Read again under the lock: the last writer may have appended meanwhile.
  const stat = fstatSync(fd);
  const head = stat.size === 0 ? 'torn header' : readHead(fd, path, stat.size);
  if (head === 'torn header') {
    // A new file, an empty one, or one whose creation a crash interrupted: it holds no record.
    if (stat.size > 0) ftruncateSync(fd, 0);
    const header = newHeader(options.previous);
    const bytes = encodeHeader(header);
    writeAll(fd, bytes);
    fdatasyncSync(fd);
    // A new file's directory entry must reach the disk too, or the whole file can vanish.
    if (created) syncDirectory(dirname(resolve(path)));
    const recovery = stat.size === 0 ? { records: 0, truncatedBytes: 0 } : { records: 0, truncatedBytes: stat.size, reason: 'torn trail header' };
    return { fd, header, recovery, size: bytes.length, device: false, dev: stat.dev, ino: stat.ino };
  }
  const { recovery, goodEnd } = recover(fd, path, head.dataStart, stat.size);
  if (goodEnd < stat.size) {
    ftruncateSync(fd, goodEnd);
    fsyncSync(fd);
  }
  return { fd, header: head.header, recovery, size: goodEnd, device: false, dev: stat.dev, ino: stat.ino };
}
