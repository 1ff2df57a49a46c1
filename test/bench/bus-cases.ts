/**
 * The cases of `npm run bench:bus`, each measured in a process of its own (bus.ts runs them),
 * so that no case's JIT state, such as call sites made polymorphic by another, skews another.
 */
import { EventEmitter } from 'eventemitter3';
import { Subject } from 'rxjs';
import { Bench } from 'tinybench';
import { ulid } from 'ulid';
import * as z from 'zod/v4';
import pino from 'pino';
import { createIdGenerator, LoggingEventBus, MemoryAuditSink, type EventDefinition, type EventRegistry } from '../../src/index.ts';
import { ReactiveEventBus } from '../../src/reactive-bus.ts';
import { EVENT_TYPES, eventRegistry, type EventType, type PlanApprovedPayload } from '../../generated/index.ts';
import { projectModel } from '../support/catalogue.ts';

const payload: PlanApprovedPayload = { planId: '01JDQ8Z1X4N6V7W8Y9ZAB2C3DE', approvedBy: { kind: 'user', id: 'alice' }, comment: 'go' };
const nearMiss = { ...payload, approvedBy: { kind: 'robot', id: 'alice' } } as unknown as PlanApprovedPayload;
const broken = { planId: 'nope', approvedBy: { kind: 'robot', id: '' } } as unknown as PlanApprovedPayload;
const schema = eventRegistry['plan.approved'].schema;
const quietLogger = { info() {}, warn() {}, error() {} };
let sink = 0;
const handler = (): void => {
  sink++;
};

function ourBus<M>(registry: EventRegistry<M>, subscribers: number, types: readonly string[] = []): ReactiveEventBus<M> {
  const bus = new ReactiveEventBus({ registry, logger: quietLogger, onHandlerError: () => undefined });
  for (const type of types) for (let i = 0; i < subscribers; i++) bus.subscribe(type as keyof M & string, handler);
  return bus;
}

function syntheticRegistry(count: number): EventRegistry<Record<string, PlanApprovedPayload>> {
  const base = eventRegistry['plan.approved'] as EventDefinition;
  return Object.fromEntries(Array.from({ length: count }, (_, i) => [`bench.e${i}`, { ...base, type: `bench.e${i}`, domain: 'bench' }]));
}

function rejecting(value: PlanApprovedPayload): () => void {
  const bus = ourBus(eventRegistry, 0);
  return () => {
    try {
      bus.emit('plan.approved', value);
    } catch {
      sink--;
    }
  };
}

/** Every catalogue example, round robin: a realistic mix of types and payload shapes. */
function mixed(): { type: EventType; payload: unknown }[] {
  return projectModel().events.map((event) => ({ type: event.name as EventType, payload: event.examples[0] }));
}

export const CASES: Record<string, () => () => void> = {
  'Map<type, handler[]> loop, 1 sub': () => {
    const map = new Map([['plan.approved', [handler]]]);
    return () => {
      const list = map.get('plan.approved');
      if (list) for (const h of list) h();
    };
  },
  'Map<type, handler[]> loop, 10 sub': () => {
    const map = new Map([['plan.approved', Array.from({ length: 10 }, () => handler)]]);
    return () => {
      const list = map.get('plan.approved');
      if (list) for (const h of list) h();
    };
  },
  'eventemitter3 emit, 1 sub': () => {
    const emitter = new EventEmitter();
    emitter.on('plan.approved', handler);
    return () => emitter.emit('plan.approved', payload);
  },
  'rxjs Subject per type, 1 sub': () => {
    const subject = new Subject<PlanApprovedPayload>();
    subject.subscribe(handler);
    return () => subject.next(payload);
  },
  'eventemitter3 + zod safeParse, 1 sub': () => {
    const emitter = new EventEmitter();
    emitter.on('plan.approved', handler);
    return () => {
      if (z.safeParse(schema, payload).success) emitter.emit('plan.approved', payload);
    };
  },
  'eventemitter3 + zod safeParse, 10 sub': () => {
    const emitter = new EventEmitter();
    for (let i = 0; i < 10; i++) emitter.on('plan.approved', handler);
    return () => {
      if (z.safeParse(schema, payload).success) emitter.emit('plan.approved', payload);
    };
  },
  'eventemitter3 + zod safeParse, 38 types mixed': () => {
    const emitter = new EventEmitter();
    for (const type of EVENT_TYPES) emitter.on(type, handler);
    const events = mixed();
    let i = 0;
    return () => {
      const next = events[i++ % events.length];
      if (next !== undefined && z.safeParse(eventRegistry[next.type].schema, next.payload).success) emitter.emit(next.type, next.payload);
    };
  },
  'eventspec emit, 0 sub': () => {
    const bus = ourBus(eventRegistry, 0);
    return () => bus.emit('plan.approved', payload);
  },
  'eventspec emit, 1 sub': () => {
    const bus = ourBus(eventRegistry, 1, ['plan.approved']);
    return () => bus.emit('plan.approved', payload);
  },
  'eventspec emit, 10 sub': () => {
    const bus = ourBus(eventRegistry, 10, ['plan.approved']);
    return () => bus.emit('plan.approved', payload);
  },
  'eventspec emit, all 38 types subscribed': () => {
    const bus = ourBus(eventRegistry, 1, EVENT_TYPES);
    return () => bus.emit('plan.approved', payload);
  },
  'eventspec emit, 38 types mixed': () => {
    const bus = ourBus(eventRegistry, 1, EVENT_TYPES);
    const events = mixed();
    let i = 0;
    return () => {
      const next = events[i++ % events.length];
      if (next !== undefined) bus.emit(next.type, next.payload as never);
    };
  },
  'eventspec emit, 1 registered type': () => {
    const bus = ourBus(syntheticRegistry(1), 1, ['bench.e0']);
    return () => bus.emit('bench.e0', payload);
  },
  'eventspec emit, 100 registered types': () => {
    const registry = syntheticRegistry(100);
    const bus = ourBus(registry, 1, Object.keys(registry));
    return () => bus.emit('bench.e37', payload);
  },
  'LoggingEventBus emit, logger at warn (drops info), 1 sub': () => {
    const bus = new LoggingEventBus({ registry: eventRegistry, logger: pino({ level: 'warn' }, pino.destination('/dev/null')), onHandlerError: () => undefined });
    bus.subscribe('plan.approved', handler);
    return () => bus.emit('plan.approved', payload);
  },
  'LoggingEventBus emit, logger at warn, MemoryAuditSink, 1 sub': () => {
    const audit = new MemoryAuditSink();
    const bus = new LoggingEventBus({ registry: eventRegistry, audit, logger: pino({ level: 'warn' }, pino.destination('/dev/null')), onHandlerError: () => undefined });
    bus.subscribe('plan.approved', handler);
    return () => bus.emit('plan.approved', payload);
  },
  'LoggingEventBus emit, logger at warn, 38 types mixed': () => {
    const bus = new LoggingEventBus({ registry: eventRegistry, logger: pino({ level: 'warn' }, pino.destination('/dev/null')), onHandlerError: () => undefined });
    for (const type of EVENT_TYPES) bus.subscribe(type, handler);
    const events = mixed();
    let i = 0;
    return () => {
      const next = events[i++ % events.length];
      if (next !== undefined) bus.emit(next.type, next.payload as never);
    };
  },
  'eventspec emit, rejected payload (1 bad field)': () => rejecting(nearMiss),
  'eventspec emit, rejected payload (3 bad fields)': () => rejecting(broken),
  'zod safeParse alone, 1 bad field': () => () => {
    if (!z.safeParse(schema, nearMiss).success) sink--;
  },
};

/** Median cost of single calls made back to back, and made at most once per millisecond. */
export const RATE_CASES: Record<string, () => () => void> = {
  'eventspec emit': () => {
    const bus = ourBus(eventRegistry, 1, ['plan.approved']);
    return () => bus.emit('plan.approved', payload);
  },
  'ulid() from the ulid package': () => () => {
    ulid();
  },
  'our ULID generator': () => {
    const next = createIdGenerator();
    return () => {
      next();
    };
  },
};

function median(values: number[]): number {
  return values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
}

function timeOne(call: () => void): number {
  const start = process.hrtime.bigint();
  call();
  return Number(process.hrtime.bigint() - start) / 1000;
}

async function measure(name: string): Promise<object> {
  const make = CASES[name];
  if (make !== undefined) {
    const bench = new Bench({ time: 500, warmup: true, warmupTime: 200 });
    bench.add(name, make());
    await bench.run();
    const latency = (bench.tasks[0]?.result as { latency?: { mean: number } } | undefined)?.latency;
    return { name, meanUs: (latency?.mean ?? Number.NaN) * 1000 };
  }
  const rate = RATE_CASES[name];
  if (rate === undefined) throw new Error(`no case ${name}`);
  const call = rate();
  for (let i = 0; i < 2000; i++) call();
  const dense = median(Array.from({ length: 500 }, () => timeOne(call)));
  const sparse: number[] = [];
  for (let i = 0; i < 500; i++) {
    // Spin to the next millisecond: sparse emits, with no OS sleep to cool the caches.
    const now = Date.now();
    while (Date.now() === now);
    sparse.push(timeOne(call));
  }
  return { name, denseUs: dense, sparseUs: median(sparse) };
}

if (process.argv[2] !== undefined) {
  console.log(JSON.stringify(await measure(process.argv[2])));
  if (sink === Number.MIN_SAFE_INTEGER) console.log(sink);
}
