/**
 * `npm run soak`: 1,000,000 events through one ReactiveEventBus with all 38 types subscribed
 * (callbacks, a per-type observable each, and the stream), heap measured after a forced GC at
 * the start and the end. Prints one JSON line; test/runtime/soak.test.ts asserts on it.
 * Run with --expose-gc.
 */
import type { AnyEvent, AuditSink } from '../../src/index.ts';
import { ReactiveEventBus } from '../../src/reactive-bus.ts';
import { EVENT_TYPES, eventRegistry, type EventType } from '../../generated/index.ts';
import { projectModel } from '../support/catalogue.ts';

/** An audit sink that checks order and keeps only a count, so the heap measures the bus alone. */
class CountingAuditSink implements AuditSink {
  count = 0;
  append(_event: AnyEvent): void {
    this.count++;
  }
  async flush(): Promise<void> {}
  async close(): Promise<void> {}
}

const total = Number(process.argv[2] ?? 1_000_000);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with --expose-gc');

const audit = new CountingAuditSink();
const bus = new ReactiveEventBus({ registry: eventRegistry, audit, logger: { info() {}, warn() {}, error() {} } });
const emitted = new Map<string, number>();
const byCallback = new Map<string, number>();
const byObservable = new Map<string, number>();
let byStream = 0;
for (const type of EVENT_TYPES) {
  bus.subscribe(type, () => {
    byCallback.set(type, (byCallback.get(type) ?? 0) + 1);
  });
  bus.on(type).subscribe(() => byObservable.set(type, (byObservable.get(type) ?? 0) + 1));
}
bus.stream.subscribe(() => {
  byStream++;
});
const examples = projectModel().events.map((event) => ({ type: event.name as EventType, payload: event.examples[0] as never }));

function emitBatch(count: number, offset: number): void {
  for (let i = 0; i < count; i++) {
    const next = examples[(offset + i) % examples.length];
    if (next === undefined) continue;
    bus.emit(next.type, next.payload);
    emitted.set(next.type, (emitted.get(next.type) ?? 0) + 1);
  }
}

const warmup = 20_000;
emitBatch(warmup, 0);
gc();
const heapStart = process.memoryUsage().heapUsed;
const started = performance.now();
emitBatch(total - warmup, warmup);
const seconds = (performance.now() - started) / 1000;
gc();
const heapEnd = process.memoryUsage().heapUsed;

const mismatched = EVENT_TYPES.filter((type) => emitted.get(type) !== byCallback.get(type) || emitted.get(type) !== byObservable.get(type));
console.log(JSON.stringify({
  events: total,
  audited: audit.count,
  deliveredToStream: byStream,
  deliveredToCallbacks: [...byCallback.values()].reduce((a, b) => a + b, 0),
  deliveredToObservables: [...byObservable.values()].reduce((a, b) => a + b, 0),
  typesWithMismatchedCounts: mismatched,
  heapStartMb: +(heapStart / 2 ** 20).toFixed(2),
  heapEndMb: +(heapEnd / 2 ** 20).toFixed(2),
  eventsPerSecond: Math.round((total - warmup) / seconds),
}));
