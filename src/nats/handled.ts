/**
 * Which events a consumer's handlers have finished, kept where every instance of the consumer and
 * every restart can see it: a JetStream key-value bucket. It is what stops a late duplicate (the
 * same event published again after the stream's duplicate window) or a redelivery whose ack was
 * lost from reaching the handlers a second time.
 */
import { closeSync, existsSync, fdatasync, fsyncSync, openSync, readFileSync, renameSync, write, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import type { NatsConnection } from '@nats-io/nats-core';
import { Kvm, type KV } from '@nats-io/kv';

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
}

const writeAsync = promisify(write);
const fdatasyncAsync = promisify(fdatasync);
const SAFE_KEY = /^[A-Za-z0-9_-]{1,200}$/;
const MARK = new Uint8Array(0);

/** A KV key for any id: ULIDs and other plain ids as they are, anything else in base64url. */
export function handledKey(id: string): string {
  return SAFE_KEY.test(id) ? id : `b64.${Buffer.from(id, 'utf8').toString('base64url')}`;
}

/** `HandledEvents` in a JetStream key-value bucket, one key per event id. */
export class KvHandledEvents implements HandledEvents {
  readonly #kv: KV;

  private constructor(kv: KV) {
    this.#kv = kv;
  }

  /** Opens the bucket, creating it when it does not exist. */
  static async open(nc: NatsConnection, options: KvHandledEventsOptions): Promise<KvHandledEvents> {
    const kv = await new Kvm(nc).create(options.bucket, { history: 1, ttl: options.ttlMs ?? 7 * 86_400_000, replicas: options.replicas ?? 1, storage: 'file' });
    return new KvHandledEvents(kv);
  }

  async has(id: string): Promise<boolean> {
    const entry = await this.#kv.get(handledKey(id));
    return entry !== null && entry.operation === 'PUT';
  }

  async add(id: string): Promise<void> {
    await this.#kv.put(handledKey(id), MARK);
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
