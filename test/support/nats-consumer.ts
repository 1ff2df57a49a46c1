/**
 * A consuming process for the NATS tests: a durable consumer into a local bus whose audit trail
 * is a JSON-lines file, seeded at start with the ids that file already holds. Prints each id
 * its handler sees; exits once `count` different events have arrived.
 * Arguments: servers (comma-separated), stream, subject prefix, durable, audit file, count, replicas.
 */
import { existsSync } from 'node:fs';
import { connect } from '@nats-io/transport-node';
import { JsonlAuditSink, LoggingEventBus, readAudit } from '../../src/index.ts';
import { ensureStreams, NatsEventConsumer } from '../../src/nats/transport.ts';
import { eventRegistry, type PayloadMap } from '../../generated/index.ts';

const [servers = '127.0.0.1:4222', stream = 'EVENTS', subjectPrefix = 'events', durable = 'test', auditPath = 'audit.jsonl', countText = '1000', replicas = '1'] = process.argv.slice(2);
const count = Number(countText);
const audit = new JsonlAuditSink(auditPath, { durability: 'batched' });
const known: string[] = [];
if (existsSync(auditPath)) for await (const event of readAudit(auditPath, eventRegistry)) known.push(event.id);
const bus = new LoggingEventBus<PayloadMap>({ registry: eventRegistry, audit, logger: { info() {}, warn() {}, error() {} } });
const seen = new Set(known);
bus.subscribe('*', (event) => {
  seen.add(event.id);
  process.stdout.write(`${event.id}\n`);
});
const nc = await connect({ servers: servers.split(','), maxReconnectAttempts: -1, reconnectTimeWait: 100 });
// The deployment creates the streams (as a publisher's start() does); a consumer never does.
await ensureStreams(nc, { stream, subjectPrefix, replicas: Number(replicas) });
const quiet = { info() {}, warn() {}, error() {} };
const consumer = new NatsEventConsumer(nc, bus, eventRegistry, { stream, subjectPrefix, durable, alreadyAudited: known, audit, ackWaitMs: 2000, replicas: Number(replicas), logger: quiet });
await consumer.start();
const started = Date.now();
while (seen.size < count && Date.now() - started < 120_000) await new Promise((resolve) => setTimeout(resolve, 50));
await consumer.stop();
await audit.close();
await nc.drain();
