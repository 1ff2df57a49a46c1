/**
 * Emits events into a JSON-lines audit file until it is killed, printing the id of each event
 * the sink's mode has promised is on disk: in `sync` mode once `emit` returns, in `batched`
 * mode once a `flush()` that followed it resolves.
 */
import { JsonlAuditSink, LoggingEventBus } from '../../src/index.ts';
import { eventRegistry, type PayloadMap } from '../../generated/index.ts';

const [path = '', durability = 'sync'] = process.argv.slice(2);
const sink = new JsonlAuditSink(path, { durability: durability === 'batched' ? 'batched' : 'sync', batchIntervalMs: 2 });
const bus = new LoggingEventBus<PayloadMap>({ registry: eventRegistry, audit: sink, logger: { info() {}, warn() {}, error() {} } });
// Large records (about 100 KB) make a kill in the middle of a write likely: the kernel gives up
// a write to a regular file between pages when a fatal signal arrives.
const content = 'message '.repeat(12_300);

let n = 0;
async function loop(): Promise<void> {
  for (;;) {
    const unconfirmed: string[] = [];
    for (let i = 0; i < 20; i++) {
      const event = bus.emit('session.message_received', {
        sessionId: '01JDQC1D2E3F4G5H6J7K8M9N0P',
        messageId: '01JDQC2E3F4G5H6J7K8M9N0P1Q',
        from: { kind: 'user', id: 'alice' },
        // Line and paragraph separators in every record: JSON leaves them raw, the codec must not.
        content: `${n++} \u2028 ${content} \u2029`,
      });
      if (durability === 'sync') process.stdout.write(`${event.id}\n`);
      else unconfirmed.push(event.id);
    }
    if (durability === 'batched') {
      await sink.flush();
      process.stdout.write(unconfirmed.map((id) => `${id}\n`).join(''));
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
}
await loop();
