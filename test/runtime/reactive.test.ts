import { bufferCount, filter, firstValueFrom, map, take, toArray } from 'rxjs';
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import { ReactiveEventBus } from '../../src/reactive-bus.ts';
import { BusClosedError, EventValidationError, MemoryAuditSink, type DomainEvent } from '../../src/index.ts';
import { eventRegistry, type PayloadMap } from '../../generated/index.ts';
import { CapturingLogger } from '../support/capturing-logger.ts';

const planId = '01JDQ8Z1X4N6V7W8Y9ZAB2C3DE';
const alice = { kind: 'user', id: 'alice' } as const;
const created = { planId, title: 'T', goal: 'G', priority: 'low', createdBy: alice, steps: [] } as const;

const open: ReactiveEventBus<PayloadMap>[] = [];
function makeBus(failures: unknown[] = [], audit = new MemoryAuditSink()): ReactiveEventBus<PayloadMap> {
  const bus = new ReactiveEventBus({ registry: eventRegistry, audit, logger: new CapturingLogger(), onHandlerError: (error) => failures.push(error) });
  open.push(bus);
  return bus;
}
afterEach(() => {
  for (const bus of open.splice(0)) bus.close();
});

describe('ReactiveEventBus', () => {
  it('infers the catalogue from the registry', () => {
    const bus = makeBus();
    expectTypeOf(bus).toEqualTypeOf<ReactiveEventBus<PayloadMap>>();
    expectTypeOf(bus.on('plan.created')).toEqualTypeOf<import('rxjs').Observable<DomainEvent<PayloadMap, 'plan.created'>>>();
    expect(bus).toBeInstanceOf(ReactiveEventBus);
  });

  it('puts every event on stream, and each type on its own typed observable', async () => {
    const bus = makeBus();
    const all = firstValueFrom(bus.stream.pipe(take(3), toArray()));
    const approvals = firstValueFrom(bus.on('plan.approved').pipe(map((event) => event.payload.approvedBy.id), take(2), toArray()));
    bus.emit('plan.created', created);
    bus.emit('plan.approved', { planId, approvedBy: alice });
    bus.emit('plan.approved', { planId, approvedBy: { kind: 'agent', id: 'bot' } });
    expect((await all).map((event) => event.type)).toEqual(['plan.created', 'plan.approved', 'plan.approved']);
    expect(await approvals).toEqual(['alice', 'bot']);
  });

  it('works with any rxjs operator', async () => {
    const bus = makeBus();
    const batches = firstValueFrom(bus.stream.pipe(filter((event) => event.domain === 'plan'), bufferCount(2), take(1)));
    bus.emit('plan.created', created);
    bus.emit('decision.approved', { decisionId: planId, approvedBy: alice });
    bus.emit('plan.approved', { planId, approvedBy: alice });
    expect((await batches).map((event) => event.type)).toEqual(['plan.created', 'plan.approved']);
  });

  it('pushes to the stream only after the audit, and before the callbacks', () => {
    const audit = new MemoryAuditSink();
    const bus = makeBus([], audit);
    const order: string[] = [];
    bus.stream.subscribe(() => order.push(`stream (audited ${audit.events.length})`));
    bus.subscribe('plan.created', () => {
      order.push('callback');
    });
    bus.emit('plan.created', created);
    expect(order).toEqual(['stream (audited 1)', 'callback']);
  });

  it('routes an error thrown in an rxjs subscriber to onHandlerError instead of crashing the process', async () => {
    const failures: unknown[] = [];
    const bus = makeBus(failures);
    const received: string[] = [];
    bus.on('plan.created').subscribe(() => {
      throw new Error('subscriber broke');
    });
    bus.on('plan.created').pipe(map(() => {
      throw new Error('operator broke');
    })).subscribe();
    bus.on('plan.created').subscribe((event) => received.push(event.type));
    expect(() => bus.emit('plan.created', created)).not.toThrow();
    // rxjs reports these on a timer; give it one.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(received).toEqual(['plan.created']);
    expect(failures.map((error) => (error as Error).message).sort()).toEqual(['operator broke', 'subscriber broke']);
  });

  it('rejects an observable of an unknown type with the error subscribe and emit give', () => {
    const bus = makeBus();
    const untyped = bus as unknown as { on(type: string): unknown; subscribe(type: string, handler: () => void): unknown };
    const errorOf = (act: () => unknown): unknown => {
      try {
        act();
      } catch (error) {
        return error;
      }
      return undefined;
    };
    const fromOn = errorOf(() => untyped.on('plan.exploded'));
    expect(fromOn).toBeInstanceOf(EventValidationError);
    expect(fromOn).toEqual(errorOf(() => untyped.subscribe('plan.exploded', () => undefined)));
    expect(errorOf(() => untyped.on('toString'))).toBeInstanceOf(EventValidationError);
  });

  it('completes its observables on close', async () => {
    const bus = makeBus();
    const all = firstValueFrom(bus.stream.pipe(toArray()));
    bus.emit('plan.created', created);
    bus.close();
    expect((await all).map((event) => event.type)).toEqual(['plan.created']);
  });

  it('refuses emits and ingests after close: nothing audited, no callback called', async () => {
    const audit = new MemoryAuditSink();
    const bus = makeBus([], audit);
    const called: string[] = [];
    bus.subscribe('*', (event) => void called.push(event.type));
    const event = bus.emit('plan.created', created);
    bus.close();
    expect(() => bus.emit('plan.created', created)).toThrow(BusClosedError);
    expect(() => bus.emit('plan.created', created)).toThrow('plan.created emitted after the bus was closed: nothing was audited or dispatched');
    await expect(bus.ingest(event)).rejects.toThrow(BusClosedError);
    expect(called).toEqual(['plan.created']);
    expect(audit.events).toHaveLength(1);
  });
});

describe('subscriptions changed during dispatch', () => {
  type Kind = 'callback' | '*' | 'stream' | 'on(type)';
  const KINDS: readonly Kind[] = ['callback', '*', 'stream', 'on(type)'];

  function attach(bus: ReactiveEventBus<PayloadMap>, kind: Kind, receive: (event: DomainEvent<PayloadMap>) => void): () => void {
    switch (kind) {
      case 'callback':
        return bus.subscribe('plan.created', receive);
      case '*':
        return bus.subscribe('*', receive);
      case 'stream': {
        const subscription = bus.stream.subscribe(receive);
        return () => subscription.unsubscribe();
      }
      case 'on(type)': {
        const subscription = bus.on('plan.created').subscribe(receive);
        return () => subscription.unsubscribe();
      }
    }
  }

  const cases = KINDS.flatMap((actor) => KINDS.flatMap((target) => (['before', 'after'] as const).map((order) => [actor, target, order] as const)));

  it.each(cases)('a %s subscriber subscribing a %s subscriber (attached %s it): from the next event', (actor, target) => {
    const bus = makeBus();
    const received: string[] = [];
    let acted = false;
    attach(bus, actor, () => {
      if (acted) return;
      acted = true;
      attach(bus, target, (event) => received.push(event.id));
    });
    const first = bus.emit('plan.created', created);
    const second = bus.emit('plan.created', created);
    expect(received).toEqual([second.id]);
    expect(first.id).not.toBe(second.id);
  });

  it.each(cases)('a %s subscriber unsubscribing a %s subscriber (attached %s it): none from the next event', (actor, target, order) => {
    const bus = makeBus();
    const received: string[] = [];
    let detach: () => void = () => undefined;
    const attachTarget = (): void => {
      detach = attach(bus, target, (event) => received.push(event.id));
    };
    if (order === 'before') attachTarget();
    attach(bus, actor, () => detach());
    if (order === 'after') attachTarget();
    const first = bus.emit('plan.created', created);
    bus.emit('plan.created', created);
    // A callback's list was read before dispatch, so it still gets the current event; an rxjs
    // subscriber is closed at once by its unsubscribe and takes nothing more.
    if (target === 'callback' || target === '*') expect(received).toEqual([first.id]);
    else expect([[], [first.id]]).toContainEqual(received);
  });
});
