/**
 * A PostgreSQL outbox relay process, for the kill tests: relays the table to NATS until it is
 * killed or standard input ends. Arguments: servers, stream, subject prefix, table, batch size.
 */
import { connect } from '@nats-io/transport-node';
import { PostgresOutboxRelay } from '../../src/postgres/index.ts';
import { testPool } from './postgres.ts';

const [servers = '127.0.0.1:4222', stream = 'EVENTS', subjectPrefix = 'events', table = 'eventspec_outbox', batchText = '50'] = process.argv.slice(2);
const nc = await connect({ servers: servers.split(','), maxReconnectAttempts: -1, reconnectTimeWait: 100, waitOnFirstConnect: true });
const pool = testPool(4);
const relay = new PostgresOutboxRelay(nc, pool, { source: '/test/outbox', stream, subjectPrefix, table, batchSize: Number(batchText), pollIntervalMs: 50, logger: { info() {}, warn() {}, error() {} } });
await relay.start();
process.stdout.write('relaying\n');
process.stdin.resume();
await new Promise((resolve) => process.stdin.on('end', resolve));
await relay.close({ drain: true });
await pool.end();
await nc.drain();
