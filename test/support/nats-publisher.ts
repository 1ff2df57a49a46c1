/**
 * A publishing process for the NATS tests: emits `count` events on a local bus and publishes
 * each, a window at a time, printing the id of every event the stream acknowledged.
 * Arguments: servers (comma-separated), stream, subject prefix, count, replicas.
 */
import { connect } from '@nats-io/transport-node';
import { LoggingEventBus } from '../../src/index.ts';
import { NatsEventPublisher } from '../../src/nats/transport.ts';
import { eventRegistry, type PayloadMap } from '../../generated/index.ts';

const [servers = '127.0.0.1:4222', stream = 'EVENTS', subjectPrefix = 'events', countText = '1000', replicas = '1'] = process.argv.slice(2);
const count = Number(countText);
const nc = await connect({ servers: servers.split(','), maxReconnectAttempts: -1, reconnectTimeWait: 100 });
const publisher = new NatsEventPublisher(nc, { source: '/test/publisher', stream, subjectPrefix, attempts: 60, replicas: Number(replicas) });
await publisher.start();
const bus = new LoggingEventBus<PayloadMap>({ registry: eventRegistry, logger: { info() {}, warn() {}, error() {} } });
const WINDOW = 100;
for (let start = 0; start < count; start += WINDOW) {
  const batch = Array.from({ length: Math.min(WINDOW, count - start) }, (_, i) =>
    bus.emit('plan.paused', { planId: '01JDQ8Z1X4N6V7W8Y9ZAB2C3DE', pausedBy: { kind: 'agent', id: 'p' }, reason: `n${start + i}` }));
  const acks = await Promise.all(batch.map((event) => publisher.publish(event)));
  process.stdout.write(batch.map((event, i) => `${event.id} ${acks[i]?.duplicate === true ? 'dup' : 'new'}\n`).join(''));
}
await nc.drain();
