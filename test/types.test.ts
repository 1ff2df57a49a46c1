/**
 * Type-level tests: each `@ts-expect-error` line is a misuse that must not compile (checked by
 * `npm run typecheck`), and each one is run too, to prove the runtime rejects it as well.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  emitPlanCreated,
  emitSystemHealthChanged,
  eventRegistry,
  EventType,
  type Actor,
  type PayloadMap,
  type PlanCreatedPayload,
} from '../generated/index.ts';
import { readAudit, readAuditEvents, type DomainEvent, type EventBus } from '../src/index.ts';
import { RecordingBus } from './support/recording-bus.ts';

type UnionToIntersection<U> = (U extends unknown ? (arg: U) => void : never) extends (arg: infer I) => void ? I : never;
type LastOf<U> = UnionToIntersection<U extends unknown ? () => U : never> extends () => infer R ? R : never;
type UnionSize<U, Count extends unknown[] = []> = [U] extends [never] ? Count['length'] : UnionSize<Exclude<U, LastOf<U>>, [...Count, unknown]>;

const planId = '01JDQ8Z1X4N6V7W8Y9ZAB2C3DE';
const alice: Actor = { kind: 'user', id: 'alice' };
const valid: PlanCreatedPayload = { planId, title: 'T', goal: 'G', priority: 'high', createdBy: alice, steps: [] };

describe('types', () => {
  it('gives events read back from an audit file that narrow on type, as a subscriber gets them', () => {
    // Never called: the compiler checks the narrowing.
    async function narrowing(): Promise<void> {
      for await (const event of readAudit('audit.jsonl', eventRegistry)) {
        if (event.type === 'plan.created') expectTypeOf(event.payload).toEqualTypeOf<PlanCreatedPayload>();
      }
      for await (const { event } of readAuditEvents('audit.jsonl', eventRegistry)) {
        if (event.type === 'system.health_changed') expectTypeOf(event.payload.component).toEqualTypeOf<string>();
      }
    }
    expectTypeOf(narrowing).returns.resolves.toBeVoid();
  });

  it('EventType is a union of exactly the 38 catalogue types, the keys of PayloadMap', () => {
    expectTypeOf<UnionSize<EventType>>().toEqualTypeOf<38>();
    expectTypeOf<EventType>().toEqualTypeOf<keyof PayloadMap>();
    expectTypeOf(EventType.PlanCreated).toEqualTypeOf<'plan.created'>();
    expect(Object.keys(eventRegistry)).toHaveLength(38);
  });

  it('a helper takes exactly its payload and returns its typed event', () => {
    const bus = new RecordingBus<PayloadMap>(eventRegistry);
    const event = emitPlanCreated(bus, valid);
    expectTypeOf(event).toEqualTypeOf<DomainEvent<PayloadMap, 'plan.created'>>();
    expectTypeOf(event.payload).toEqualTypeOf<PlanCreatedPayload>();
    expect(event.payload).toEqual(valid);

    // @ts-expect-error a required field is missing
    expect(() => emitPlanCreated(bus, { planId, title: 'T', goal: 'G', priority: 'high', createdBy: alice })).toThrow(/steps/);
    // @ts-expect-error a field has the wrong type
    expect(() => emitPlanCreated(bus, { ...valid, title: 42 })).toThrow(/title/);
    // @ts-expect-error a field the catalogue does not declare
    expect(() => emitPlanCreated(bus, { ...valid, owner: 'bob' })).toThrow(/owner/);
    // @ts-expect-error a value outside the enum
    expect(() => emitPlanCreated(bus, { ...valid, priority: 'whenever' })).toThrow(/priority/);
    // @ts-expect-error a nested field has the wrong type
    expect(() => emitPlanCreated(bus, { ...valid, createdBy: { kind: 'robot', id: 'r' } })).toThrow(/createdBy/);
    // @ts-expect-error the payload of another event
    expect(() => emitSystemHealthChanged(bus, valid)).toThrow(/component/);
  });

  it('the bus interface ties each type to its payload', () => {
    const bus = new RecordingBus<PayloadMap>(eventRegistry);
    // @ts-expect-error an event type the catalogue does not have
    expect(() => bus.emit('plan.exploded', valid)).toThrow();
    // @ts-expect-error the payload of plan.created for another type
    expect(() => bus.emit('plan.approved', valid)).toThrow(/approvedBy/);
    expect(bus.emit('plan.approved', { planId, approvedBy: alice }).type).toBe('plan.approved');
  });

  it('a subscriber of one type receives that type with no cast', () => {
    function subscriptions(bus: EventBus<PayloadMap>): void {
      bus.subscribe('plan.created', (event) => {
        expectTypeOf(event).toEqualTypeOf<DomainEvent<PayloadMap, 'plan.created'>>();
        expectTypeOf(event.payload.createdBy.kind).toEqualTypeOf<'user' | 'agent' | 'system'>();
      });
      bus.subscribe('*', (event) => {
        expectTypeOf(event.type).toEqualTypeOf<EventType>();
        if (event.type === 'plan.created') expectTypeOf(event.payload).toEqualTypeOf<PlanCreatedPayload>();
      });
      // A handler may return anything; only a rejected promise is looked at.
      bus.subscribe('plan.created', (event) => event.payload.title);
      // @ts-expect-error a handler for the wrong type
      bus.subscribe('plan.approved', (event: DomainEvent<PayloadMap, 'plan.created'>) => event);
    }
    expectTypeOf(subscriptions).parameter(0).toEqualTypeOf<EventBus<PayloadMap>>();
  });
});
