/**
 * Service buses from the generated contracts: each `@ts-expect-error` line is a use outside the
 * catalogue's `services:` that must not compile (checked by `npm run typecheck`), and each one is
 * run too, to prove the bus refuses it from JavaScript as well. A service that may not read
 * sensitive values receives them masked, typed so, on the bus and through `ingest`, whose audit
 * record and log line hold no secret either.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom, take, toArray } from 'rxjs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  emitDecisionApproved,
  emitPlanCreated,
  emitSessionMessageSent,
  eventRegistry,
  services,
  type Actor,
  type PayloadMap,
  type RedactedPayloadMap,
  type SessionMessageSentPayload,
} from '../../generated/index.ts';
import { JsonlAuditSink, LoggingEventBus, MemoryAuditSink, readAuditRecords, REDACTED, serviceBus, serviceEmitter, ServiceContractError, type Concealed, type DomainEvent, type ServiceBusOf } from '../../src/index.ts';
import { reactiveServiceBus, ReactiveEventBus } from '../../src/reactive-bus.ts';
import { CapturingLogger } from '../support/capturing-logger.ts';

const planner: Actor = { kind: 'agent', id: 'planner-1' };
const secret = 'the launch code is 0000';
const reply: SessionMessageSentPayload = { sessionId: '01JDQC1D2E3F4G5H6J7K8M9N0P', messageId: '01JDQC3F4G5H6J7K8M9N0P1Q2R', content: secret, tokens: 7 };
const plan = { planId: '01JDQ8Z1X4N6V7W8Y9ZAB2C3DE', title: 'T', goal: 'G', priority: 'high', createdBy: planner, steps: [] } as const;

function bus(logger = new CapturingLogger(), audit = new MemoryAuditSink()): LoggingEventBus<PayloadMap> {
  return new LoggingEventBus<PayloadMap>({ registry: eventRegistry, logger, audit });
}

describe('service buses', () => {
  it('emit only what the service produces: a compile error, and a ServiceContractError at run time', () => {
    const plans = serviceBus(bus(), services.planLifecycle);
    expect(plans.emit('plan.created', plan).type).toBe('plan.created');
    expect(emitPlanCreated(plans, plan).type).toBe('plan.created');
    // @ts-expect-error plan-lifecycle does not produce decision.approved
    expect(() => plans.emit('decision.approved', { decisionId: plan.planId, approvedBy: planner })).toThrow(ServiceContractError);
    // @ts-expect-error nor does the helper of an event it does not produce accept its bus
    expect(() => emitDecisionApproved(plans, { decisionId: plan.planId, approvedBy: planner })).toThrow(
      'service plan-lifecycle cannot emit "decision.approved": the catalogue does not list it under services.plan-lifecycle.produces (it produces plan.created, plan.approved, plan.started, plan.paused, plan.resumed, plan.completed, plan.failed, plan.cancelled)',
    );
    const notifier = serviceBus(bus(), services.notifier);
    // @ts-expect-error the notifier produces nothing
    expect(() => notifier.emit('plan.created', plan)).toThrow('service notifier cannot emit "plan.created": the catalogue does not list it under services.notifier.produces (it produces nothing)');
    // @ts-expect-error nor does a helper take the bus of a service that produces nothing
    expect(() => emitPlanCreated(notifier, plan)).toThrow(ServiceContractError);
    // A unit of work's emitter, scoped the same way.
    const staged = serviceEmitter(bus(), services.planLifecycle);
    expect(emitPlanCreated(staged, plan).payload.title).toBe('T');
    // @ts-expect-error
    expect(() => emitDecisionApproved(staged, { decisionId: plan.planId, approvedBy: planner })).toThrow(ServiceContractError);
  });

  it('subscribe only to what the service consumes, with a did-you-mean', () => {
    const plans = serviceBus(bus(), services.planLifecycle);
    expect(typeof plans.subscribe('decision.approved', () => undefined)).toBe('function');
    // @ts-expect-error plan-lifecycle does not consume session.message_sent
    expect(() => plans.subscribe('session.message_sent', () => undefined)).toThrow(ServiceContractError);
    // @ts-expect-error a typo
    expect(() => plans.subscribe('decision.aproved', () => undefined)).toThrow('; did you mean "decision.approved"?');
    const reactive = reactiveServiceBus(new ReactiveEventBus<PayloadMap>({ registry: eventRegistry, logger: new CapturingLogger() }), services.planLifecycle);
    // @ts-expect-error
    expect(() => reactive.on('plan.created')).toThrow(ServiceContractError);
  });

  it('gives a service that may not read sensitive values each one masked, typed as the marker, and the one that may the real value', () => {
    const shared = bus();
    const notifier = serviceBus(shared, services.notifier);
    const agents = serviceBus(shared, services.agentRuntime);
    const gateway = serviceBus(shared, services.sessionGateway);
    const seen: { notifier?: DomainEvent<RedactedPayloadMap, 'session.message_sent'>; audit?: unknown } = {};
    notifier.subscribe('session.message_sent', (event) => {
      expectTypeOf(event.payload.content).toEqualTypeOf<Concealed>();
      expectTypeOf(event.payload.tokens).toEqualTypeOf<number | undefined>();
      seen.notifier = event;
    });
    const projection = serviceBus(shared, services.auditProjection);
    projection.subscribe('session.message_sent', (event) => {
      expectTypeOf(event.payload.content).toEqualTypeOf<string>();
      seen.audit = event.payload.content;
    });
    // @ts-expect-error the agent runtime does not consume what the gateway sends
    expect(() => agents.subscribe('session.message_sent', () => undefined)).toThrow(ServiceContractError);
    const emitted = emitSessionMessageSent(gateway, reply);
    expect(emitted.payload.content).toBe(secret);
    expect(seen.notifier?.payload).toEqual({ ...reply, content: REDACTED });
    expect(Object.isFrozen(seen.notifier?.payload)).toBe(true);
    expect(seen.notifier?.id).toBe(emitted.id);
    expect(seen.audit).toBe(secret);
  });

  it("delivers into a redacted service's bus with no secret in its audit trail, its log or its handlers; the trail marks the record", async () => {
    const directory = mkdtempSync(join(tmpdir(), 'eventspec-services-'));
    const trail = join(directory, 'notifier.jsonl');
    const audit = new JsonlAuditSink(trail, { durability: 'sync' });
    const logger = new CapturingLogger();
    const notifier = serviceBus(bus(logger, audit as unknown as MemoryAuditSink), services.notifier);
    const handled: unknown[] = [];
    notifier.subscribe('*', (event) => {
      handled.push(event.payload);
    });
    const producer = serviceBus(bus(), services.sessionGateway);
    const event = producer.emit('session.message_sent', reply);
    expect(await notifier.ingest(event)).toEqual([]);
    // Not consumed: refused before anything is recorded.
    await expect(notifier.ingest(serviceBus(bus(), services.planLifecycle).emit('plan.created', plan))).rejects.toThrow('service notifier cannot receive "plan.created"');
    await audit.close();
    const text = readFileSync(trail, 'utf8');
    expect(text).not.toContain(secret);
    expect(JSON.stringify(logger.entries)).not.toContain(secret);
    expect(JSON.stringify(handled)).not.toContain(secret);
    expect(handled).toEqual([{ ...reply, content: REDACTED }]);
    const records = [];
    for await (const record of readAuditRecords(trail)) records.push(record);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ redacted: 'mask', ingested: true, event: { id: event.id, payload: { content: REDACTED } } });
  });

  it('counts what each service emitted and received, and what it declared but never did', async () => {
    const shared = new ReactiveEventBus<PayloadMap>({ registry: eventRegistry, logger: new CapturingLogger() });
    const plans = reactiveServiceBus(shared, services.planLifecycle);
    const notifier = reactiveServiceBus(shared, services.notifier);
    const completed = firstValueFrom(notifier.stream.pipe(take(1), toArray()));
    notifier.subscribe('plan.completed', () => undefined);
    notifier.subscribe('*', () => undefined);
    plans.emit('plan.created', plan);
    plans.emit('plan.completed', { planId: plan.planId, completedAt: '2026-11-26T03:12:45.120Z', durationMs: 1, stepsCompleted: 0 });
    expect((await completed).map((event) => event.type)).toEqual(['plan.completed']);
    expect(plans.usage()).toMatchObject({ service: 'plan-lifecycle', emitted: { 'plan.created': 1, 'plan.completed': 1 }, neverEmitted: ['plan.approved', 'plan.started', 'plan.paused', 'plan.resumed', 'plan.failed', 'plan.cancelled'] });
    expect(notifier.usage()).toEqual({
      service: 'notifier',
      emitted: {},
      received: { 'plan.completed': 1 },
      neverEmitted: [],
      neverReceived: ['plan.failed', 'decision.requested', 'tool.approval_requested', 'session.message_sent'],
    });
    shared.close();
  });

  it('types a function that takes one service bus by its contract', () => {
    function notify(bus: ServiceBusOf<typeof services.notifier>): void {
      bus.subscribe('decision.requested', (event) => expectTypeOf(event.payload.question).toEqualTypeOf<string>());
    }
    notify(serviceBus(bus(), services.notifier));
    // @ts-expect-error another service's bus is not the notifier's (and the platform consumes nothing)
    expect(() => notify(serviceBus(bus(), services.platform))).toThrow('service platform cannot subscribe to "decision.requested"');
  });
});
