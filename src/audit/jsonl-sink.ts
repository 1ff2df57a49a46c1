/**
 * The embedded audit trail: an append-only JSON-lines file, one checksummed, numbered record per
 * event (see `record.ts`).
 *
 * - `sync`: each `append` writes its line and fdatasyncs before it returns, so an event that
 *   `emit` returned is on disk.
 * - `batched`: `append` queues the line; a group commit writes and fdatasyncs every few
 *   milliseconds or every N events. `flush()` and `close()` resolve once everything appended
 *   before them is on disk. A crash can lose what was appended since the last commit.
 *
 * Opening the file checks every record. A torn last record (a crash mid-write) is reported and
 * cut off; damage anywhere before the last record is refused, since no crash causes it. A failed
 * write or fsync is fatal: the sink stops taking events, and `emit` throws `AuditError`.
 */
import { closeSync, existsSync, fchmodSync, fdatasync, fdatasyncSync, fstatSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, statSync, write, writeSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { AuditError } from '../errors.ts';
import { decodeRecord, encodeRecord } from './record.ts';
import { redactingEncoder, type StoreRedacted } from './redacted.ts';
import type { AnyEvent, AuditSink } from './sink.ts';

const writeAsync = promisify(write);
const fdatasyncAsync = promisify(fdatasync);

export type Durability = 'sync' | 'batched';

export interface JsonlAuditSinkOptions {
  readonly durability?: Durability;
  /** `batched`: the longest a record waits for its commit, in milliseconds. */
  readonly batchIntervalMs?: number;
  /** `batched`: commit as soon as this many records wait. */
  readonly batchSize?: number;
  /**
   * Permissions of the audit file (default `0o600`: it holds every payload, sensitive values
   * included, so only its owner may read it). A new file is created with them, an existing one
   * is tightened to them; directories the sink creates get `0o700`.
   */
  readonly fileMode?: number;
  /**
   * Store each value the catalogue marks `x-sensitive` masked, or as a keyed hash, instead of in
   * clear: for a trail that leaves the machine. Such records cannot be replayed in full.
   */
  readonly redact?: StoreRedacted;
}

/** What opening the file found. */
export interface AuditRecovery {
  /** Complete records in the file. */
  readonly records: number;
  /** Bytes of a torn last record that were cut off (0 when the file was whole). */
  readonly truncatedBytes: number;
  /** Why the cut-off record was not whole, when there was one. */
  readonly reason?: string;
}

function scan(path: string): { recovery: AuditRecovery; goodBytes: number } {
  const bytes = readFileSync(path);
  let offset = 0;
  let records = 0;
  while (offset < bytes.length) {
    const end = bytes.indexOf(0x0a, offset);
    const lineEnd = end === -1 ? bytes.length : end;
    const decoded = decodeRecord(bytes.subarray(offset, lineEnd).toString('utf8'));
    const problem = end === -1 ? 'no line end (torn write)' : !decoded.ok ? decoded.reason : decoded.seq !== records + 1 ? `sequence ${decoded.seq} where ${records + 1} was due` : undefined;
    if (problem !== undefined) {
      // Only the last record can be torn by a crash; anything earlier is damage to refuse.
      if (end !== -1 && end + 1 < bytes.length) {
        throw new AuditError(`${path}:${records + 1}: damaged audit record (${problem}); it is not the last record, so this is not a torn write. Refusing to append.`);
      }
      return { recovery: { records, truncatedBytes: bytes.length - offset, reason: problem }, goodBytes: offset };
    }
    records++;
    offset = lineEnd + 1;
  }
  return { recovery: { records, truncatedBytes: 0 }, goodBytes: bytes.length };
}

function syncDirectory(directory: string): void {
  const fd = openSync(directory, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
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

export class JsonlAuditSink implements AuditSink {
  readonly path: string;
  readonly durability: Durability;
  readonly recovery: AuditRecovery;
  readonly #fd: number;
  readonly #batchIntervalMs: number;
  readonly #batchSize: number;
  readonly #encode: (seq: number, event: AnyEvent) => Uint8Array;
  #nextSeq: number;
  #failure: Error | undefined;
  #closed = false;
  // batched mode
  #pending: Uint8Array[] = [];
  #timer: NodeJS.Timeout | undefined;
  #committing: Promise<void> | undefined;
  #appendedSeq: number;
  #durableSeq: number;
  #waiters: { seq: number; resolve: () => void; reject: (error: Error) => void }[] = [];

  /** Opens (or creates) the file, cutting off a torn last record; see `recovery` for what was found. */
  constructor(path: string, options: JsonlAuditSinkOptions = {}) {
    this.path = path;
    this.durability = options.durability ?? 'sync';
    this.#batchIntervalMs = options.batchIntervalMs ?? 5;
    this.#batchSize = options.batchSize ?? 256;
    this.#encode = options.redact === undefined ? encodeRecord : redactingEncoder(options.redact);
    const fileMode = options.fileMode ?? 0o600;
    ensureDirectory(path);
    const existed = existsSync(path);
    let recovery: AuditRecovery = { records: 0, truncatedBytes: 0 };
    // Only a regular file holds records; a device such as /dev/full is written, never scanned.
    if (existed && statSync(path).isFile()) {
      const scanned = scan(path);
      recovery = scanned.recovery;
      if (recovery.truncatedBytes > 0) {
        const fd = openSync(path, 'r+');
        try {
          ftruncateSync(fd, scanned.goodBytes);
          fsyncSync(fd);
        } finally {
          closeSync(fd);
        }
      }
    }
    this.#fd = openSync(path, 'a', fileMode);
    const stat = fstatSync(this.#fd);
    // Tighten a file made before (or by another tool) to the mode; a device is left alone.
    if (stat.isFile() && (stat.mode & 0o777 & ~fileMode) !== 0) fchmodSync(this.#fd, stat.mode & 0o777 & fileMode);
    // A new file's directory entry must reach the disk too, or the whole file can vanish.
    if (!existed) syncDirectory(dirname(path));
    this.recovery = recovery;
    this.#nextSeq = recovery.records + 1;
    this.#appendedSeq = recovery.records;
    this.#durableSeq = recovery.records;
  }

  append(event: AnyEvent): void {
    if (this.#failure !== undefined) throw new AuditError(`the audit sink failed earlier and takes no more events: ${this.#failure.message}`, { cause: this.#failure });
    if (this.#closed) throw new AuditError(`the audit sink for ${this.path} is closed`);
    const record = this.#encode(this.#nextSeq, event);
    if (this.durability === 'sync') {
      try {
        let written = 0;
        while (written < record.length) written += writeSync(this.#fd, record, written);
        fdatasyncSync(this.#fd);
      } catch (error) {
        throw new AuditError(`could not record the event in ${this.path}: ${(error as Error).message}`, { cause: this.#fail(error) });
      }
      this.#nextSeq++;
      this.#appendedSeq++;
      this.#durableSeq++;
      return;
    }
    this.#pending.push(record);
    this.#nextSeq++;
    this.#appendedSeq++;
    if (this.#pending.length >= this.#batchSize) this.#schedule(0);
    else this.#schedule(this.#batchIntervalMs);
  }

  flush(): Promise<void> {
    if (this.#failure !== undefined) return Promise.reject(new AuditError(`the audit sink failed: ${this.#failure.message}`, { cause: this.#failure }));
    if (this.#durableSeq >= this.#appendedSeq) return Promise.resolve();
    const seq = this.#appendedSeq;
    this.#schedule(0);
    return new Promise((resolve, reject) => this.#waiters.push({ seq, resolve, reject }));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    try {
      await this.flush();
    } finally {
      this.#closed = true;
      clearTimeout(this.#timer);
      closeSync(this.#fd);
    }
  }

  #fail(error: unknown): Error {
    this.#failure = error instanceof Error ? error : new Error(String(error));
    return this.#failure;
  }

  #schedule(delayMs: number): void {
    if (this.#committing !== undefined) return; // the running commit reschedules when it ends
    if (this.#timer !== undefined) {
      if (delayMs > 0) return;
      clearTimeout(this.#timer);
    }
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#committing = this.#commit().finally(() => {
        this.#committing = undefined;
        if (this.#pending.length > 0 && this.#failure === undefined) this.#schedule(this.#waiters.length > 0 ? 0 : this.#batchIntervalMs);
      });
    }, delayMs);
  }

  async #commit(): Promise<void> {
    const batch = this.#pending;
    this.#pending = [];
    const upTo = this.#durableSeq + batch.length;
    try {
      const bytes = Buffer.concat(batch);
      let written = 0;
      while (written < bytes.length) written += (await writeAsync(this.#fd, bytes, written)).bytesWritten;
      await fdatasyncAsync(this.#fd);
      this.#durableSeq = upTo;
      const ready = this.#waiters.filter((waiter) => waiter.seq <= upTo);
      this.#waiters = this.#waiters.filter((waiter) => waiter.seq > upTo);
      for (const waiter of ready) waiter.resolve();
    } catch (error) {
      const failure = new AuditError(`could not commit audit records to ${this.path}: ${(error as Error).message}`, { cause: this.#fail(error) });
      for (const waiter of this.#waiters) waiter.reject(failure);
      this.#waiters = [];
    }
  }
}
