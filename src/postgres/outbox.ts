/**
 * A transactional outbox in PostgreSQL: an event is written in the same transaction as the state
 * change it announces, so a rolled-back transaction announces nothing and a committed one cannot
 * lose its event. Events are validated, stamped and frozen exactly as `emit` does (the outbox's
 * transaction bus is a bus like the others), through the generated typed helpers:
 *
 *   await outbox.transaction(pool, async ({ client, events }) => {
 *     await client.query('UPDATE plans SET status = $1 WHERE id = $2', ['approved', planId]);
 *     emitPlanApproved(events, { planId, approvedBy });
 *   });
 *
 * The rows are inserted just before COMMIT, with a `NOTIFY` that PostgreSQL delivers only once
 * the transaction commits; `PostgresOutboxRelay` publishes them to NATS.
 */
import type { TraceContext } from '../events/trace-context.ts';
import type { AnyEvent, AppendOptions, AuditSink } from '../audit/sink.ts';
import { BaseEventBus, type BusOptions } from '../bus/bus-core.ts';
import type { DomainEvent, EventRegistry } from '../bus/bus.ts';
import { AuditError } from '../events/errors.ts';
import { createIdGenerator, type IdGenerator } from '../bus/ids.ts';
import type { Logger } from '../bus/logger.ts';

/** What the outbox needs of a connection: node-postgres's `Client`, `PoolClient` and `Pool` all have it. */
export interface Queryable {
  query(text: string, values?: unknown[]): Promise<{ readonly rows: unknown[]; readonly rowCount: number | null }>;
}

/** A connection taken from a pool: node-postgres's `PoolClient`. */
export interface PooledConnection extends Queryable {
  release(error?: Error | boolean): void;
}

/** Where connections come from: node-postgres's `Pool`. */
export interface ConnectionPool {
  connect(): Promise<PooledConnection>;
}

export interface OutboxOptions<M> {
  readonly registry: EventRegistry<M>;
  /** The outbox table, optionally schema-qualified (default `eventspec_outbox`). */
  readonly table?: string;
  /** The channel `NOTIFY` wakes relays on (default: the table's name with `_ready`). */
  readonly channel?: string;
  /** Handler failures of the transaction buses' own subscribers, if any, are logged here. */
  readonly logger?: Logger;
  readonly now?: () => number;
  readonly ids?: IdGenerator;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** The table and channel names, checked: they are written into SQL. */
export interface OutboxNames {
  /** The table, quoted for SQL. */
  readonly table: string;
  /** The table's bare name, for the index and the default channel. */
  readonly name: string;
  readonly channel: string;
}

export function outboxNames(options: { readonly table?: string; readonly channel?: string } = {}): OutboxNames {
  const parts = (options.table ?? 'eventspec_outbox').split('.');
  if (parts.length > 2 || !parts.every((part) => IDENTIFIER.test(part))) throw new RangeError(`outbox table ${JSON.stringify(options.table)}: expected a lower-case SQL name, optionally schema-qualified (schema.table)`);
  const name = parts.at(-1) ?? 'eventspec_outbox';
  const channel = options.channel ?? `${name}_ready`;
  if (!IDENTIFIER.test(channel)) throw new RangeError(`outbox channel ${JSON.stringify(channel)}: expected a lower-case SQL name`);
  return { table: parts.map((part) => `"${part}"`).join('.'), name, channel };
}

/**
 * The outbox table: one row per event in commit order (`position`), the event as JSON, and when
 * the stream acknowledged it (`published_at`); a partial index finds what waits.
 */
export function outboxTableSql(options: { readonly table?: string } = {}): string {
  const { table, name } = outboxNames(options);
  return `CREATE TABLE IF NOT EXISTS ${table} (
  position     bigserial PRIMARY KEY,
  event_id     text NOT NULL UNIQUE,
  event_type   text NOT NULL,
  event        json NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  published_at timestamptz
);
-- The W3C trace context each event was emitted in (OpenTelemetry), for the relay to continue.
ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS traceparent text, ADD COLUMN IF NOT EXISTS tracestate text;
CREATE INDEX IF NOT EXISTS "${name}_pending" ON ${table} (position) WHERE published_at IS NULL;
`;
}

/** Creates the outbox table and its index when they do not exist (see `outboxTableSql`). */
export async function createOutboxTable(connection: Queryable, options: { readonly table?: string } = {}): Promise<void> {
  await connection.query(outboxTableSql(options));
}

/** Events emitted in one transaction wait here until `write()` inserts them on its connection. */
class PendingEvents implements AuditSink {
  events: AnyEvent[] = [];
  /** The trace context of each event, by its place in `events`. */
  traces: (TraceContext | undefined)[] = [];
  #closed = false;

  append(event: AnyEvent, options?: AppendOptions): void {
    if (this.#closed) throw new AuditError('this transaction is over: its outbox takes no more events');
    this.events.push(event);
    this.traces.push(options?.trace);
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {
    this.#closed = true;
  }
}

/**
 * The bus of one transaction: `emit` (and the generated helpers) validate and stamp the event
 * and keep it for `write()`, which inserts every kept event on the transaction's connection.
 * Its own subscribers, if any, hear each event at emit, before the transaction commits.
 */
export class OutboxTransaction<M> extends BaseEventBus<M> {
  readonly #connection: Queryable;
  readonly #names: OutboxNames;
  readonly #pending: PendingEvents;

  /** Made by `PostgresOutbox.events`. */
  constructor(connection: Queryable, names: OutboxNames, options: BusOptions<M>) {
    const pending = new PendingEvents();
    super({ ...options, audit: pending });
    this.#connection = connection;
    this.#names = names;
    this.#pending = pending;
  }

  /** The events emitted and not yet written. */
  get pending(): readonly DomainEvent<M>[] {
    return this.#pending.events as unknown as readonly DomainEvent<M>[];
  }

  /**
   * Inserts the events emitted so far, and a `NOTIFY` for the relays, on the transaction's
   * connection; call it before COMMIT (`PostgresOutbox.transaction` does). Resolves with how many
   * were written.
   */
  async write(): Promise<number> {
    const { events, traces } = this.#pending;
    if (events.length === 0) return 0;
    this.#pending.events = [];
    this.#pending.traces = [];
    const values: unknown[] = [];
    const rows = events.map((event, index) => {
      const trace = traces[index];
      values.push(event.id, event.type, JSON.stringify(event), trace?.traceparent ?? null, trace?.tracestate ?? null);
      const first = index * 5;
      return `($${first + 1}, $${first + 2}, $${first + 3}, $${first + 4}, $${first + 5})`;
    });
    values.push(this.#names.channel);
    await this.#connection.query(
      `WITH written AS (INSERT INTO ${this.#names.table} (event_id, event_type, event, traceparent, tracestate) VALUES ${rows.join(', ')} RETURNING 1) SELECT pg_notify($${values.length}, count(*)::text) FROM written`,
      values,
    );
    return events.length;
  }

  /** After the transaction: refuses further events. */
  end(): void {
    void this.#pending.close();
  }

  protected publish(): void {}
}

const quiet: Logger = { info() {}, warn() {}, error() {} };

/** The outbox of one table; see the module comment. */
export class PostgresOutbox<M> {
  readonly registry: EventRegistry<M>;
  readonly #names: OutboxNames;
  readonly #busOptions: BusOptions<M>;

  constructor(options: OutboxOptions<M>) {
    this.registry = options.registry;
    this.#names = outboxNames(options);
    const now = options.now ?? Date.now;
    // One id source for every transaction: ids stay monotonic across them.
    this.#busOptions = { registry: options.registry, logger: options.logger ?? quiet, now, ids: options.ids ?? createIdGenerator(now) };
  }

  /** The table and channel this outbox writes. */
  get names(): OutboxNames {
    return this.#names;
  }

  /** A bus for a transaction already open on `connection`: emit on it, then `await write()` before COMMIT. */
  events(connection: Queryable): OutboxTransaction<M> {
    return new OutboxTransaction(connection, this.#names, this.#busOptions);
  }

  /**
   * Runs `work` in a transaction on a connection of `pool`: BEGIN, `work`, the events it emitted
   * written, COMMIT; on any error, ROLLBACK (no event is written) and the error is rethrown.
   */
  async transaction<T>(pool: ConnectionPool, work: (unit: { readonly client: PooledConnection; readonly events: OutboxTransaction<M> }) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    const events = this.events(client);
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await work({ client, events });
      await events.write();
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: unknown) => {
        // The connection itself failed: it goes back to the pool as broken.
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      });
      throw error;
    } finally {
      events.end();
      client.release(broken);
    }
  }
}
