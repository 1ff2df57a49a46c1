/**
 * A process that writes an audit trail, for the tests of what operators do to its file.
 * Arguments: path, count, durability (sync | batched), then how it ends:
 * - `exit`: emits `count` events in one synchronous burst, then `process.exit(0)`;
 * - `throw`: the same burst, then an uncaught exception;
 * - `hold`: prints `open`, then emits one event per line read on standard input (`emit`),
 *   printing `ok <id>` or `error <message>` for each, until standard input ends.
 * An error opening the sink is printed as `refused <message>`, and the process exits 3.
 */
import { createInterface } from 'node:readline';
import { JsonlAuditSink, LoggingEventBus } from '../../src/index.ts';
import { eventRegistry, type PayloadMap } from '../../generated/index.ts';

const [path = '', countText = '0', durability = 'sync', ending = 'hold'] = process.argv.slice(2);
let sink: JsonlAuditSink;
try {
  sink = new JsonlAuditSink(path, { durability: durability === 'batched' ? 'batched' : 'sync', batchIntervalMs: 1000, batchSize: 100_000 });
} catch (error) {
  process.stdout.write(`refused ${(error as Error).message}\n`);
  process.exit(3);
}
const bus = new LoggingEventBus<PayloadMap>({ registry: eventRegistry, audit: sink, logger: { info() {}, warn() {}, error() {} } });
const emit = (n: number) => bus.emit('plan.paused', { planId: '01JDQ8Z1X4N6V7W8Y9ZAB2C3DE', pausedBy: { kind: 'agent', id: `writer-${process.pid}` }, reason: `n${n}` });

if (ending === 'hold') {
  process.stdout.write('open\n');
  let n = 0;
  for await (const line of createInterface({ input: process.stdin })) {
    if (line !== 'emit') continue;
    try {
      process.stdout.write(`ok ${emit(n++).id}\n`);
    } catch (error) {
      process.stdout.write(`error ${(error as Error).message}\n`);
    }
  }
  await sink.close();
} else {
  for (let n = 0; n < Number(countText); n++) emit(n);
  if (ending === 'throw') throw new Error('the application crashed');
  process.exit(0);
}
