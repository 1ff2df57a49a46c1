/**
 * `npm run bench:nats`: end-to-end events per second and latency (publish → handler) through
 * JetStream, our transport against the plain client moving the same bytes and doing the same
 * per-message work a consumer must (parse the JSON, ack each message), in one run against the
 * server on 127.0.0.1:4222, rounds alternated. A benchmark, not a test: it prints figures only.
 * Our consumer runs as configured by default: it records each handled event in its key-value
 * bucket before the ack (the plain client has no such record), and has no audit sink.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { headers } from '@nats-io/nats-core';
import { AckPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { LoggingEventBus, type DomainEvent } from '../../src/index.ts';
import { ensureStreams, FileHandledEvents, NatsEventConsumer, NatsEventPublisher } from '../../src/nats/transport.ts';
import { eventRegistry, type PayloadMap } from '../../generated/index.ts';

const COUNT = Number(process.env['BENCH_NATS_COUNT'] ?? 20_000);
const WINDOW = 100;
const nc = await connect({ servers: process.env['NATS_URL'] ?? '127.0.0.1:4222', maxReconnectAttempts: -1 });
const jsm = await jetstreamManager(nc);
const js = jetstream(nc);
const quiet = { info() {}, warn() {}, error() {} };
const scratch = mkdtempSync(join(tmpdir(), 'eventspec-bench-nats-'));

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

interface Result {
  readonly name: string;
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
}

type HandledStore = 'kv' | 'file';

async function ours(tag: string, store: HandledStore): Promise<Result> {
  const where = { stream: `B${tag}`, subjectPrefix: `b${tag}` };
  const sent = new Map<string, number>();
  const latencies: number[] = [];
  const target = new LoggingEventBus<PayloadMap>({ registry: eventRegistry, logger: quiet });
  let received = 0;
  target.subscribe('plan.paused', (event) => {
    latencies.push(performance.now() - (sent.get(event.id) ?? 0));
    received++;
  });
  const file = store === 'file' ? new FileHandledEvents(join(scratch, `${tag}.ids`)) : undefined;
  const publisher = new NatsEventPublisher(nc, { ...where, source: '/bench' });
  await publisher.start();
  const consumer = new NatsEventConsumer(nc, target, eventRegistry, { ...where, durable: 'bench', logger: quiet, ...(file === undefined ? {} : { handled: file }) });
  await consumer.start();
  const source = new LoggingEventBus<PayloadMap>({ registry: eventRegistry, logger: quiet });
  const started = performance.now();
  for (let start = 0; start < COUNT; start += WINDOW) {
    const batch: DomainEvent<PayloadMap, 'plan.paused'>[] = [];
    for (let i = 0; i < WINDOW; i++) {
      const event = source.emit('plan.paused', { planId: '01JDQ8Z1X4N6V7W8Y9ZAB2C3DE', pausedBy: { kind: 'agent', id: 'bench' }, reason: `n${start + i}` });
      sent.set(event.id, performance.now());
      batch.push(event);
    }
    await Promise.all(batch.map((event) => publisher.publish(event)));
  }
  while (received < COUNT) await new Promise((resolve) => setTimeout(resolve, 1));
  const seconds = (performance.now() - started) / 1000;
  await consumer.stop();
  await file?.close();
  for (const stream of [where.stream, `${where.stream}_DLQ`, `KV_eventspec_handled_${where.stream}_bench`]) await jsm.streams.delete(stream).catch(() => false);
  const record = store === 'kv' ? 'in the key-value bucket (the default)' : 'in a local file (FileHandledEvents)';
  return { name: `eventspec: validated emit, publish, consume, validate, ingest into a bus, record as handled ${record}, ack`, perSecond: COUNT / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

async function raw(tag: string): Promise<Result> {
  const stream = `R${tag}`;
  const prefix = `r${tag}`;
  await ensureStreams(jsm, { stream, subjectPrefix: prefix });
  await jsm.consumers.add(stream, { durable_name: 'bench', ack_policy: AckPolicy.Explicit, filter_subject: `${prefix}.>` });
  // The same bytes our transport sends: the JSON payload and the CloudEvents headers.
  const template = new LoggingEventBus<PayloadMap>({ registry: eventRegistry, logger: quiet }).emit('plan.paused', { planId: '01JDQ8Z1X4N6V7W8Y9ZAB2C3DE', pausedBy: { kind: 'agent', id: 'bench' }, reason: 'n0' });
  const sent = new Map<string, number>();
  const latencies: number[] = [];
  let received = 0;
  const messages = await (await js.consumers.get(stream, 'bench')).consume();
  const consuming = (async () => {
    for await (const message of messages) {
      // The work any consumer does: read the payload and acknowledge the message.
      const payload = JSON.parse(new TextDecoder().decode(message.data)) as { reason?: unknown };
      if (typeof payload.reason !== 'string') throw new Error('unexpected payload');
      latencies.push(performance.now() - (sent.get(message.headers?.get('ce-id') ?? '') ?? 0));
      received++;
      message.ack();
      if (received >= COUNT) break;
    }
  })();
  const started = performance.now();
  for (let start = 0; start < COUNT; start += WINDOW) {
    const batch: Promise<unknown>[] = [];
    for (let i = 0; i < WINDOW; i++) {
      const id = `${template.id.slice(0, 16)}${String(start + i).padStart(10, '0')}`;
      const h = headers();
      for (const [name, value] of [['ce-specversion', '1.0'], ['ce-id', id], ['ce-source', '/bench'], ['ce-type', 'plan.paused'], ['ce-time', template.timestamp], ['ce-dataschema', 'urn:eventspec:events:plan.paused:v1'], ['ce-correlationid', id], ['content-type', 'application/json']]) h.set(name as string, value as string);
      sent.set(id, performance.now());
      batch.push(js.publish(`${prefix}.plan.paused`, new TextEncoder().encode(JSON.stringify({ ...template.payload, reason: `n${start + i}` })), { msgID: id, headers: h }));
    }
    await Promise.all(batch);
  }
  await consuming;
  const seconds = (performance.now() - started) / 1000;
  messages.stop();
  await jsm.streams.delete(stream);
  await jsm.streams.delete(`${stream}_DLQ`);
  return { name: 'plain client: publish the same bytes and headers with a message id, consume, JSON.parse, ack', perSecond: COUNT / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

const tag = Date.now().toString(36);
const ROUNDS = Number(process.env['BENCH_NATS_ROUNDS'] ?? 4);
const ONLY = process.env['BENCH_NATS_ONLY'];
if (ONLY !== undefined && !['plain', 'kv', 'file'].includes(ONLY)) throw new Error(`BENCH_NATS_ONLY is plain, kv or file, not ${JSON.stringify(ONLY)}`);
// Interleaved rounds, so neither side always runs on a cold or a warm server; this machine is
// noisy (two cores shared by the server, the publisher and the consumer), hence medians.
const results: Result[] = [];
const ratios: Record<HandledStore, number[]> = { kv: [], file: [] };
for (let round = 0; round < ROUNDS; round++) {
  // Each round runs the plain client and both of our configurations, in a rotated order.
  const runs: (() => Promise<Result>)[] = [() => raw(`${tag}${round}`), () => ours(`${tag}${round}k`, 'kv'), () => ours(`${tag}${round}f`, 'file')];
  if (ONLY !== undefined) {
    // One configuration alone, for profiling it (its CPU, or the server's, over the whole run).
    const alone = await runs[['plain', 'kv', 'file'].indexOf(ONLY)]!();
    console.log(`${alone.name}: ${Math.round(alone.perSecond)}/s, p50 ${alone.p50.toFixed(1)} ms, p99 ${alone.p99.toFixed(1)} ms`);
    continue;
  }
  const order = [0, 1, 2].map((index) => (index + round) % 3);
  const byIndex = new Map<number, Result>();
  for (const index of order) byIndex.set(index, await (runs[index] ?? runs[0]!)());
  const [plain, kv, file] = [byIndex.get(0)!, byIndex.get(1)!, byIndex.get(2)!];
  results.push(plain, kv, file);
  ratios.kv.push(kv.perSecond / plain.perSecond);
  ratios.file.push(file.perSecond / plain.perSecond);
}
if (ONLY !== undefined) process.exit(0);
const median = (values: number[]): number => percentile(values, 50);
const summary = (prefix: string): string => {
  const runs = results.filter((result) => result.name.startsWith(prefix));
  return `| ${runs[0]?.name ?? prefix} | ${Math.round(median(runs.map((run) => run.perSecond)))} | ${median(runs.map((run) => run.p50)).toFixed(1)} | ${median(runs.map((run) => run.p99)).toFixed(1)} |`;
};
console.log(`# eventspec NATS benchmark (${new Date().toISOString().slice(0, 10)}, ${process.version}), ${COUNT} events per run, ${WINDOW} publishes in flight, ${ROUNDS} rounds in rotated order (medians)\n`);
console.log('| path | events/s | p50 ms | p99 ms |\n| --- | --- | --- | --- |');
for (const prefix of ['plain', 'eventspec: validated emit, publish, consume, validate, ingest into a bus, record as handled in the key', 'eventspec: validated emit, publish, consume, validate, ingest into a bus, record as handled in a local']) console.log(summary(prefix));
for (const store of ['kv', 'file'] as const) {
  const ratio = median(ratios[store]);
  console.log(`\nours (${store}) / plain client, per round: ${ratios[store].map((each) => each.toFixed(2)).join(', ')}; median ${ratio.toFixed(2)} (goal ≥ 0.90: ${ratio >= 0.9 ? 'met' : 'not met'})`);
}
rmSync(scratch, { recursive: true, force: true });
await nc.close();
