/** The behaviour every bus shares, run against both ReactiveEventBus and LoggingEventBus. */
import { describe, expect, it } from 'vitest';
import { ReactiveEventBus } from '../../src/reactive-bus.ts';
import {
  AuditError,
  EventLoopError,
  EventValidationError,
  isDateTime,
  isUlid,
  LoggingEventBus,
  MemoryAuditSink,
  parsePayload,
  type BusOptions,
  type DomainEvent,
  type EventBus,
} from '../../src/index.ts';
import { eventRegistry, type PayloadMap, type PlanCreatedPayload } from '../../generated/index.ts';
import { CapturingLogger } from '../support/capturing-logger.ts';

type Bus = EventBus<PayloadMap>;
const BUSES: readonly [string, (options: BusOptions<PayloadMap>) => Bus][] = [
  ['ReactiveEventBus', (options) => new ReactiveEventBus(options)],
  ['LoggingEventBus', (options) => new LoggingEventBus(options)],
];

const planId = '01JDQ8Z1X4N6V7W8Y9ZAB2C3DE';
const alice = { kind: 'user', id: 'alice' } as const;
function newPlan(): PlanCreatedPayload {
  return { planId, title: 'Migrate', goal: 'Move it', priority: 'high', createdBy: { kind: 'agent', id: 'p1' }, steps: [{ title: 'one' }] };
}

describe.each(BUSES)('%s', (_name, create) => {
  function setup(overrides: Partial<BusOptions<PayloadMap>> = {}) {
    const audit = new MemoryAuditSink();
    const logger = new CapturingLogger();
    const failures: { error: unknown; event: DomainEvent<PayloadMap> | undefined }[] = [];
    const bus = create({ registry: eventRegistry, audit, logger, onHandlerError: (error, event) => failures.push({ error, event }), ...overrides });
    return { bus, audit, logger, failures };
  }

  it('returns the event it emitted: ULID id, UTC timestamp, domain, version, a new chain', () => {
    const { bus } = setup({ now: () => Date.UTC(2026, 10, 26, 8, 30, 0, 5) });
    const event = bus.emit('plan.created', newPlan());
    expect(isUlid(event.id)).toBe(true);
    expect(event).toMatchObject({ type: 'plan.created', domain: 'plan', version: 1, timestamp: '2026-11-26T08:30:00.005Z', correlationId: event.id });
    expect(isDateTime(event.timestamp)).toBe(true);
    expect(event).not.toHaveProperty('causationId');
    expect(event.payload).toEqual(newPlan());
  });

  it('continues a chain from meta, and gives each event a new, increasing id', () => {
    const { bus } = setup();
    const first = bus.emit('plan.created', newPlan());
    const second = bus.emit('plan.approved', { planId, approvedBy: alice }, { correlationId: first.correlationId, causationId: first.id });
    expect(second).toMatchObject({ correlationId: first.id, causationId: first.id });
    expect(second.id > first.id).toBe(true);
  });

  it('freezes the event deeply, and never freezes or aliases the caller’s object', () => {
    const { bus } = setup();
    const payload = newPlan();
    const event = bus.emit('plan.created', payload);
    expect(Object.isFrozen(event)).toBe(true);
    expect(Object.isFrozen(event.payload.steps[0])).toBe(true);
    expect(Object.isFrozen(payload)).toBe(false);
    expect(event.payload).not.toBe(payload);
    (payload.steps as { title: string }[])[0]!.title = 'changed later';
    expect(event.payload.steps[0]?.title).toBe('one');
    expect(() => {
      (event.payload as { title: string }).title = 'x';
    }).toThrow(TypeError);
  });

  it('rejects an invalid payload with each bad field’s path, and audits and dispatches nothing', () => {
    const { bus, audit } = setup();
    const seen: unknown[] = [];
    bus.subscribe('*', (event) => {
      seen.push(event);
    });
    const bad = { ...newPlan(), title: '', priority: 'soon', extra: 1 } as unknown as PlanCreatedPayload;
    let error: unknown;
    try {
      bus.emit('plan.created', bad);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(EventValidationError);
    expect((error as EventValidationError).eventType).toBe('plan.created');
    expect((error as EventValidationError).issues.map((issue) => issue.path)).toEqual([['title'], ['priority'], ['extra']]);
    expect((error as Error).message).toMatch(/^invalid plan\.created event: title: Too short/);
    expect((error as Error).message).toMatch(/; extra: Unexpected key$/);
    expect(audit.events).toEqual([]);
    expect(seen).toEqual([]);
  });

  it('names each unexpected key by its own path, however deep', () => {
    const { bus } = setup();
    const bad = { planId, approvedBy: { ...alice, extra: 1, more: 2 } } as unknown as PayloadMap['plan.approved'];
    expect(() => bus.emit('plan.approved', bad)).toThrow(/^invalid plan\.approved event: approvedBy\.extra: Unexpected key; approvedBy\.more: Unexpected key$/);
  });

  it('rejects unknown event types, inherited names and malformed chain ids at run time too', () => {
    const { bus, audit } = setup();
    const untyped = bus as unknown as { emit(type: string, payload: unknown, meta?: object): unknown; subscribe(type: string, handler: () => void): unknown };
    expect(() => untyped.emit('plan.exploded', {})).toThrow(/invalid plan\.exploded event: \(payload\): unknown event type$/);
    // A likely typo gets the type it was probably meant to be, from every door that names types.
    expect(() => untyped.emit('plan.creatd', {})).toThrow(/unknown event type; did you mean "plan\.created"\?/);
    expect(() => untyped.subscribe('plan.aproved', () => undefined)).toThrow(/did you mean "plan\.approved"\?/);
    expect(() => parsePayload(eventRegistry, 'Plan.Created' as 'plan.created', {})).toThrow(/did you mean "plan\.created"\?/);
    expect(() => untyped.emit('toString', {})).toThrow(EventValidationError);
    expect(() => untyped.subscribe('constructor', () => undefined)).toThrow(EventValidationError);
    for (const bad of ['', 'x'.repeat(257), 'line\nbreak', 'tab\there']) {
      expect(() => bus.emit('plan.created', newPlan(), { correlationId: bad }), JSON.stringify(bad)).toThrow(/meta\.correlationId: Expected a non-empty id of at most 256 characters, without control characters/);
      expect(() => bus.emit('plan.created', newPlan(), { causationId: bad })).toThrow(/meta\.causationId/);
    }
    expect(audit.events).toEqual([]);
  });

  it('takes any reasonable foreign id as correlation and causation id: trace ids, request ids, URNs', () => {
    const { bus } = setup();
    for (const id of ['4bf92f3577b34da6a3ce929d0e0e4736', 'req_01H8Z', 'urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66', 'ü'.repeat(256)]) {
      const event = bus.emit('plan.created', newPlan(), { correlationId: id, causationId: id });
      expect([event.correlationId, event.causationId]).toEqual([id, id]);
      expect(isUlid(event.id)).toBe(true);
    }
  });

  it('audits before any subscriber sees the event', () => {
    const { bus, audit } = setup();
    const auditedWhenSeen: number[] = [];
    bus.subscribe('plan.created', () => {
      auditedWhenSeen.push(audit.events.length);
    });
    const event = bus.emit('plan.created', newPlan());
    expect(auditedWhenSeen).toEqual([1]);
    expect(audit.events[0]).toBe(event);
  });

  it('dispatches nothing and throws AuditError when the audit sink cannot record', async () => {
    const { bus, audit } = setup();
    const seen: unknown[] = [];
    bus.subscribe('*', (event) => {
      seen.push(event);
    });
    await audit.close();
    expect(() => bus.emit('plan.created', newPlan())).toThrow(AuditError);
    expect(seen).toEqual([]);
  });

  it('isolates handlers: a throw or a rejection reaches onHandlerError, and the others still run', async () => {
    const { bus, failures } = setup();
    const calls: string[] = [];
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => {
      unhandled.push(reason);
    };
    process.on('unhandledRejection', onUnhandled);
    try {
      bus.subscribe('plan.created', () => {
        calls.push('first');
        throw new Error('boom');
      });
      bus.subscribe('plan.created', async () => {
        calls.push('second');
        throw new Error('async boom');
      });
      bus.subscribe('plan.created', () => {
        calls.push('third');
      });
      const event = bus.emit('plan.created', newPlan());
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(calls).toEqual(['first', 'second', 'third']);
      expect(failures.map(({ error, event: failed }) => [(error as Error).message, failed?.id])).toEqual([
        ['boom', event.id],
        ['async boom', event.id],
      ]);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('logs handler failures by default, and survives a throwing onHandlerError', () => {
    const { bus, logger } = setup({ onHandlerError: () => {
      throw new Error('hook broke');
    } });
    bus.subscribe('plan.created', () => {
      throw new Error('boom');
    });
    expect(() => bus.emit('plan.created', newPlan())).not.toThrow();
    expect(logger.entries.filter((entry) => entry.level === 'error').map((entry) => entry.message)).toEqual(['onHandlerError failed']);

    const quiet = create({ registry: eventRegistry, logger });
    quiet.subscribe('plan.created', () => {
      throw new Error('boom');
    });
    quiet.emit('plan.created', newPlan());
    expect(logger.entries.at(-1)).toMatchObject({ level: 'error', message: 'event handler failed', object: { eventType: 'plan.created' } });
  });

  it('snapshots the handlers at emit: subscribing or unsubscribing mid-dispatch counts from the next event', () => {
    const { bus } = setup();
    const calls: string[] = [];
    let stopLate: () => void = () => undefined;
    bus.subscribe('plan.created', () => {
      calls.push('a');
      bus.subscribe('plan.created', () => {
        calls.push('added');
      });
      stopLate();
    });
    stopLate = bus.subscribe('plan.created', () => {
      calls.push('late');
    });
    bus.emit('plan.created', newPlan());
    expect(calls).toEqual(['a', 'late']);
    calls.length = 0;
    bus.emit('plan.created', newPlan());
    expect(calls).toEqual(['a', 'added']);
  });

  it('delivers an emit from a handler depth-first, before the outer dispatch goes on', () => {
    const { bus, audit } = setup();
    const order: string[] = [];
    bus.subscribe('plan.created', (event) => {
      order.push('created:1');
      bus.emit('plan.approved', { planId: event.payload.planId, approvedBy: alice }, { correlationId: event.correlationId, causationId: event.id });
      order.push('created:1 done');
    });
    bus.subscribe('plan.created', () => {
      order.push('created:2');
    });
    bus.subscribe('plan.approved', () => {
      order.push('approved');
    });
    bus.emit('plan.created', newPlan());
    expect(order).toEqual(['created:1', 'approved', 'created:1 done', 'created:2']);
    expect(audit.events.map((event) => event.type)).toEqual(['plan.created', 'plan.approved']);
  });

  it('stops a runaway emit loop at maxDepth with EventLoopError, and stays usable', () => {
    const { bus, audit, failures } = setup({ maxDepth: 5 });
    bus.subscribe('plan.approved', (event) => {
      bus.emit('plan.approved', event.payload);
    });
    bus.emit('plan.approved', { planId, approvedBy: alice });
    expect(audit.events).toHaveLength(5);
    expect(failures).toHaveLength(1);
    expect(failures[0]?.error).toBeInstanceOf(EventLoopError);
    expect((failures[0]?.error as Error).message).toMatch(/plan\.approved emitted 5 levels deep/);
    expect(bus.emit('plan.created', newPlan()).type).toBe('plan.created');
  });

  it('removes one subscription per unsubscribe, once, even for a function subscribed twice', () => {
    const { bus } = setup();
    let calls = 0;
    const count = (): void => {
      calls++;
    };
    const first = bus.subscribe('plan.created', count);
    bus.subscribe('plan.created', count);
    first();
    first();
    bus.emit('plan.created', newPlan());
    expect(calls).toBe(1);
  });

  it('still calls the callbacks when the publish step fails (a broken logger, say)', () => {
    const broken = { info: () => { throw new Error('disk full'); }, warn: () => undefined, error: () => undefined };
    const { bus, failures } = setup({ logger: broken });
    const seen: string[] = [];
    bus.subscribe('plan.created', (event) => seen.push(event.type));
    bus.emit('plan.created', newPlan());
    expect(seen).toEqual(['plan.created']);
    expect(failures.map(({ error }) => (error as Error).message)).toEqual(_name === 'LoggingEventBus' ? ['disk full'] : []);
  });

  it('unsubscribes, and sends every type to "*" subscribers', () => {
    const { bus } = setup();
    const types: string[] = [];
    const stop = bus.subscribe('*', (event) => {
      types.push(event.type);
    });
    bus.emit('plan.created', newPlan());
    bus.emit('plan.approved', { planId, approvedBy: alice });
    stop();
    bus.emit('plan.approved', { planId, approvedBy: alice });
    expect(types).toEqual(['plan.created', 'plan.approved']);
  });
});
