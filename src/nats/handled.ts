/**
 * Which events a consumer's handlers have finished, kept where every instance of the consumer and
 * every restart can see it: a JetStream key-value bucket. It is what stops a late duplicate (the
 * same event published again after the stream's duplicate window) or a redelivery whose ack was
 * lost from reaching the handlers a second time.
 */
import { closeSync, existsSync, fdatasync, fsyncSync, openSync, readFileSync, renameSync, write, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import type { NatsConnection, QueuedIterator } from '@nats-io/nats-core';
import { Kvm, type KV, type KvWatchEntry } from '@nats-io/kv';

/** A record of the events whose handlers all finished. */
export interface HandledEvents {
  /** Whether every handler of the event finished, in this process or any earlier one. */
  has(id: string): Promise<boolean>;
  /** Records that every handler of the event finished; resolves once the record is durable. */
  add(id: string): Promise<void>;
}

export interface KvHandledEventsOptions {
  /** The bucket (default `eventspec_handled_<stream>_<durable>`). */
  readonly bucket: string;
  /** How long an id is remembered (default 7 days, the stream's default retention). */
  readonly ttlMs?: number;
  /** Copies across a cluster (default 1). */
  readonly replicas?: number;
  /** Ids held in memory for lookups without a request (default 1,000,000); past that, lookups of ids not held are `get`s. */
  readonly keep?: number;
}

const writeAsync = promisify(write);
const fdatasyncAsync = promisify(fdatasync);
const SAFE_KEY = /^[A-Za-z0-9_-]{1,200}$/;
const MARK = new Uint8Array(0);
const DEFAULT_TTL_MS = 7 * 86_400_000;

/** A write waiting for the watch to deliver a revision of its key newer than `after`. */
interface Confirmation {
  readonly after: number;
  readonly stored: () => void;
}

/** A lookup waiting for the watch to reach the bucket's revision at the time it was asked. */
interface Waiter {
  readonly revision: number;
  readonly resolve: (caughtUp: boolean) => void;
  /** Gives up on the watch after a second: the lookup is then a `get`. */
  readonly timer: NodeJS.Timeout;
}

/** A KV key for any id: ULIDs and other plain ids as they are, anything else in base64url. */
export function handledKey(id: string): string {
  return SAFE_KEY.test(id) ? id : `b64.${Buffer.from(id, 'utf8').toString('base64url')}`;
}

/**
 * `HandledEvents` in a JetStream key-value bucket, one key per event id, shared by every instance
 * of the consumer. A lookup costs no request of its own: the bucket is followed (a KV watch) into
 * an index in memory, and a lookup that the index does not answer "handled" waits until the watch
 * has delivered everything the bucket held when the lookup was asked, which one `status` request
 * tells for all the lookups asked meanwhile. So the answer is the bucket's as of the lookup (every
 * event recorded before it, by any instance, counts), as a `get` would give. Where the index cannot
 * say (it was cut to `keep` ids, or the watch lags more than a second), the lookup is a `get`.
 */
export class KvHandledEvents implements HandledEvents {
  readonly #kv: KV;
  readonly #ttlMs: number;
  readonly #keep: number;
  /** Each key the watch (or this process's own write) showed, with when it was written; oldest first. */
  readonly #index = new Map<string, number>();
  /** Whether the index holds every key the bucket holds: false once cut to `keep`, or once the watch failed. */
  #complete = true;
  /** The highest bucket revision (its stream's sequence) the watch has delivered. */
  #seen = 0;
  #waiting: Waiter[] = [];
  /** The next `status` request, while it has not been sent: every lookup asked until then shares it. */
  #nextStatus: Promise<{ readonly last: number; readonly messages: number }> | undefined;
  #watcher: QueuedIterator<KvWatchEntry> | undefined;
  readonly #nc: NatsConnection;
  /** The bucket's subject prefix (`$KV.<bucket>.`), when its stream is the plain one a bucket has. */
  #subjects: string | undefined;
  /** Writes waiting for the watch to show them stored, by key. */
  readonly #confirmations = new Map<string, Confirmation[]>();

  private constructor(nc: NatsConnection, kv: KV, options: KvHandledEventsOptions) {
    this.#nc = nc;
    this.#kv = kv;
    this.#ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
    this.#keep = options.keep ?? 1_000_000;
  }

  /** Opens the bucket, creating it when it does not exist, and starts following it. */
  static async open(nc: NatsConnection, options: KvHandledEventsOptions): Promise<KvHandledEvents> {
    const kv = await new Kvm(nc).create(options.bucket, { history: 1, ttl: options.ttlMs ?? DEFAULT_TTL_MS, replicas: options.replicas ?? 1, storage: 'file' });
    const handled = new KvHandledEvents(nc, kv, options);
    const subjects = (await kv.status()).streamInfo.config.subjects ?? [];
    if (subjects.length === 1 && subjects[0] === `$KV.${options.bucket}.>`) handled.#subjects = `$KV.${options.bucket}.`;
    try {
      handled.#watcher = await kv.watch({ headers_only: true });
    } catch {
      // Without a watch the record still works, a request per lookup and per write.
      handled.#complete = false;
      return handled;
    }
    void handled.#follow(handled.#watcher);
    return handled;
  }

  async has(id: string): Promise<boolean> {
    const key = handledKey(id);
    if (this.#index.has(key)) return true;
    if (this.#complete && (await this.#caughtUp())) return this.#index.has(key);
    const entry = await this.#kv.get(key);
    return entry !== null && entry.operation === 'PUT';
  }

  /**
   * Records the id with a plain publish into the bucket (no acknowledgement, so no request per
   * event), confirmed when the watch delivers it back: then it is stored, as an acknowledged `put`
   * would say. Not seen within two seconds (the server away, the bucket gone), it is `put` and
   * acknowledged instead, or the failure is thrown.
   */
  add(id: string): Promise<void> {
    const key = handledKey(id);
    if (!this.#complete || this.#subjects === undefined) return this.#put(key);
    return new Promise((resolve, reject) => {
      const confirm: Confirmation = {
        after: this.#seen,
        stored: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.#unconfirmed(key, confirm);
        this.#put(key).then(resolve, reject);
      }, 2000);
      timer.unref();
      const waiting = this.#confirmations.get(key);
      if (waiting === undefined) this.#confirmations.set(key, [confirm]);
      else waiting.push(confirm);
      try {
        this.#nc.publish(`${this.#subjects}${key}`, MARK);
      } catch {
        // Closed or draining: the acknowledged put below says what is wrong.
        clearTimeout(timer);
        this.#unconfirmed(key, confirm);
        this.#put(key).then(resolve, reject);
      }
    });
  }

  async #put(key: string): Promise<void> {
    await this.#kv.put(key, MARK);
    this.#record(key, Date.now());
  }

  #unconfirmed(key: string, confirm: Confirmation): void {
    this.#keepConfirmations(key, (each) => each !== confirm);
  }

  /** Keeps the key's confirmations that `still` accepts, and returns the others. */
  #keepConfirmations(key: string, still: (each: Confirmation) => boolean): Confirmation[] {
    const kept: Confirmation[] = [];
    const left: Confirmation[] = [];
    for (const each of this.#confirmations.get(key) ?? []) (still(each) ? kept : left).push(each);
    if (kept.length === 0) this.#confirmations.delete(key);
    else this.#confirmations.set(key, kept);
    return left;
  }

  /** Stops following the bucket (its records stay). */
  close(): void {
    this.#complete = false;
    this.#watcher?.stop();
    this.#release(false);
  }

  async #follow(watcher: QueuedIterator<KvWatchEntry>): Promise<void> {
    try {
      for await (const entry of watcher) {
        if (entry.operation === 'PUT') {
          this.#record(entry.key, entry.created.getTime());
          // Any write of the key after the confirmation was asked for is a record of the id.
          if (this.#confirmations.has(entry.key)) for (const each of this.#keepConfirmations(entry.key, (confirm) => entry.revision <= confirm.after)) each.stored();
        } else this.#index.delete(entry.key);
        if (entry.revision > this.#seen) this.#seen = entry.revision;
        if (this.#waiting.length > 0) this.#release(true);
      }
    } catch {
      // The bucket went away, or the connection did: lookups fall back to `get`, which reports it.
    }
    this.#complete = false;
    this.#release(false);
  }

  #record(key: string, writtenMs: number): void {
    this.#index.delete(key);
    this.#index.set(key, writtenMs);
    // What the bucket's own age limit removed is gone there too: dropping it loses nothing (a
    // minute later than the server would, so a clock ahead of the server's drops nothing early).
    const expired = Date.now() - this.#ttlMs - 60_000;
    for (const [oldest, at] of this.#index) {
      if (at >= expired && this.#index.size <= this.#keep) break;
      if (at >= expired) this.#complete = false;
      this.#index.delete(oldest);
    }
  }

  /** Whether the watch delivered everything the bucket held when this was asked; false after a second without. */
  async #caughtUp(): Promise<boolean> {
    const status = await this.#status();
    if (status.messages === 0 || this.#seen >= status.last) return true;
    return new Promise((resolve) => {
      const waiter: Waiter = {
        revision: status.last,
        resolve,
        timer: setTimeout(() => {
          this.#waiting = this.#waiting.filter((each) => each !== waiter);
          resolve(false);
        }, 1000).unref(),
      };
      this.#waiting.push(waiter);
    });
  }

  #status(): Promise<{ readonly last: number; readonly messages: number }> {
    // Sent on the next turn, after the lookups asked in this one: each must see what was recorded before it was asked.
    this.#nextStatus ??= new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
      this.#nextStatus = undefined;
      const { streamInfo } = await this.#kv.status();
      return { last: streamInfo.state.last_seq, messages: streamInfo.state.messages };
    });
    return this.#nextStatus;
  }

  #release(caughtUp: boolean): void {
    const still: Waiter[] = [];
    for (const waiter of this.#waiting) {
      if (caughtUp && this.#seen < waiter.revision) {
        still.push(waiter);
        continue;
      }
      clearTimeout(waiter.timer);
      waiter.resolve(caughtUp);
    }
    this.#waiting = still;
  }
}

/** `HandledEvents` in this process's memory only: for tests, and for consumers that accept handlers running twice after a restart. */
export class MemoryHandledEvents implements HandledEvents {
  readonly #ids = new Set<string>();

  async has(id: string): Promise<boolean> {
    return this.#ids.has(id);
  }

  async add(id: string): Promise<void> {
    this.#ids.add(id);
  }
}

export interface FileHandledEventsOptions {
  /** Ids kept (in memory and in the file); the oldest are forgotten first (default 1,000,000). */
  readonly keep?: number;
  /** The longest an id waits for its group commit, in milliseconds (default 5). */
  readonly batchIntervalMs?: number;
}

/**
 * `HandledEvents` in a local file, one id per line, appended in group commits (written and
 * fdatasync'd every few milliseconds): no request to the server per event, so a consumer keeps
 * the plain client's throughput. It covers one consumer process and its restarts on the same
 * disk, like the local audit trail; instances sharing a durable consumer need the shared
 * `KvHandledEvents`. The file is created 0600.
 */
export class FileHandledEvents implements HandledEvents {
  readonly #ids = new Set<string>();
  readonly #keep: number;
  readonly #batchIntervalMs: number;
  readonly #fd: number;
  #pending: { id: string; resolve: () => void; reject: (error: Error) => void }[] = [];
  #timer: NodeJS.Timeout | undefined;
  #committed: Promise<void> = Promise.resolve();

  constructor(path: string, options: FileHandledEventsOptions = {}) {
    this.#keep = options.keep ?? 1_000_000;
    this.#batchIntervalMs = options.batchIntervalMs ?? 5;
    const existing = existsSync(path) ? readFileSync(path, 'utf8').split('\n') : [];
    // A torn last line (a crash mid-write) has no line end: it was never confirmed, so it is dropped.
    const ids = existing.slice(0, -1).slice(-this.#keep);
    for (const id of ids) this.#ids.add(id);
    if (existing.length - 1 > ids.length || (existing.at(-1) ?? '') !== '') {
      // Compact (or repair) by writing the kept ids beside the file and renaming it over.
      const temporary = `${path}.tmp-${process.pid}`;
      writeFileSync(temporary, ids.map((id) => `${id}\n`).join(''), { mode: 0o600 });
      const fd = openSync(temporary, 'r');
      fsyncSync(fd);
      closeSync(fd);
      renameSync(temporary, path);
    }
    this.#fd = openSync(path, 'a', 0o600);
  }

  async has(id: string): Promise<boolean> {
    return this.#ids.has(id);
  }

  add(id: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ id, resolve, reject });
      this.#timer ??= setTimeout(() => {
        this.#timer = undefined;
        // Commits run one after another; each takes what waits when it starts.
        this.#committed = this.#committed.then(() => this.#commit());
      }, this.#batchIntervalMs);
    });
  }

  /** Commits what waits, then releases the file. */
  async close(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#committed = this.#committed.then(() => this.#commit());
    await this.#committed;
    closeSync(this.#fd);
  }

  async #commit(): Promise<void> {
    const batch = this.#pending;
    this.#pending = [];
    if (batch.length === 0) return;
    try {
      const bytes = Buffer.from(batch.map((each) => `${each.id}\n`).join(''), 'utf8');
      let written = 0;
      while (written < bytes.length) written += (await writeAsync(this.#fd, bytes, written)).bytesWritten;
      await fdatasyncAsync(this.#fd);
    } catch (error) {
      for (const each of batch) each.reject(error as Error);
      return;
    }
    for (const each of batch) {
      this.#ids.add(each.id);
      if (this.#ids.size > this.#keep) this.#ids.delete(this.#ids.values().next().value as string);
      each.resolve();
    }
  }
}
