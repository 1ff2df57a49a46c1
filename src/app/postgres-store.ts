/**
 * The services' state in PostgreSQL: plans and decisions as rows (the record as JSON), each unit
 * of work one transaction of the outbox, so a state change and its events commit together. A
 * record read in a unit of work is locked (`FOR UPDATE`) until it ends: two transitions of one
 * plan run one after the other, and their events reach the outbox in that order.
 */
import { outboxTableSql, PostgresOutbox, type ConnectionPool, type Queryable } from 'eventspec/postgres';
import { eventRegistry, type PayloadMap } from '../../generated/index.ts';
import type { DecisionRecord, PlanRecord, Records, Store, UnitOfWork } from './store.ts';

export interface PostgresStoreOptions {
  /** Prepended to the table names (default `app_`): `app_plans`, `app_decisions`, `app_outbox`. */
  readonly prefix?: string;
}

class RowRecords<T extends { readonly id: string }> implements Records<T> {
  readonly #client: Queryable;
  readonly #table: string;

  constructor(client: Queryable, table: string) {
    this.#client = client;
    this.#table = table;
  }

  async get(id: string): Promise<T | undefined> {
    const { rows } = await this.#client.query(`SELECT record FROM "${this.#table}" WHERE id = $1 FOR UPDATE`, [id]);
    return (rows[0] as { record: T } | undefined)?.record;
  }

  async put(record: T): Promise<void> {
    await this.#client.query(`INSERT INTO "${this.#table}" (id, record) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET record = EXCLUDED.record`, [record.id, JSON.stringify(record)]);
  }
}

export class PostgresStore implements Store {
  readonly outbox: PostgresOutbox<PayloadMap>;
  readonly #pool: ConnectionPool;
  readonly #plans: string;
  readonly #decisions: string;

  constructor(pool: ConnectionPool, options: PostgresStoreOptions = {}) {
    const prefix = options.prefix ?? 'app_';
    if (!/^[a-z_][a-z0-9_]{0,40}$/.test(prefix)) throw new RangeError(`table prefix ${JSON.stringify(prefix)}: expected lower-case letters, digits and _`);
    this.#pool = pool;
    this.#plans = `${prefix}plans`;
    this.#decisions = `${prefix}decisions`;
    this.outbox = new PostgresOutbox({ registry: eventRegistry, table: `${prefix}outbox` });
  }

  /** Creates the tables (records and outbox) when they do not exist. */
  async createTables(): Promise<void> {
    const client = await this.#pool.connect();
    try {
      for (const table of [this.#plans, this.#decisions]) await client.query(`CREATE TABLE IF NOT EXISTS "${table}" (id text PRIMARY KEY, record jsonb NOT NULL)`);
      await client.query(outboxTableSql({ table: this.outbox.names.name }));
    } finally {
      client.release();
    }
  }

  run<T>(work: (unit: UnitOfWork) => Promise<T>): Promise<T> {
    return this.outbox.transaction(this.#pool, ({ client, events }) => work({
      plans: new RowRecords<PlanRecord>(client, this.#plans),
      decisions: new RowRecords<DecisionRecord>(client, this.#decisions),
      events,
    }));
  }
}
