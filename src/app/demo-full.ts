/**
 * `npm run demo:full`: the whole path against the real servers. The plan and decision services
 * keep their state in PostgreSQL and write their events to the outbox in the same transaction;
 * the outbox relay publishes them to NATS JetStream; a projection service consumes them into its
 * own audit trail. A step whose transaction rolls back announces nothing. Needs PostgreSQL
 * (`$DATABASE_URL`, default postgres://postgres@127.0.0.1:5432/test) and NATS (`$NATS_URL`,
 * default 127.0.0.1:4222).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import pg from 'pg';
import { JsonlAuditSink, LoggingEventBus, readAudit, serviceBus, type Logger } from 'eventspec';
import { ensureStreams, NatsEventConsumer } from 'eventspec/nats';
import { PostgresOutboxRelay } from 'eventspec/postgres';
import { eventRegistry, services as catalogueServices, type Actor, type PayloadMap } from '../../generated/index.ts';
import { services } from './composition-root.ts';
import { PostgresStore } from './postgres-store.ts';

const alice: Actor = { kind: 'user', id: 'alice' };
const planner: Actor = { kind: 'agent', id: 'planner-1' };
const quiet: Logger = { info() {}, warn() {}, error() {} };

export interface FullDemoOptions {
  readonly databaseUrl: string;
  readonly natsUrl: string;
  /** Table prefix and stream name of this run (default: fresh ones). */
  readonly tag?: string;
  readonly print?: (line: string) => void;
  /** Keep the demo's tables and streams afterwards (default: dropped). */
  readonly keep?: boolean;
}

/** Runs the demo; resolves with the ids of the events the projection received, in order. */
export async function runFullDemo(options: FullDemoOptions): Promise<{ committed: string[]; received: string[] }> {
  const print = options.print ?? console.log;
  const tag = options.tag ?? `demo_${Date.now().toString(36)}`;
  const where = { stream: tag.toUpperCase(), subjectPrefix: tag };
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 5 });
  const nc = await connect({ servers: options.natsUrl.split(','), maxReconnectAttempts: -1 });
  try {
    const store = new PostgresStore(pool, { prefix: `${tag}_` });
    await store.createTables();
    await ensureStreams(nc, where);
    const { plans, decisions } = services(store);

    print('— the projection service: a durable consumer of every event, into its own audit trail');
    const trail = join(mkdtempSync(join(tmpdir(), 'eventspec-demo-full-')), 'projection.jsonl');
    const audit = new JsonlAuditSink(trail, { durability: 'batched' });
    // The catalogue's audit-projection service: its contract names its durable consumer and what it selects.
    const projection = serviceBus(new LoggingEventBus<PayloadMap>({ registry: eventRegistry, audit, logger: quiet }), catalogueServices.auditProjection);
    const received: string[] = [];
    projection.subscribe('*', (event) => {
      received.push(event.id);
      print(`  projection received ${event.type} ${event.id}`);
    });
    const consumer = new NatsEventConsumer(nc, projection, eventRegistry, { ...where, audit, logger: quiet });
    await consumer.start();

    print('— the outbox relay: PostgreSQL → NATS, after each commit');
    const relay = new PostgresOutboxRelay(nc, pool, { source: '/agent-platform/planner', table: store.outbox.names.name, ...where, pollIntervalMs: 200, logger: quiet });
    await relay.start();

    print('— a plan and a decision, each step one transaction with its event');
    const plan = await plans.create({ title: 'Migrate billing to ledger v2', goal: 'Move every subscription.', priority: 'high', createdBy: planner, steps: [{ title: 'Snapshot balances' }] });
    await plans.approve(plan.id, alice, 'Outside business hours.');
    const decision = await decisions.request({ question: 'Which region first?', options: [{ id: 'eu', label: 'Europe' }, { id: 'us', label: 'United States' }], requestedBy: planner }, await plans.chain(plan.id));
    await decisions.record(decision.id, { choice: 'eu', decidedBy: planner });
    print('— a step whose event the schema refuses: the transaction rolls back, nothing is announced');
    try {
      await plans.start(plan.id, { kind: 'agent', id: '' });
    } catch (error) {
      print(`  refused: ${(error as Error).message}`);
    }
    print(`  the plan is still ${(await plans.get(plan.id)).status}`);

    const committed = ((await pool.query(`SELECT event_id FROM "${store.outbox.names.name}" ORDER BY position`)).rows as { event_id: string }[]).map((row) => row.event_id);
    const deadline = Date.now() + 15_000;
    while (received.length < committed.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    print(`— ${committed.length} events committed, ${received.length} received by the projection, each once`);

    print('— shutdown, in order: the relay (drained), the consumer, the trail');
    await relay.close({ drain: true, timeoutMs: 5000 });
    await consumer.stop({ timeoutMs: 5000 });
    await audit.close();
    let audited = 0;
    for await (const _event of readAudit(trail, eventRegistry)) audited++;
    print(`  the projection's trail holds ${audited} events (${trail})`);
    if (options.keep !== true) {
      // The demo's own tables and streams go again; the trail stays for a look.
      for (const table of ['plans', 'decisions', 'outbox']) await pool.query(`DROP TABLE IF EXISTS "${tag}_${table}"`);
      const jsm = await jetstreamManager(nc);
      for (const stream of [where.stream, `${where.stream}_DLQ`, `KV_eventspec_handled_${where.stream}_audit-projection`]) await jsm.streams.delete(stream).catch(() => false);
    }
    return { committed, received };
  } finally {
    await nc.drain().catch(() => undefined);
    await pool.end();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const databaseUrl = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
  const natsUrl = process.env['NATS_URL'] ?? '127.0.0.1:4222';
  try {
    await runFullDemo({ databaseUrl, natsUrl });
  } catch (error) {
    console.error(`demo:full needs PostgreSQL at ${databaseUrl} ($DATABASE_URL) and NATS with JetStream at ${natsUrl} ($NATS_URL): ${(error as Error).message}`);
    process.exit(1);
  }
}
