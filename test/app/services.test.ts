/**
 * The plan and decision services, on both stores: in memory with the bus (and its audit trail),
 * and in PostgreSQL with the outbox (the real server of this machine). Every behaviour is checked
 * on each; a rolled-back unit of work leaves no state and no event on either.
 */
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoggingEventBus, MemoryAuditSink, type DomainEvent } from '../../src/index.ts';
import { eventRegistry, type PayloadMap } from '../../generated/index.ts';
import { services } from '../../src/app/composition-root.ts';
import { PostgresStore } from '../../src/app/postgres-store.ts';
import { MemoryStore, type Store } from '../../src/app/store.ts';
import { InvalidTransitionError, type NewPlan } from '../../src/app/plan-lifecycle.ts';
import { CapturingLogger } from '../support/capturing-logger.ts';
import { testPool, uniqueTable } from '../support/postgres.ts';

const alice = { kind: 'user', id: 'alice' } as const;
const runner = { kind: 'agent', id: 'runner-3' } as const;
const draft: NewPlan = { title: 'Migrate', goal: 'Move it', priority: 'high', createdBy: alice, steps: [{ title: 'one' }, { title: 'two' }] };

let pool: pg.Pool;
const prefixes: string[] = [];
beforeAll(() => {
  pool = testPool();
});
afterAll(async () => {
  for (const prefix of prefixes) for (const table of ['plans', 'decisions', 'outbox']) await pool.query(`DROP TABLE IF EXISTS "${prefix}${table}"`);
  await pool.end();
});

interface Wired {
  readonly plans: ReturnType<typeof services>['plans'];
  readonly decisions: ReturnType<typeof services>['decisions'];
  /** Every event the store let out, in order: audited by the bus, or committed to the outbox. */
  events(): Promise<DomainEvent<PayloadMap>[]>;
}

const stores: Record<string, () => Promise<Wired>> = {
  memory: async () => {
    const audit = new MemoryAuditSink();
    const bus = new LoggingEventBus<PayloadMap>({ registry: eventRegistry, audit, logger: new CapturingLogger() });
    return { ...services(new MemoryStore({ bus })), events: async () => audit.events as unknown as DomainEvent<PayloadMap>[] };
  },
  postgres: async () => {
    const prefix = `${uniqueTable('svc')}_`;
    prefixes.push(prefix);
    const store = new PostgresStore(pool, { prefix });
    await store.createTables();
    return { ...services(store), events: async () => ((await pool.query(`SELECT event FROM "${prefix}outbox" ORDER BY position`)).rows as { event: DomainEvent<PayloadMap> }[]).map((row) => row.event) };
  },
};

describe.each(Object.keys(stores))('the services on the %s store', (kind) => {
  const wired = (): Promise<Wired> => (stores[kind] ?? stores['memory'] ?? (() => Promise.reject(new Error('no store'))))();
  const types = async (app: Wired): Promise<string[]> => (await app.events()).map((event) => event.type);

  it('walks a plan created → approved → running ⇄ paused → completed, one event per step, in one chain', async () => {
    const app = await wired();
    const plan = await app.plans.create(draft);
    await app.plans.approve(plan.id, alice);
    await app.plans.start(plan.id, runner);
    await app.plans.pause(plan.id, alice, 'lunch');
    await app.plans.resume(plan.id, alice);
    await app.plans.pause(plan.id, alice, 'again');
    await app.plans.resume(plan.id, alice);
    expect(await app.plans.complete(plan.id, 'done')).toMatchObject({ status: 'completed' });
    const events = await app.events();
    expect(events.map((event) => event.type)).toEqual(['plan.created', 'plan.approved', 'plan.started', 'plan.paused', 'plan.resumed', 'plan.paused', 'plan.resumed', 'plan.completed']);
    const [first, ...rest] = events;
    expect(rest.every((event) => event.correlationId === first?.id)).toBe(true);
    expect(rest.map((event) => event.causationId)).toEqual(events.slice(0, -1).map((event) => event.id));
    expect(events.every((event) => (event.payload as { planId: string }).planId === plan.id)).toBe(true);
    expect(events.at(-1)?.payload).toMatchObject({ stepsCompleted: 2, summary: 'done' });
  });

  it.each([
    ['start before approval', 'start', /cannot start plan .*: it is created \(start needs approved\)/],
    ['pause before start', 'pause', /cannot pause/],
    ['resume what is not paused', 'resume', /cannot resume/],
    ['complete before start', 'complete', /cannot complete/],
    ['fail before start', 'fail', /cannot fail/],
  ] as const)('refuses to %s, changing and emitting nothing', async (_name, step, message) => {
    const app = await wired();
    const plan = await app.plans.create(draft);
    const attempt = (): Promise<unknown> => step === 'start' ? app.plans.start(plan.id, runner) : step === 'pause' ? app.plans.pause(plan.id, alice, 'x') : step === 'resume' ? app.plans.resume(plan.id, alice) : step === 'complete' ? app.plans.complete(plan.id) : app.plans.fail(plan.id, { code: 'X', message: 'x' });
    await expect(attempt()).rejects.toThrow(InvalidTransitionError);
    await expect(attempt()).rejects.toThrow(message);
    expect(await types(app)).toEqual(['plan.created']);
    expect((await app.plans.get(plan.id)).status).toBe('created');
  });

  it('ends a plan for good: nothing leaves completed, failed or cancelled', async () => {
    const app = await wired();
    const plan = await app.plans.create(draft);
    await app.plans.cancel(plan.id, alice, 'not needed');
    await expect(app.plans.approve(plan.id, alice)).rejects.toThrow(InvalidTransitionError);
    await expect(app.plans.cancel(plan.id, alice)).rejects.toThrow(/it is cancelled/);
    expect(await types(app)).toEqual(['plan.created', 'plan.cancelled']);
  });

  it('a unit of work whose event is refused rolls back: no state change, no event', async () => {
    const app = await wired();
    const plan = await app.plans.create(draft);
    await expect(app.plans.approve(plan.id, alice, 'x'.repeat(2001))).rejects.toThrow(/comment: Too long/);
    expect((await app.plans.get(plan.id)).status).toBe('created');
    expect(await types(app)).toEqual(['plan.created']);
  });

  it('requests, records, approves; rejects; supersedes decisions, each with its event in one chain', async () => {
    const app = await wired();
    const question = { question: 'Which region?', options: [{ id: 'eu', label: 'Europe' }, { id: 'us', label: 'US' }], requestedBy: alice };
    const first = await app.decisions.request(question);
    await app.decisions.record(first.id, { choice: 'eu', decidedBy: alice, confidence: 0.9 });
    expect(await app.decisions.approve(first.id, alice)).toMatchObject({ status: 'approved', choice: 'eu' });
    const second = await app.decisions.request(question);
    await app.decisions.record(second.id, { choice: 'us', decidedBy: alice });
    await app.decisions.reject(second.id, alice, 'no');
    const third = await app.decisions.request(question);
    expect((await app.decisions.supersede(second.id, third.id, 'new facts')).status).toBe('superseded');
    const events = await app.events();
    expect(events.map((event) => event.type)).toEqual([
      'decision.requested', 'decision.recorded', 'decision.approved',
      'decision.requested', 'decision.recorded', 'decision.rejected',
      'decision.requested', 'decision.superseded',
    ]);
    expect(events[7]).toMatchObject({ correlationId: events[3]?.id, causationId: events[5]?.id, payload: { supersededBy: third.id } });
  });

  it('refuses a choice that is not an option, approval before a record, and unknown decisions; emitting nothing', async () => {
    const app = await wired();
    const decision = await app.decisions.request({ question: 'Which region?', options: [{ id: 'eu', label: 'Europe' }, { id: 'us', label: 'US' }], requestedBy: alice });
    await expect(app.decisions.record(decision.id, { choice: 'mars', decidedBy: alice })).rejects.toThrow(/the options are eu, us/);
    await expect(app.decisions.approve(decision.id, alice)).rejects.toThrow(/cannot approve decision .*: it is requested/);
    await expect(app.decisions.supersede(decision.id, '01JDQ9C4D5E6F7G8H9J0K1M2NP')).rejects.toThrow(/no decision 01JDQ9C4D5E6F7G8H9J0K1M2NP/);
    expect(await types(app)).toEqual(['decision.requested']);
  });

  it('continues a chain it is given', async () => {
    const app = await wired();
    const plan = await app.plans.create(draft);
    await app.decisions.request({ question: 'Go?', options: [{ id: 'y', label: 'Yes' }, { id: 'n', label: 'No' }], requestedBy: alice }, await app.plans.chain(plan.id));
    const events = await app.events();
    expect(events[1]).toMatchObject({ correlationId: events[0]?.id, causationId: events[0]?.id });
  });
});

describe('the memory store without a bus', () => {
  it('keeps state and announces nothing', async () => {
    const { plans, decisions } = services(new MemoryStore());
    const plan = await plans.create(draft);
    await plans.approve(plan.id, alice);
    expect((await plans.start(plan.id, runner)).status).toBe('running');
    expect(await plans.chain(plan.id)).toEqual({});
    const decision = await decisions.request({ question: 'Go?', options: [{ id: 'y', label: 'Yes' }, { id: 'n', label: 'No' }], requestedBy: alice });
    expect((await decisions.record(decision.id, { choice: 'y', decidedBy: alice })).status).toBe('recorded');
  });
});

describe('concurrent steps on one plan in PostgreSQL', () => {
  it('run one after the other (a row lock): exactly one of two racing approvals commits, with one event', async () => {
    const prefix = `${uniqueTable('race')}_`;
    prefixes.push(prefix);
    const store: Store = new PostgresStore(pool, { prefix });
    await (store as PostgresStore).createTables();
    const { plans } = services(store);
    const plan = await plans.create(draft);
    const results = await Promise.allSettled([plans.approve(plan.id, alice), plans.approve(plan.id, runner)]);
    expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
    const events = (await pool.query(`SELECT event_type FROM "${prefix}outbox" ORDER BY position`)).rows as { event_type: string }[];
    expect(events.map((row) => row.event_type)).toEqual(['plan.created', 'plan.approved']);
  });
});
