/**
 * The audit trail as the outbox: a relay reads the durable trail from a checkpoint of its own and
 * publishes each event to JetStream with its id as the message id, moving the checkpoint only
 * after the stream acknowledged. Every event the trail holds reaches the stream, whoever crashed
 * when: after a crash of the relay it starts again from its checkpoint (what it had sent since
 * then is dropped by the stream's duplicate window, and later by the consumer's handled record);
 * while the broker is down or paused it retries with a growing pause, holding one window of
 * records in memory; it follows the trail as it grows and across rotation (`TrailFollower`).
 *
 * It runs inside the service's process (`new AuditRelay(nc, options).start()`) or as a process of
 * its own (`eventspec-relay`). Events the trail holds because this process ingested them from
 * elsewhere are not sent on. One relay per checkpoint: a second one is refused (an OS lock).
 */
import { closeSync, constants, fsyncSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { NatsConnection } from '@nats-io/nats-core';
import type { DomainEvent } from '../bus/bus.ts';
import { sleep, TrailFollower, type FollowedRecord, type TrailGap, type TrailPosition } from '../audit/follow.ts';
import { syncDirectory } from '../audit/file-io.ts';
import { describeOwner, removeOwnerLabel, tryLockFile } from '../audit/file-lock.ts';
import { AuditError } from '../events/errors.ts';
import { defaultLogger, type Logger } from '../bus/logger.ts';
import { NatsEventPublisher, type RedactOnPublish } from './publisher.ts';
import { StreamConfigError, type StreamOptions } from './streams.ts';

export type { TrailGap, TrailPosition } from '../audit/follow.ts';

export interface RelayOptions extends StreamOptions, RedactOnPublish {
  /** The audit trail to relay (the path given to `JsonlAuditSink`). */
  readonly trail: string;
  /** Where the relay keeps its position (default `<trail>.relay`). */
  readonly checkpoint?: string;
  /** The CloudEvents `source` of the events. */
  readonly source: string;
  /** Records published before their acknowledgements are awaited together (default 256). */
  readonly window?: number;
  /** How often to look for new records once caught up (default 20 ms). */
  readonly pollIntervalMs?: number;
  /** The first pause after a failed publish, doubled after each further one (default 100 ms). */
  readonly retryDelayMs?: number;
  /** The longest pause between attempts (default 5 s). */
  readonly maxRetryDelayMs?: number;
  /** How long one publish waits for the stream's acknowledgement (default 5 s). */
  readonly publishTimeoutMs?: number;
  /** Warnings (failed publishes, gaps in the trail) go here (default: pino on standard output). */
  readonly logger?: Logger;
  /** Hears every failed attempt, besides the log line. */
  readonly onError?: (error: Error, status: RelayStatus) => void;
  /** Records of the trail that could not be read (rotated away and deleted): logged, and told here. */
  readonly onGap?: (gap: TrailGap) => void;
}

/** How far the relay is. */
export interface RelayStatus {
  /** Events the stream acknowledged since the relay started (duplicates included). */
  readonly published: number;
  /** Records passed over: events ingested from elsewhere. */
  readonly skipped: number;
  /** Where the relay will resume: after the last record the stream acknowledged. */
  readonly checkpoint: TrailPosition | undefined;
  /** Failed attempts in a row (0 once a publish succeeds again). */
  readonly failures: number;
  readonly lastError?: string;
  /** Whether every record of the trail so far is acknowledged. */
  readonly caughtUp: boolean;
}

export interface RelayCloseOptions {
  /** Publish everything the trail holds before stopping (default false: stop after the window in hand). */
  readonly drain?: boolean;
  /** The longest `close` waits, in milliseconds (default 10 s); what is not acknowledged by then stays after the checkpoint, for the next start. */
  readonly timeoutMs?: number;
}

function readCheckpoint(path: string): TrailPosition | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new AuditError(`cannot read the relay checkpoint ${path}: ${(error as Error).message}`, { cause: error });
  }
  const value = JSON.parse(text) as Partial<TrailPosition>;
  if (typeof value.trail !== 'string' || !Number.isSafeInteger(value.seq) || !Number.isSafeInteger(value.offset)) throw new AuditError(`${path} is not a relay checkpoint`);
  return value as TrailPosition;
}

/** Replaces the checkpoint atomically: written beside it, synced, renamed over it. */
function writeCheckpoint(path: string, position: TrailPosition): void {
  const temporary = `${path}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(position)}\n`, { mode: 0o600 });
  const fd = openSync(temporary, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
  syncDirectory(dirname(resolve(path)));
}

export class AuditRelay {
  readonly #options: RelayOptions;
  readonly #checkpointPath: string;
  readonly #publisher: NatsEventPublisher;
  readonly #logger: Logger;
  readonly #stop = new AbortController();
  #follower: TrailFollower | undefined;
  #lockFd: number | undefined;
  #running: Promise<void> | undefined;
  #inHand: FollowedRecord[] = [];
  #checkpoint: TrailPosition | undefined;
  #published = 0;
  #skipped = 0;
  #failures = 0;
  #lastError: string | undefined;
  #fatal: Error | undefined;

  constructor(nc: NatsConnection, options: RelayOptions) {
    this.#options = options;
    this.#checkpointPath = options.checkpoint ?? `${options.trail}.relay`;
    this.#publisher = new NatsEventPublisher(nc, { ...options, attempts: 1, timeoutMs: options.publishTimeoutMs ?? 5000 });
    this.#logger = options.logger ?? defaultLogger('an AuditRelay');
  }

  /**
   * Takes the checkpoint's lock and starts relaying: the streams are checked (or created) first,
   * retried while the broker cannot be reached, so a relay starts whether the broker is up or not.
   */
  async start(): Promise<void> {
    const lockPath = `${this.#checkpointPath}.lock`;
    const fd = openSync(lockPath, constants.O_RDWR | constants.O_CREAT | constants.O_NOFOLLOW, 0o600);
    if (!tryLockFile(fd, this.#checkpointPath, 0o600)) {
      closeSync(fd);
      throw new AuditError(`the relay checkpoint ${this.#checkpointPath} is in use by ${describeOwner(this.#checkpointPath)}: one relay per checkpoint.`);
    }
    this.#lockFd = fd;
    try {
      this.#checkpoint = readCheckpoint(this.#checkpointPath);
    } catch (error) {
      this.#unlock();
      throw error;
    }
    this.#follower = new TrailFollower(this.#options.trail, {
      ...(this.#checkpoint === undefined ? {} : { from: this.#checkpoint }),
      ...(this.#options.pollIntervalMs === undefined ? {} : { pollIntervalMs: this.#options.pollIntervalMs }),
      onGap: (gap) => {
        this.#logger.error({ trail: gap.trail, afterSeq: gap.afterSeq, lastSeq: gap.lastSeq }, gap.message);
        this.#options.onGap?.(gap);
      },
    });
    this.#running = this.#run();
  }

  /** How far the relay is. */
  status(): RelayStatus {
    return {
      published: this.#published,
      skipped: this.#skipped,
      checkpoint: this.#checkpoint,
      failures: this.#failures,
      ...(this.#lastError === undefined ? {} : { lastError: this.#lastError }),
      caughtUp: this.#inHand.length === 0 && (this.#follower?.caughtUp() ?? false),
    };
  }

  /**
   * Stops relaying within `timeoutMs`, after publishing everything the trail holds when `drain`
   * is set; saves the checkpoint and releases it. Records not acknowledged by then stay after the
   * checkpoint and go out at the next start. Rejects with the error that stopped the relay, if one did.
   */
  async close(options: RelayCloseOptions = {}): Promise<RelayStatus> {
    const deadline = Date.now() + (options.timeoutMs ?? 10_000);
    if (options.drain === true) {
      while (Date.now() < deadline && this.#fatal === undefined && !this.status().caughtUp) await new Promise((done) => setTimeout(done, 10));
    }
    this.#stop.abort();
    await Promise.race([this.#running, new Promise((done) => setTimeout(done, Math.max(0, deadline - Date.now())))]);
    await this.#publisher.close({ timeoutMs: Math.max(0, deadline - Date.now()) });
    const status = this.status();
    this.#follower?.close();
    this.#unlock();
    if (this.#fatal !== undefined) throw this.#fatal;
    return status;
  }

  #unlock(): void {
    if (this.#lockFd === undefined) return;
    removeOwnerLabel(this.#checkpointPath);
    closeSync(this.#lockFd);
    this.#lockFd = undefined;
  }

  async #run(): Promise<void> {
    const follower = this.#follower;
    if (follower === undefined) return;
    const signal = this.#stop.signal;
    const window = this.#options.window ?? 256;
    try {
      while (!signal.aborted && !(await this.#attempt(() => this.#publisher.start()))) await this.#backOff(signal);
      while (!signal.aborted) {
        if (this.#inHand.length === 0) this.#inHand = await follower.read(window, signal);
        if (this.#inHand.length === 0) continue;
        const batch = this.#inHand;
        if (!(await this.#attempt(() => this.#publish(batch)))) {
          await this.#backOff(signal);
          continue;
        }
        const last = batch.at(-1);
        if (last !== undefined) {
          writeCheckpoint(this.#checkpointPath, last.position);
          this.#checkpoint = last.position;
        }
        this.#inHand = [];
        this.#failures = 0;
      }
    } catch (error) {
      // A damaged trail or a checkpoint that fits no file: nothing to retry, and nothing to skip.
      this.#fatal = error as Error;
      this.#logger.error({ err: error, trail: this.#options.trail, checkpoint: this.#checkpoint }, 'the relay stopped');
      this.#options.onError?.(error as Error, this.status());
    }
  }

  async #publish(batch: readonly FollowedRecord[]): Promise<void> {
    const sends: Promise<unknown>[] = [];
    let skipped = 0;
    for (const record of batch) {
      if (record.ingested) {
        skipped++;
        continue;
      }
      if (record.redacted !== undefined) throw new AuditError(`record ${record.position.seq} of ${this.#options.trail} was stored with its sensitive values redacted (${record.redacted}): the relay sends only events as they were emitted; relay a trail written without \`redact\``);
      sends.push(this.#publisher.publish(record.event as DomainEvent<Record<string, unknown>, string>, record.trace));
    }
    // Sent back to back on one connection, so the stream stores them in trail order.
    await Promise.all(sends);
    this.#published += sends.length;
    this.#skipped += skipped;
  }

  /** Runs one step that talks to the broker; false when it failed in a way a later attempt may not. */
  async #attempt(step: () => Promise<unknown>): Promise<boolean> {
    try {
      await step();
      return true;
    } catch (error) {
      // A stream configured otherwise, or a record that cannot be sent: no retry helps.
      if (error instanceof AuditError || error instanceof StreamConfigError) throw error;
      this.#failed(error as Error);
      return false;
    }
  }

  #backOff(signal: AbortSignal): Promise<void> {
    return sleep(Math.min(this.#options.maxRetryDelayMs ?? 5000, (this.#options.retryDelayMs ?? 100) * 2 ** Math.min(this.#failures - 1, 16)), signal);
  }

  #failed(error: Error): void {
    this.#failures++;
    this.#lastError = error.message;
    const status = this.status();
    this.#logger.warn({ err: error, failures: this.#failures, checkpoint: this.#checkpoint }, 'the relay could not publish; retrying');
    this.#options.onError?.(error, status);
  }
}
