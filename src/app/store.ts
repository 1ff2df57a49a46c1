/**
 * Where the services keep their state, and the unit of work that changes it together with the
 * events that announce the change: both happen, or neither. `MemoryStore` keeps state in this
 * process and hands the events to the bus once the work succeeded; `PostgresStore`
 * (`postgres-store.ts`) keeps it in PostgreSQL and writes the events to the outbox in the same
 * transaction.
 */
import { BaseEventBus, MemoryAuditSink, type DomainEvent, type EventEmitterLike, type EventMeta } from 'eventspec';
import { eventRegistry, type PayloadMap } from '../../generated/index.ts';

/** A plan as the store keeps it. */
export interface PlanRecord {
  readonly id: string;
  readonly title: string;
  readonly status: 'created' | 'approved' | 'running' | 'paused' | 'completed' | 'failed' | 'cancelled';
  readonly stepCount: number;
  readonly createdAt: number;
  readonly pausedAt?: number;
  /** The next event's place in the chain: the plan's correlation id, caused by its last event. */
  readonly chain: EventMeta;
}

/** A decision as the store keeps it. */
export interface DecisionRecord {
  readonly id: string;
  readonly question: string;
  readonly status: 'requested' | 'recorded' | 'approved' | 'rejected' | 'superseded';
  readonly options: readonly string[];
  readonly choice?: string;
  readonly chain: EventMeta;
}

/** Records of one kind, inside a unit of work. */
export interface Records<T extends { readonly id: string }> {
  /** The record, held for this unit of work (a row lock in PostgreSQL) until it ends. */
  get(id: string): Promise<T | undefined>;
  put(record: T): Promise<void>;
}

export interface UnitOfWork {
  readonly plans: Records<PlanRecord>;
  readonly decisions: Records<DecisionRecord>;
  /** Where the work's events go; absent when the application announces nothing. */
  readonly events?: EventEmitterLike<PayloadMap>;
}

export interface Store {
  /** Runs `work`; its changes and its events are kept together if it succeeds, and dropped together if it throws. */
  run<T>(work: (unit: UnitOfWork) => Promise<T>): Promise<T>;
}

/** Validates and stamps events as the bus does, and keeps them until the work succeeds. */
class StagedEvents extends BaseEventBus<PayloadMap> {
  readonly staged: MemoryAuditSink;

  constructor() {
    const staged = new MemoryAuditSink();
    super({ registry: eventRegistry, audit: staged, logger: { info() {}, warn() {}, error() {} } });
    this.staged = staged;
  }

  protected publish(): void {}
}

class MemoryRecords<T extends { readonly id: string }> implements Records<T> {
  readonly #committed: Map<string, T>;
  readonly changes = new Map<string, T>();

  constructor(committed: Map<string, T>) {
    this.#committed = committed;
  }

  async get(id: string): Promise<T | undefined> {
    return this.changes.get(id) ?? this.#committed.get(id);
  }

  async put(record: T): Promise<void> {
    this.changes.set(record.id, record);
  }

  commit(): void {
    for (const [id, record] of this.changes) this.#committed.set(id, record);
  }
}

/**
 * State in this process. Units of work run one at a time; a unit's changes are applied, and its
 * events delivered to the bus (audited, dispatched), only when it succeeded.
 */
export class MemoryStore implements Store {
  readonly #bus: BaseEventBus<PayloadMap> | undefined;
  readonly #plans = new Map<string, PlanRecord>();
  readonly #decisions = new Map<string, DecisionRecord>();
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: { readonly bus?: BaseEventBus<PayloadMap> } = {}) {
    this.#bus = options.bus;
  }

  run<T>(work: (unit: UnitOfWork) => Promise<T>): Promise<T> {
    const next = this.#queue.then(() => this.#runNow(work));
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async #runNow<T>(work: (unit: UnitOfWork) => Promise<T>): Promise<T> {
    const plans = new MemoryRecords(this.#plans);
    const decisions = new MemoryRecords(this.#decisions);
    const events = this.#bus === undefined ? undefined : new StagedEvents();
    const result = await work({ plans, decisions, ...(events === undefined ? {} : { events }) });
    plans.commit();
    decisions.commit();
    // In order, after the state: the trail records each (a failure to record is AuditError, as for emit).
    for (const event of events?.staged.events ?? []) await this.#bus?.ingest(event as unknown as DomainEvent<PayloadMap>, { own: true });
    return result;
  }
}
