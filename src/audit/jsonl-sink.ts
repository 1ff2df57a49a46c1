/**
 * The embedded audit trail: an append-only JSON-lines file that starts with a header naming the
 * format and the trail, then one checksummed, numbered record per event (see `record.ts`).
 *
 * - `sync`: each `append` writes its line and fdatasyncs before it returns, so an event that
 *   `emit` returned is on disk.
 * - `batched`: `append` queues the line; a group commit writes and fdatasyncs every few
 *   milliseconds or every N events. `flush()` and `close()` resolve once everything appended
 *   before them is on disk. A normal exit (`process.exit`, the event loop running dry) and an
 *   uncaught exception write and sync what waits; a SIGKILL or a power cut loses what was
 *   appended since the last commit.
 *
 * The sink owns its file: it opens no symbolic link and no file that is not a trail, takes an OS
 * lock so one process writes a trail at a time, and recovers a torn last record from the end of
 * the file in constant memory (`trail-file.ts`). Before each write it checks that its file is
 * still the one at its path, whole: a file renamed away (rotation) or deleted is followed by a
 * new trail at the path, a file truncated to nothing (logrotate's `copytruncate`) gets a new
 * header, and each is reported (`onTrailChange`, by default a process warning); a file someone
 * else wrote into is a failure. A failed write or fsync is fatal: the sink stops taking events,
 * and `emit` throws `AuditError`.
 */
import { closeSync, fdatasync, fdatasyncSync, fstatSync, statSync, writeSync } from 'node:fs';
import { promisify } from 'node:util';
import { AuditError } from '../events/errors.ts';
import { removeOwnerLabel } from './file-lock.ts';
import { encodeHeader, encodeRecordBody, frameRecord, type RecordMarks, type TrailLink } from './record.ts';
import { redactingEncoder, type StoreRedacted } from './redacted.ts';
import type { AnyEvent, AppendOptions, AuditSink } from './sink.ts';
import { newHeader, openTrail, type AuditRecovery, type OpenTrail } from './trail-file.ts';

export type { AuditRecovery } from './trail-file.ts';

const fdatasyncAsync = promisify(fdatasync);

export type Durability = 'sync' | 'batched';

/** The file at the sink's path changed under it, and what the sink did about it. */
export interface TrailChange {
  /**
   * `renamed`: the file was moved away (rotation) and a new trail opened at the path;
   * `deleted`: the file was removed, with the records it held, and a new trail opened;
   * `truncated`: the file was emptied in place (copytruncate) and given a new header.
   */
  readonly reason: 'renamed' | 'deleted' | 'truncated';
  readonly path: string;
  /** The trail that ended, and its last record (absent for a trail written before headers). */
  readonly previous?: TrailLink;
  /** The new trail's id. */
  readonly trail: string;
  readonly message: string;
}

export interface JsonlAuditSinkOptions {
  readonly durability?: Durability;
  /** `batched`: the longest a record waits for its commit, in milliseconds. */
  readonly batchIntervalMs?: number;
  /** `batched`: commit as soon as this many records wait. */
  readonly batchSize?: number;
  /**
   * Permissions of a file the sink creates (default `0o600`: it holds every payload, sensitive
   * values included, so only its owner may read it); directories it creates get `0o700`. An
   * existing file keeps its own.
   */
  readonly fileMode?: number;
  /**
   * Store each value the catalogue marks `x-sensitive` masked, or as a keyed hash, instead of in
   * clear: for a trail that leaves the machine. Such records cannot be replayed in full.
   */
  readonly redact?: StoreRedacted;
  /** Take the OS lock that keeps a second process from writing the trail (default true). */
  readonly lock?: boolean;
  /** Told when the file was rotated, deleted or truncated under the sink (default: `process.emitWarning`). */
  readonly onTrailChange?: (change: TrailChange) => void;
}

/** Batched sinks whose waiting records a normal exit or an uncaught exception must still write. */
const flushOnExit = new Set<() => void>();
let exitHooked = false;

function hookExit(flush: () => void): void {
  flushOnExit.add(flush);
  if (exitHooked) return;
  exitHooked = true;
  // 'exit' runs for process.exit(), an empty event loop and an uncaught exception alike.
  process.on('exit', () => {
    for (const each of flushOnExit) each();
  });
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let written = 0;
  while (written < bytes.length) written += writeSync(fd, bytes, written);
}

function warn(change: TrailChange): void {
  process.emitWarning(change.message, { type: 'AuditTrailWarning', code: `EVENTSPEC_AUDIT_${change.reason.toUpperCase()}` });
}

export class JsonlAuditSink implements AuditSink {
  readonly path: string;
  readonly durability: Durability;
  /** What opening the file found. */
  readonly recovery: AuditRecovery;
  readonly #batchIntervalMs: number;
  readonly #batchSize: number;
  readonly #encode: (event: AnyEvent, marks?: RecordMarks) => string;
  readonly #fileMode: number;
  readonly #lock: boolean;
  readonly #onTrailChange: (change: TrailChange) => void;
  #file: OpenTrail;
  /** Where the next record goes: the file's size as this sink wrote it. */
  #size: number;
  #nextSeq: number;
  #failure: Error | undefined;
  #closed = false;
  // batched mode: record bodies waiting for their commit, and appends counted for flush()
  #pending: string[] = [];
  #timer: NodeJS.Timeout | undefined;
  #committing: Promise<void> | undefined;
  #appended = 0;
  #durable = 0;
  #waiters: { upTo: number; resolve: () => void; reject: (error: Error) => void }[] = [];
  readonly #exitFlush = (): void => this.#flushSync();

  /** Opens (or creates) the trail, cutting off a torn last record; see `recovery` for what was found. Throws `AuditError`. */
  constructor(path: string, options: JsonlAuditSinkOptions = {}) {
    this.path = path;
    this.durability = options.durability ?? 'sync';
    this.#batchIntervalMs = options.batchIntervalMs ?? 5;
    this.#batchSize = options.batchSize ?? 256;
    this.#encode = options.redact === undefined ? encodeRecordBody : redactingEncoder(options.redact);
    this.#fileMode = options.fileMode ?? 0o600;
    this.#lock = options.lock ?? true;
    this.#onTrailChange = options.onTrailChange ?? warn;
    this.#file = openTrail(path, { fileMode: this.#fileMode, lock: this.#lock });
    this.recovery = this.#file.recovery;
    this.#size = this.#file.size;
    this.#nextSeq = this.recovery.records + 1;
    if (this.durability === 'batched') hookExit(this.#exitFlush);
  }

  /** The id of the trail the sink writes now (it changes when the file is rotated); undefined for a device or a trail written before headers. */
  get trail(): string | undefined {
    return this.#file.header?.trail;
  }

  append(event: AnyEvent, options?: AppendOptions): void {
    if (this.#failure !== undefined) throw new AuditError(`the audit sink failed earlier and takes no more events: ${this.#failure.message}`, { cause: this.#failure });
    if (this.#closed) throw new AuditError(`the audit sink for ${this.path} is closed`);
    const marks: RecordMarks | undefined = options === undefined ? undefined : { ...(options.ingested === true ? { ingested: true } : {}), ...(options.trace === undefined ? {} : { trace: options.trace }) };
    // Redacted already (a service that may not read sensitive values): stored as it came, marked so.
    const body = options?.redacted === undefined ? this.#encode(event, marks) : encodeRecordBody(event, { ...marks, redacted: options.redacted });
    this.#appended++;
    if (this.durability === 'sync') {
      try {
        this.#write([body]);
        fdatasyncSync(this.#file.fd);
      } catch (error) {
        throw this.#fail(error, `could not record the event in ${this.path}`);
      }
      this.#durable = this.#appended;
      return;
    }
    this.#pending.push(body);
    if (this.#pending.length >= this.#batchSize) this.#schedule(0);
    else this.#schedule(this.#batchIntervalMs);
  }

  flush(): Promise<void> {
    if (this.#failure !== undefined) return Promise.reject(new AuditError(`the audit sink failed: ${this.#failure.message}`, { cause: this.#failure }));
    if (this.#durable >= this.#appended) return Promise.resolve();
    const upTo = this.#appended;
    this.#schedule(0);
    return new Promise((resolve, reject) => this.#waiters.push({ upTo, resolve, reject }));
  }

  /** Flushes, then releases the file and its lock (at once when nothing waits). */
  async close(): Promise<void> {
    if (this.#closed) return;
    if (this.#durable < this.#appended && this.#failure === undefined) {
      try {
        await this.flush();
      } finally {
        this.#release();
      }
      return;
    }
    this.#release();
  }

  #release(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    flushOnExit.delete(this.#exitFlush);
    if (this.#lock && !this.#file.device && this.#isAtPath()) removeOwnerLabel(this.path);
    closeSync(this.#file.fd);
  }

  #fail(error: unknown, doing: string): AuditError {
    const cause = error instanceof Error ? error : new Error(String(error));
    const failure = error instanceof AuditError ? error : new AuditError(`${doing}: ${cause.message}`, { cause });
    this.#failure = failure;
    return failure;
  }

  /** Numbers the bodies and writes them after checking the file is still this sink's. */
  #write(bodies: readonly string[]): void {
    if (!this.#file.device) this.#followFile();
    let text = '';
    for (const body of bodies) text += frameRecord(this.#nextSeq++, body);
    const bytes = Buffer.from(text, 'utf8');
    writeAll(this.#file.fd, bytes);
    this.#size += bytes.length;
  }

  #isAtPath(): boolean {
    const atPath = statSync(this.path, { throwIfNoEntry: false });
    return atPath !== undefined && atPath.ino === this.#file.ino && atPath.dev === this.#file.dev;
  }

  /** Notices a file rotated, deleted, truncated or written by someone else since the last write. */
  #followFile(): void {
    const stat = fstatSync(this.#file.fd);
    const previous = this.#file.header === undefined ? undefined : { trail: this.#file.header.trail, seq: this.#nextSeq - 1 };
    if (stat.nlink === 0) return this.#reopen('deleted', previous, `${this.path} was deleted while the sink wrote it: its ${this.#nextSeq - 1} records are gone from the disk`);
    if (stat.size > this.#size) throw new AuditError(`${this.path} grew by ${stat.size - this.#size} bytes that this sink did not write: another program writes into the trail. The sink stops rather than interleave with it.`);
    if (stat.size < this.#size) {
      if (stat.size > 0) throw new AuditError(`${this.path} was cut to ${stat.size} of the ${this.#size} bytes this sink wrote. The sink stops rather than write after a partial record.`);
      // Emptied in place: a copy of it, if one was made, holds the trail up to here.
      const header = newHeader(previous);
      const bytes = encodeHeader(header);
      writeAll(this.#file.fd, bytes);
      this.#file = { ...this.#file, header };
      this.#size = bytes.length;
      this.#nextSeq = 1;
      return this.#report('truncated', previous, `${this.path} was truncated under the sink (copytruncate?); the trail goes on as ${this.#file.header?.trail ?? ''}`);
    }
    if (!this.#isAtPath()) this.#reopen('renamed', previous, `${this.path} was moved away (rotation); its trail ends at record ${this.#nextSeq - 1}`);
  }

  #reopen(reason: 'renamed' | 'deleted', previous: TrailLink | undefined, what: string): void {
    closeSync(this.#file.fd);
    this.#file = openTrail(this.path, { fileMode: this.#fileMode, lock: this.#lock, ...(previous === undefined ? {} : { previous }) });
    this.#size = this.#file.size;
    this.#nextSeq = this.#file.recovery.records + 1;
    this.#report(reason, previous, `${what}; the trail goes on as ${this.#file.header?.trail ?? 'a trail without header'} in a new file`);
  }

  #report(reason: TrailChange['reason'], previous: TrailLink | undefined, message: string): void {
    const change: TrailChange = { reason, path: this.path, ...(previous === undefined ? {} : { previous }), trail: this.#file.header?.trail ?? '', message };
    try {
      this.#onTrailChange(change);
    } catch {
      warn(change);
    }
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
    const upTo = this.#durable + batch.length;
    try {
      // Written at once, so the kernel holds the batch even if the process exits during the sync.
      this.#write(batch);
      await fdatasyncAsync(this.#file.fd);
      this.#durable = upTo;
      const ready = this.#waiters.filter((waiter) => waiter.upTo <= upTo);
      this.#waiters = this.#waiters.filter((waiter) => waiter.upTo > upTo);
      for (const waiter of ready) waiter.resolve();
    } catch (error) {
      const failure = this.#fail(error, `could not commit audit records to ${this.path}`);
      for (const waiter of this.#waiters) waiter.reject(failure);
      this.#waiters = [];
    }
  }

  /** The exit hook: writes and syncs whatever waits, synchronously (the process is ending). */
  #flushSync(): void {
    if (this.#closed || this.#failure !== undefined || this.#pending.length === 0) return;
    const batch = this.#pending;
    this.#pending = [];
    try {
      this.#write(batch);
      fdatasyncSync(this.#file.fd);
      this.#durable += batch.length;
    } catch (error) {
      this.#fail(error, `could not write the waiting audit records to ${this.path} at exit`);
    }
  }
}
