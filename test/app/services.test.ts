import { describe, expect, it } from 'vitest';
import { LoggingEventBus, MemoryAuditSink } from '../../src/index.ts';
import { eventRegistry, type PayloadMap } from '../../generated/index.ts';
import { DecisionService } from '../../src/app/decision-service.ts';
import { InvalidTransitionError, PlanLifecycleService, type NewPlan } from '../../src/app/plan-lifecycle.ts';
import { CapturingLogger } from '../support/capturing-logger.ts';

const alice = { kind: 'user', id: 'alice' } as const;
const runner = { kind: 'agent', id: 'runner-3' } as const;
const draft: NewPlan = { title: 'Migrate', goal: 'Move it', priority: 'high', createdBy: alice, steps: [{ title: 'one' }, { title: 'two' }] };

function wired() {
  const audit = new MemoryAuditSink();
  const bus = new LoggingEventBus<PayloadMap>({ registry: eventRegistry, audit, logger: new CapturingLogger() });
  return { audit, plans: new PlanLifecycleService({ bus }), decisions: new DecisionService({ bus }) };
}

describe('PlanLifecycleService', () => {
  it('walks created → approved → running ⇄ paused → completed, one event per step, in one chain', () => {
    const { audit, plans } = wired();
    const plan = plans.create(draft);
    plans.approve(plan.id, alice);
    plans.start(plan.id, runner);
    plans.pause(plan.id, alice, 'lunch');
    plans.resume(plan.id, alice);
    plans.pause(plan.id, alice, 'again');
    plans.resume(plan.id, alice);
    expect(plans.complete(plan.id, 'done')).toMatchObject({ status: 'completed' });
    expect(audit.events.map((event) => event.type)).toEqual([
      'plan.created', 'plan.approved', 'plan.started', 'plan.paused', 'plan.resumed', 'plan.paused', 'plan.resumed', 'plan.completed',
    ]);
    const [first, ...rest] = audit.events;
    expect(rest.every((event) => event.correlationId === first?.id)).toBe(true);
    expect(rest.map((event) => event.causationId)).toEqual(audit.events.slice(0, -1).map((event) => event.id));
    expect(audit.events.every((event) => (event.payload as { planId: string }).planId === plan.id)).toBe(true);
    expect(audit.events.at(-1)?.payload).toMatchObject({ stepsCompleted: 2, summary: 'done' });
  });

  it.each([
    ['start before approval', (plans: PlanLifecycleService, id: string) => plans.start(id, runner), /cannot start plan .*: it is created \(start needs approved\)/],
    ['pause before start', (plans: PlanLifecycleService, id: string) => plans.pause(id, alice, 'x'), /cannot pause/],
    ['resume what is not paused', (plans: PlanLifecycleService, id: string) => plans.resume(id, alice), /cannot resume/],
    ['complete before start', (plans: PlanLifecycleService, id: string) => plans.complete(id), /cannot complete/],
    ['fail before start', (plans: PlanLifecycleService, id: string) => plans.fail(id, { code: 'X', message: 'x' }), /cannot fail/],
  ])('refuses to %s, and emits nothing', (_name, step, message) => {
    const { audit, plans } = wired();
    const plan = plans.create(draft);
    expect(() => step(plans, plan.id)).toThrow(InvalidTransitionError);
    expect(() => step(plans, plan.id)).toThrow(message);
    expect(audit.events.map((event) => event.type)).toEqual(['plan.created']);
    expect(plans.get(plan.id).status).toBe('created');
  });

  it('ends for good: nothing leaves completed, failed or cancelled', () => {
    const { audit, plans } = wired();
    const plan = plans.create(draft);
    plans.cancel(plan.id, alice, 'not needed');
    expect(() => plans.approve(plan.id, alice)).toThrow(InvalidTransitionError);
    expect(() => plans.cancel(plan.id, alice)).toThrow(/it is cancelled/);
    expect(audit.events.map((event) => event.type)).toEqual(['plan.created', 'plan.cancelled']);
  });

  it('keeps its state when the bus refuses the event', () => {
    const { plans } = wired();
    const plan = plans.create(draft);
    expect(() => plans.approve(plan.id, alice, 'x'.repeat(2001))).toThrow(/comment: Too long/);
    expect(plans.get(plan.id).status).toBe('created');
  });

  it('works without a bus, emitting nothing', () => {
    const plans = new PlanLifecycleService();
    const plan = plans.create(draft);
    plans.approve(plan.id, alice);
    expect(plans.start(plan.id, runner).status).toBe('running');
    expect(plans.chain(plan.id)).toEqual({});
  });
});

describe('DecisionService', () => {
  const question = { question: 'Which region?', options: [{ id: 'eu', label: 'Europe' }, { id: 'us', label: 'US' }], requestedBy: alice };

  it('requests, records, approves; rejects; supersedes, each with its event in one chain', () => {
    const { audit, decisions } = wired();
    const first = decisions.request(question);
    decisions.record(first.id, { choice: 'eu', decidedBy: alice, confidence: 0.9 });
    expect(decisions.approve(first.id, alice)).toMatchObject({ status: 'approved', choice: 'eu' });
    const second = decisions.request(question);
    decisions.record(second.id, { choice: 'us', decidedBy: alice });
    decisions.reject(second.id, alice, 'no');
    const third = decisions.request(question);
    expect(decisions.supersede(second.id, third.id, 'new facts').status).toBe('superseded');
    expect(audit.events.map((event) => event.type)).toEqual([
      'decision.requested', 'decision.recorded', 'decision.approved',
      'decision.requested', 'decision.recorded', 'decision.rejected',
      'decision.requested', 'decision.superseded',
    ]);
    expect(audit.events[7]).toMatchObject({ correlationId: audit.events[3]?.id, causationId: audit.events[5]?.id, payload: { supersededBy: third.id } });
  });

  it('refuses a choice that is not an option, approval before a record, and unknown decisions; emitting nothing', () => {
    const { audit, decisions } = wired();
    const decision = decisions.request(question);
    expect(() => decisions.record(decision.id, { choice: 'mars', decidedBy: alice })).toThrow(/the options are eu, us/);
    expect(() => decisions.approve(decision.id, alice)).toThrow(/cannot approve decision .*: it is requested/);
    expect(() => decisions.supersede(decision.id, '01JDQ9C4D5E6F7G8H9J0K1M2NP')).toThrow(/no decision 01JDQ9C4D5E6F7G8H9J0K1M2NP/);
    expect(audit.events).toHaveLength(1);
  });

  it('continues a chain it is given, and works without a bus', () => {
    const { audit, plans, decisions } = wired();
    const plan = plans.create(draft);
    decisions.request(question, plans.chain(plan.id));
    expect(audit.events[1]).toMatchObject({ correlationId: audit.events[0]?.id, causationId: audit.events[0]?.id });
    const quiet = new DecisionService();
    const decision = quiet.request(question);
    expect(quiet.record(decision.id, { choice: 'eu', decidedBy: alice }).status).toBe('recorded');
  });
});
