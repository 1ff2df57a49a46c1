/**
 * A service for the relay's kill test: emits events into a `sync` audit trail as fast as it can,
 * a few at a time, printing the id of each event once `emit` returned (so it is on disk), until
 * it is killed. Arguments: trail path.
 */
import { JsonlAuditSink, LoggingEventBus } from '../../src/index.ts';
import { eventRegistry, type PayloadMap } from '../../generated/index.ts';

const [path = ''] = process.argv.slice(2);
const audit = new JsonlAuditSink(path, { durability: 'sync' });
const bus = new LoggingEventBus<PayloadMap>({ registry: eventRegistry, audit, logger: { info() {}, warn() {}, error() {} } });
let n = 0;
for (;;) {
  let out = '';
  for (let i = 0; i < 5; i++) out += `${bus.emit('plan.paused', { planId: '01JDQ8Z1X4N6V7W8Y9ZAB2C3DE', pausedBy: { kind: 'agent', id: `svc-${process.pid}` }, reason: `n${n++}` }).id}\n`;
  process.stdout.write(out);
  // A steady trickle, a few hundred events a second: enough to be mid-write at most kills.
  await new Promise((resolve) => setTimeout(resolve, 10));
}
