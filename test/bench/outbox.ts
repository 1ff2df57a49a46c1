/**
 * `npm run bench:outbox`: what the outboxes cost, each against the anchor doing the same work, in
 * one run, rounds alternated (medians; this machine has two noisy cores). A benchmark, not a
 * test: it prints figures only. Needs NATS (127.0.0.1:4222) and PostgreSQL (database test).
 *
 * 1. Relay throughput: an audit trail of N events relayed to JetStream by `AuditRelay` (read,
 *    publish with the id as message id, checkpoint after each acknowledged window), against the
 *    plain client publishing the same records (read into memory before its clock starts; the
 *    same bytes and headers, the same window) with nothing kept.
 * 2. What the PostgreSQL outbox adds to a transaction: a unit of work that upserts a state row and
 *    emits one event through the outbox (validated, stamped, inserted with its NOTIFY), against the
 *    same transaction with a plain INSERT of the event's JSON into a plain table.
 * 3. End to end, at a steady rate: emit → sync audit trail → AuditRelay → JetStream → consumer →
 *    handler, and commit → PostgreSQL outbox → relay → JetStream → consumer → handler: p50 and p99.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { headers } from '@nats-io/nats-core';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import pg from 'pg';
import { JsonlAuditSink, LoggingEventBus, readAuditRecords, type DomainEvent } from '../../src/index.ts';
import { AuditRelay, ensureStreams, MemoryHandledEvents, NatsEventConsumer } from '../../src/nats/transport.ts';
import { createOutboxTable, PostgresOutbox, PostgresOutboxRelay } from '../../src/postgres/index.ts';
import { emitPlanPaused, eventRegistry, type PayloadMap } from '../../generated/index.ts';
import { PG_URL } from '../support/postgres.ts';

const COUNT = Number(process.env['BENCH_OUTBOX_COUNT'] ?? 20_000);
const ROUNDS = Number(process.env['BENCH_OUTBOX_ROUNDS'] ?? 3);
const WINDOW = 256;
const nc = await connect({ servers: process.env['NATS_URL'] ?? '127.0.0.1:4222', maxReconnectAttempts: -1 });
const jsm = await jetstreamManager(nc);
const js = jetstream(nc);
const pool = new pg.Pool({ connectionString: PG_URL, max: 8 });
const quiet = { info() {}, warn() {}, error() {} };
const scratch = mkdtempSync(join(tmpdir(), 'eventspec-bench-outbox-'));
const tag = Date.now().toString(36);
const pausedBy = { kind: 'agent', id: 'bench' } as const;
const planId = '01JDQ8Z1X4N6V7W8Y9ZAB2C3DE';

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
const percentile = (values: readonly number[], p: number): number => {
  const sorted = values.filter((value) => !Number.isNaN(value)).sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};

async function dropStreams(stream: string, extra: readonly string[] = []): Promise<void> {
  for (const name of [stream, `${stream}_DLQ`, ...extra]) await jsm.streams.delete(name).catch(() => false);
}

/** One trail of COUNT events, written once and relayed by both sides. */
async function writeTrail(): Promise<string> {
  const path = join(scratch, 'trail.jsonl');
  const sink = new JsonlAuditSink(path, { durability: 'batched', batchSize: 4096 });
  const bus = new LoggingEventBus<PayloadMap>({ registry: eventRegistry, audit: sink, logger: quiet });
  for (let n = 0; n < COUNT; n++) bus.emit('plan.paused', { planId, pausedBy, reason: `n${n}` });
  await sink.close();
  return path;
}

async function untilStored(stream: string, count: number): Promise<void> {
  while (((await jsm.streams.info(stream).catch(() => undefined))?.state.messages ?? 0) < count) await new Promise((resolve) => setTimeout(resolve, 5));
}

async function relayOurs(trail: string, round: number): Promise<number> {
  const where = { stream: `RO${tag}${round}`, subjectPrefix: `ro${tag}${round}` };
  await ensureStreams(nc, where);
  const started = performance.now();
  const relay = new AuditRelay(nc, { trail, checkpoint: join(scratch, `ours-${round}.relay`), source: '/bench', ...where, window: WINDOW, logger: quiet });
  await relay.start();
  await relay.close({ drain: true, timeoutMs: 600_000 });
  const seconds = (performance.now() - started) / 1000;
  await dropStreams(where.stream);
  return COUNT / seconds;
}

async function relayPlain(trail: string, round: number): Promise<number> {
  const where = { stream: `RP${tag}${round}`, subjectPrefix: `rp${tag}${round}` };
  await ensureStreams(nc, where);
  // Read before the clock starts: the anchor is the plain client's publishing alone.
  const events: DomainEvent<PayloadMap>[] = [];
  for await (const record of readAuditRecords(trail)) events.push(record.event as DomainEvent<PayloadMap>);
  const started = performance.now();
  let window: Promise<unknown>[] = [];
  for (const event of events) {
    const h = headers();
    for (const [name, value] of [['ce-specversion', '1.0'], ['ce-id', event.id], ['ce-source', '/bench'], ['ce-type', event.type], ['ce-time', event.timestamp], ['ce-dataschema', `urn:eventspec:events:${event.type}:v${event.version}`], ['ce-correlationid', event.correlationId], ['content-type', 'application/json']] as const) h.set(name, value);
    window.push(js.publish(`${where.subjectPrefix}.${event.type}`, new TextEncoder().encode(JSON.stringify(event.payload)), { msgID: event.id, headers: h }));
    if (window.length >= WINDOW) {
      await Promise.all(window);
      window = [];
    }
  }
  await Promise.all(window);
  const seconds = (performance.now() - started) / 1000;
  await dropStreams(where.stream);
  return COUNT / seconds;
}

const TRANSACTIONS = Number(process.env['BENCH_OUTBOX_TRANSACTIONS'] ?? 2000);

async function transactionsOurs(table: string, outbox: PostgresOutbox<PayloadMap>): Promise<number> {
  const started = performance.now();
  for (let n = 0; n < TRANSACTIONS; n++) {
    await outbox.transaction(pool, async ({ client, events }) => {
      await client.query(`INSERT INTO "${table}_state" (id, status) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status`, [planId, `n${n}`]);
      emitPlanPaused(events, { planId, pausedBy, reason: `n${n}` });
    });
  }
  return ((performance.now() - started) * 1000) / TRANSACTIONS;
}

async function transactionsPlain(table: string, template: DomainEvent<PayloadMap>, round: number): Promise<number> {
  const started = performance.now();
  for (let n = 0; n < TRANSACTIONS; n++) {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`INSERT INTO "${table}_state" (id, status) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status`, [planId, `n${n}`]);
      await client.query(`INSERT INTO "${table}_plain" (event_id, event) VALUES ($1, $2)`, [`${template.id.slice(0, 14)}${String(round).padStart(2, '0')}${String(n).padStart(10, '0')}`, JSON.stringify({ ...template, payload: { ...template.payload, reason: `n${n}` } })]);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
  }
  return ((performance.now() - started) * 1000) / TRANSACTIONS;
}

const RATE = Number(process.env['BENCH_OUTBOX_RATE'] ?? 500);
const SECONDS = Number(process.env['BENCH_OUTBOX_SECONDS'] ?? 4);

/** A consumer whose handler records the latency from the time each event was made. */
async function latencyConsumer(where: { stream: string; subjectPrefix: string }, made: Map<string, number>, latencies: number[]) {
  const bus = new LoggingEventBus<PayloadMap>({ registry: eventRegistry, logger: quiet });
  bus.subscribe('plan.paused', (event) => {
    latencies.push(performance.now() - (made.get(event.id) ?? Number.NaN));
  });
  const consumer = new NatsEventConsumer(nc, bus, eventRegistry, { ...where, durable: 'bench', handled: new MemoryHandledEvents(), logger: quiet });
  await consumer.start();
  return consumer;
}

async function endToEndTrail(round: number): Promise<number[]> {
  const where = { stream: `ET${tag}${round}`, subjectPrefix: `et${tag}${round}` };
  await ensureStreams(nc, where);
  const trail = join(scratch, `e2e-${round}.jsonl`);
  const sink = new JsonlAuditSink(trail, { durability: 'sync' });
  const bus = new LoggingEventBus<PayloadMap>({ registry: eventRegistry, audit: sink, logger: quiet });
  const made = new Map<string, number>();
  const latencies: number[] = [];
  const consumer = await latencyConsumer(where, made, latencies);
  const relay = new AuditRelay(nc, { trail, source: '/bench', ...where, pollIntervalMs: 5, logger: quiet });
  await relay.start();
  const total = RATE * SECONDS;
  const started = performance.now();
  for (let n = 0; n < total; n++) {
    while (performance.now() - started < (n * 1000) / RATE) await new Promise((resolve) => setTimeout(resolve, 1));
    const event = bus.emit('plan.paused', { planId, pausedBy, reason: `n${n}` });
    made.set(event.id, performance.now());
  }
  while (latencies.length < total) await new Promise((resolve) => setTimeout(resolve, 5));
  await relay.close();
  await consumer.stop();
  await sink.close();
  await dropStreams(where.stream);
  return latencies;
}

async function endToEndPostgres(round: number): Promise<number[]> {
  const where = { stream: `EP${tag}${round}`, subjectPrefix: `ep${tag}${round}` };
  await ensureStreams(nc, where);
  const table = `bench_e2e_${tag}_${round}`;
  await createOutboxTable(pool, { table });
  const outbox = new PostgresOutbox({ registry: eventRegistry, table });
  const made = new Map<string, number>();
  const latencies: number[] = [];
  const consumer = await latencyConsumer(where, made, latencies);
  const relay = new PostgresOutboxRelay(nc, pool, { source: '/bench', table, ...where, pollIntervalMs: 1000, logger: quiet });
  await relay.start();
  const total = RATE * SECONDS;
  const started = performance.now();
  for (let n = 0; n < total; n++) {
    while (performance.now() - started < (n * 1000) / RATE) await new Promise((resolve) => setTimeout(resolve, 1));
    // Timed from the start of the transaction (it commits a millisecond or so later): the
    // consumer can hear of the event before this process hears that the commit is done.
    const begun = performance.now();
    await outbox.transaction(pool, async ({ events }) => {
      made.set(emitPlanPaused(events, { planId, pausedBy, reason: `n${n}` }).id, begun);
    });
  }
  while (latencies.length < total) await new Promise((resolve) => setTimeout(resolve, 5));
  await relay.close();
  await consumer.stop();
  await pool.query(`DROP TABLE "${table}"`);
  await dropStreams(where.stream);
  return latencies;
}

const trail = await writeTrail();
const relayRatios: number[] = [];
const relayRates = { ours: [] as number[], plain: [] as number[] };
for (let round = 0; round < ROUNDS; round++) {
  const first = round % 2 === 0;
  const a = first ? await relayOurs(trail, round) : await relayPlain(trail, round);
  const b = first ? await relayPlain(trail, round) : await relayOurs(trail, round);
  const [ours, plain] = first ? [a, b] : [b, a];
  relayRates.ours.push(ours);
  relayRates.plain.push(plain);
  relayRatios.push(ours / plain);
}

const table = `bench_tx_${tag}`;
await createOutboxTable(pool, { table });
await pool.query(`CREATE TABLE "${table}_state" (id text PRIMARY KEY, status text NOT NULL)`);
await pool.query(`CREATE TABLE "${table}_plain" (position bigserial PRIMARY KEY, event_id text NOT NULL UNIQUE, event json NOT NULL)`);
const outbox = new PostgresOutbox({ registry: eventRegistry, table });
const template = new LoggingEventBus<PayloadMap>({ registry: eventRegistry, logger: quiet }).emit('plan.paused', { planId, pausedBy, reason: 'n0' });
const transactionCost = { ours: [] as number[], plain: [] as number[] };
for (let round = 0; round < ROUNDS; round++) {
  if (round % 2 === 0) {
    transactionCost.ours.push(await transactionsOurs(table, outbox));
    transactionCost.plain.push(await transactionsPlain(table, template, round));
  } else {
    transactionCost.plain.push(await transactionsPlain(table, template, round));
    transactionCost.ours.push(await transactionsOurs(table, outbox));
  }
}
for (const suffix of ['', '_state', '_plain']) await pool.query(`DROP TABLE "${table}${suffix}"`);

const trailLatencies: number[] = [];
const postgresLatencies: number[] = [];
for (let round = 0; round < Math.min(ROUNDS, 2); round++) {
  trailLatencies.push(...(await endToEndTrail(round)));
  postgresLatencies.push(...(await endToEndPostgres(round)));
}

console.log(`# eventspec outbox benchmark (${new Date().toISOString().slice(0, 10)}, ${process.version}), ${ROUNDS} rounds alternated (medians)\n`);
console.log(`## Relay throughput: ${COUNT} events from an audit trail to JetStream, ${WINDOW} in flight\n`);
console.log('| relay | events/s |\n| --- | --- |');
console.log(`| plain client: publish the same records (already in memory), bytes and headers, with a message id | ${Math.round(median(relayRates.plain))} |`);
console.log(`| AuditRelay: read the trail from disk, publish, checkpoint after each acknowledged window | ${Math.round(median(relayRates.ours))} |`);
console.log(`\nAuditRelay / plain client per round: ${relayRatios.map((ratio) => ratio.toFixed(2)).join(', ')}; median ${median(relayRatios).toFixed(2)}\n`);
console.log(`## What the outbox adds to a transaction (${TRANSACTIONS} transactions, one connection at a time)\n`);
console.log('| transaction | µs each |\n| --- | --- |');
console.log(`| upsert a state row + plain INSERT of the event's JSON | ${Math.round(median(transactionCost.plain))} |`);
console.log(`| upsert a state row + emit through the outbox (validate, stamp, INSERT with NOTIFY) | ${Math.round(median(transactionCost.ours))} |`);
console.log(`\noutbox / plain INSERT per round: ${transactionCost.ours.map((ours, index) => (ours / (transactionCost.plain[index] ?? Number.NaN)).toFixed(2)).join(', ')}; median ${median(transactionCost.ours.map((ours, index) => ours / (transactionCost.plain[index] ?? Number.NaN))).toFixed(2)}\n`);
console.log(`## End to end at ${RATE} events/s for ${SECONDS} s (from emit or commit to the consumer's handler)\n`);
console.log('| path | p50 ms | p99 ms |\n| --- | --- | --- |');
console.log(`| emit → sync audit trail → AuditRelay → JetStream → consumer | ${percentile(trailLatencies, 50).toFixed(1)} | ${percentile(trailLatencies, 99).toFixed(1)} |`);
console.log(`| transaction → PostgreSQL outbox → relay (LISTEN) → JetStream → consumer | ${percentile(postgresLatencies, 50).toFixed(1)} | ${percentile(postgresLatencies, 99).toFixed(1)} |`);
rmSync(scratch, { recursive: true, force: true });
await pool.end();
await nc.close();
