/**
 * Publishes the PostgreSQL outbox to NATS JetStream. Each batch is one transaction: it claims
 * the oldest waiting rows (`FOR UPDATE SKIP LOCKED`) of the subjects no other relay holds (a
 * transaction-scoped advisory lock per event type), publishes them in order with each event's id
 * as the message id, marks them published once the stream acknowledged, and commits. Several
 * relays on one table share the work and keep per-subject order; a relay killed mid-batch leaves
 * its rows waiting (the transaction rolls back) for the next one, and the stream's duplicate
 * window and the consumers' handled records drop what it had sent. It wakes on `LISTEN` and
 * polls as a fallback, retries with a growing pause while the broker is away, and deletes
 * published rows after `keepPublishedMs`.
 */
import type { NatsConnection } from '@nats-io/nats-core';
import { traceContext } from '../events/trace-context.ts';
import type { DomainEvent } from '../bus/bus.ts';
import { defaultLogger, type Logger } from '../bus/logger.ts';
import { NatsEventPublisher, type RedactOnPublish } from '../nats/publisher.ts';
import type { StreamOptions } from '../nats/streams.ts';
import { outboxNames, type OutboxNames, type PooledConnection } from './outbox.ts';

/** A connection that can `LISTEN`: node-postgres's `PoolClient`. */
export interface ListeningConnection extends PooledConnection {
  on(event: 'notification', listener: (message: { channel: string }) => void): unknown;
}

export interface OutboxRelayOptions extends StreamOptions, RedactOnPublish {
  /** The CloudEvents `source` of the events. */
  readonly source: string;
  readonly table?: string;
  readonly channel?: string;
  /** Rows claimed and published per transaction (default 256). */
  readonly batchSize?: number;
  /** How often to look for rows when no notification came (default 1 s). */
  readonly pollIntervalMs?: number;
  /** How long published rows are kept before they are deleted (default 1 hour). */
  readonly keepPublishedMs?: number;
  /** The first pause after a failure, doubled after each further one (default 100 ms), up to `maxRetryDelayMs` (5 s). */
  readonly retryDelayMs?: number;
  readonly maxRetryDelayMs?: number;
  /** How long one publish waits for the stream's acknowledgement (default 5 s). */
  readonly publishTimeoutMs?: number;
  readonly logger?: Logger;
  /** Hears every failed batch (it is retried). */
  readonly onError?: (error: Error) => void;
}

export interface OutboxRelayStatus {
  /** Rows published (and marked) since the relay started. */
  readonly published: number;
  /** Failed batches in a row. */
  readonly failures: number;
  readonly lastError?: string;
}

/** Advisory-lock keys of this relay: one class for the outbox, one key per event type. */
const LOCK_CLASS = 0x65_76_73_70; // "evsp"

/** Where the relay takes connections from: node-postgres's `Pool`. */
export interface ListeningPool {
  connect(): Promise<ListeningConnection>;
}

type Pool = ListeningPool;

export class PostgresOutboxRelay {
  readonly #pool: Pool;
  readonly #options: OutboxRelayOptions;
  readonly #names: OutboxNames;
  readonly #publisher: NatsEventPublisher;
  readonly #logger: Logger;
  #stopped = false;
  #listener: ListeningConnection | undefined;
  #wake: (() => void) | undefined;
  #running: Promise<void> | undefined;
  #published = 0;
  #failures = 0;
  #lastError: string | undefined;
  #lastPrune = 0;

  constructor(nc: NatsConnection, pool: Pool, options: OutboxRelayOptions) {
    this.#pool = pool;
    this.#options = options;
    this.#names = outboxNames(options);
    this.#publisher = new NatsEventPublisher(nc, { ...options, attempts: 1, timeoutMs: options.publishTimeoutMs ?? 5000 });
    this.#logger = options.logger ?? defaultLogger('a PostgresOutboxRelay');
  }

  /** Starts listening and relaying; the streams are checked (or created) first, retried while the broker is away. */
  async start(): Promise<void> {
    await this.#listen();
    this.#running = this.#run();
  }

  status(): OutboxRelayStatus {
    return { published: this.#published, failures: this.#failures, ...(this.#lastError === undefined ? {} : { lastError: this.#lastError }) };
  }

  /**
   * Stops within `timeoutMs` (default 10 s), after publishing every waiting row when `drain` is
   * set. A batch not committed by then is rolled back with its connection: its rows wait for the next relay.
   */
  async close(options: { readonly drain?: boolean; readonly timeoutMs?: number } = {}): Promise<OutboxRelayStatus> {
    const deadline = Date.now() + (options.timeoutMs ?? 10_000);
    if (options.drain === true) {
      while (Date.now() < deadline && (await this.#waiting().catch(() => 0)) > 0) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    this.#stopped = true;
    this.#wake?.();
    await Promise.race([this.#running, new Promise((resolve) => setTimeout(resolve, Math.max(0, deadline - Date.now())))]);
    await this.#publisher.close({ timeoutMs: Math.max(0, deadline - Date.now()) });
    const listener = this.#listener;
    this.#listener = undefined;
    if (listener !== undefined) {
      await listener.query(`UNLISTEN ${this.#names.channel}`).catch(() => undefined);
      listener.release();
    }
    return this.status();
  }

  /** Rows that wait to be published. */
  async #waiting(): Promise<number> {
    const { rows } = await this.#pool.connect().then(async (client) => {
      try {
        return await client.query(`SELECT count(*)::int AS waiting FROM ${this.#names.table} WHERE published_at IS NULL`);
      } finally {
        client.release();
      }
    });
    return (rows[0] as { waiting: number } | undefined)?.waiting ?? 0;
  }

  async #listen(): Promise<void> {
    try {
      const listener = await this.#pool.connect();
      listener.on('notification', () => this.#wake?.());
      await listener.query(`LISTEN ${this.#names.channel}`);
      this.#listener = listener;
    } catch (error) {
      // Polling still finds every row; only the latency suffers.
      this.#report(error as Error, 'the outbox relay could not LISTEN; polling only');
    }
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      try {
        await this.#publisher.start();
        break;
      } catch (error) {
        this.#failed(error as Error);
        await this.#pause(this.#retryDelay());
      }
    }
    while (!this.#stopped) {
      let published: number;
      try {
        published = await this.#batch();
        this.#failures = 0;
        await this.#prune();
      } catch (error) {
        this.#failed(error as Error);
        await this.#pause(this.#retryDelay());
        continue;
      }
      if (published === 0) await this.#pause(this.#options.pollIntervalMs ?? 1000);
    }
  }

  /** One transaction: claim, publish, mark, commit. Resolves with the rows published. */
  async #batch(): Promise<number> {
    const client = await this.#pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const { rows } = await client.query(
        `SELECT position, event::text AS event, traceparent, tracestate FROM ${this.#names.table}
          WHERE published_at IS NULL AND pg_try_advisory_xact_lock(${LOCK_CLASS}, hashtext(event_type))
          ORDER BY position LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [this.#options.batchSize ?? 256],
      );
      const claimed = rows as { position: string; event: string; traceparent: string | null; tracestate: string | null }[];
      if (claimed.length === 0) {
        await client.query('COMMIT');
        return 0;
      }
      // Sent back to back on one connection, so the stream stores them in position order.
      // Each with the trace context it was emitted in, so the send span continues the producer's trace.
      await Promise.all(claimed.map((row) => this.#publisher.publish(JSON.parse(row.event) as DomainEvent<Record<string, unknown>, string>, row.traceparent === null ? undefined : traceContext(row.traceparent, row.tracestate))));
      await client.query(`UPDATE ${this.#names.table} SET published_at = now() WHERE position = ANY($1::bigint[])`, [claimed.map((row) => row.position)]);
      await client.query('COMMIT');
      this.#published += claimed.length;
      return claimed.length;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: unknown) => {
        broken = rollbackError as Error;
      });
      throw error;
    } finally {
      client.release(broken);
    }
  }

  async #prune(): Promise<void> {
    const keep = this.#options.keepPublishedMs ?? 3_600_000;
    if (Date.now() - this.#lastPrune < Math.min(60_000, keep)) return;
    this.#lastPrune = Date.now();
    const client = await this.#pool.connect();
    try {
      await client.query(`DELETE FROM ${this.#names.table} WHERE published_at < now() - make_interval(secs => $1)`, [keep / 1000]);
    } finally {
      client.release();
    }
  }

  #pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = done;
    });
  }

  #retryDelay(): number {
    return Math.min(this.#options.maxRetryDelayMs ?? 5000, (this.#options.retryDelayMs ?? 100) * 2 ** Math.min(this.#failures - 1, 16));
  }

  #failed(error: Error): void {
    this.#failures++;
    this.#lastError = error.message;
    this.#report(error, 'the outbox relay failed a batch; retrying');
  }

  #report(error: Error, message: string): void {
    try {
      this.#logger.warn({ err: error, table: this.#names.table, failures: this.#failures }, message);
      this.#options.onError?.(error);
    } catch {
      // A failing logger or hook must not stop the relay.
    }
  }
}
