/**
 * The PostgreSQL outbox against the real server of this machine and the real NATS server:
 * commit and rollback, a validation error inside the transaction, two relays racing on one
 * table with per-subject order kept, a relay process killed mid-batch, LISTEN/NOTIFY, pruning.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventValidationError } from '../../src/index.ts';
import { createOutboxTable, outboxTableSql, PostgresOutbox, PostgresOutboxRelay } from '../../src/postgres/index.ts';
import { ensureStreams } from '../../src/nats/transport.ts';
import { emitPlanApproved, emitPlanPaused, eventRegistry, type PayloadMap } from '../../generated/index.ts';
import { CapturingLogger } from '../support/capturing-logger.ts';
import { testPool, uniqueTable } from '../support/postgres.ts';
import { until } from '../support/until.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SERVER = process.env['NATS_URL'] ?? '127.0.0.1:4222';
let nc: NatsConnection;
let pool: pg.Pool;
const tables: string[] = [];
const streams: string[] = [];

beforeAll(async () => {
  nc = await connect({ servers: SERVER, maxReconnectAttempts: -1 });
  pool = testPool();
});
afterAll(async () => {
  for (const table of tables) await pool.query(`DROP TABLE IF EXISTS "${table}"`);
  await pool.end();
  const jsm = await jetstreamManager(nc);
  for (const stream of streams) await jsm.streams.delete(stream).catch(() => false);
  await nc.close();
});

async function fresh(): Promise<{ table: string; outbox: PostgresOutbox<PayloadMap>; where: { stream: string; subjectPrefix: string } }> {
  const table = uniqueTable('outbox');
  tables.push(table);
  await createOutboxTable(pool, { table });
  const tag = table.replaceAll('_', '');
  streams.push(`S${tag}`, `S${tag}_DLQ`);
  return { table, outbox: new PostgresOutbox({ registry: eventRegistry, table }), where: { stream: `S${tag}`, subjectPrefix: tag } };
}

const alice = { kind: 'user', id: 'alice' } as const;
const planId = '01JDQ8Z1X4N6V7W8Y9ZAB2C3DE';

async function rows(table: string): Promise<{ event_id: string; event_type: string; published: boolean }[]> {
  return (await pool.query(`SELECT event_id, event_type, published_at IS NOT NULL AS published FROM "${table}" ORDER BY position`)).rows as { event_id: string; event_type: string; published: boolean }[];
}

async function waiting(table: string): Promise<number> {
  return ((await pool.query(`SELECT count(*)::int AS n FROM "${table}" WHERE published_at IS NULL`)).rows[0] as { n: number }).n;
}

/** The message ids the stream holds, with their subjects, in stream order (read by an ordered consumer, as many at once as there are). */
async function stored(stream: string): Promise<{ id: string; subject: string }[]> {
  const jsm = await jetstreamManager(nc);
  const info = await jsm.streams.info(stream).catch(() => undefined);
  if (info === undefined || info.state.messages === 0) return [];
  const reader = await jetstream(nc).consumers.get(stream);
  const all: { id: string; subject: string }[] = [];
  const messages = await reader.fetch({ max_messages: info.state.messages, expires: 5000 });
  for await (const message of messages) {
    all.push({ id: message.headers?.get('Nats-Msg-Id') ?? '', subject: message.subject });
    if (all.length >= info.state.messages) break;
  }
  return all;
}

describe('the PostgreSQL outbox', () => {
  it('ships its table as SQL, and creates it idempotently', async () => {
    expect(outboxTableSql({ table: 'app.events_out' })).toContain('CREATE TABLE IF NOT EXISTS "app"."events_out" (');
    expect(() => outboxTableSql({ table: 'x; DROP TABLE y' })).toThrow(/expected a lower-case SQL name/);
    const { table } = await fresh();
    await createOutboxTable(pool, { table });
    expect(await rows(table)).toEqual([]);
  });

  it('writes the events of a committed transaction with its state, and nothing of a rolled-back one', async () => {
    const { table, outbox } = await fresh();
    await pool.query(`CREATE TABLE "${table}_plans" (id text PRIMARY KEY, status text NOT NULL)`);
    tables.push(`${table}_plans`);
    const committed = await outbox.transaction(pool, async ({ client, events }) => {
      await client.query(`INSERT INTO "${table}_plans" VALUES ($1, 'approved')`, [planId]);
      return emitPlanApproved(events, { planId, approvedBy: alice });
    });
    await expect(outbox.transaction(pool, async ({ client, events }) => {
      await client.query(`UPDATE "${table}_plans" SET status = 'paused' WHERE id = $1`, [planId]);
      emitPlanPaused(events, { planId, pausedBy: alice, reason: 'never happened' });
      throw new Error('the unit of work failed after emitting');
    })).rejects.toThrow('the unit of work failed after emitting');
    // A payload the schema refuses fails the transaction at emit, with the same error as a bus.
    await expect(outbox.transaction(pool, async ({ events }) => {
      emitPlanPaused(events, { planId, pausedBy: alice, reason: '' });
    })).rejects.toThrow(EventValidationError);
    expect(await rows(table)).toEqual([{ event_id: committed.id, event_type: 'plan.approved', published: false }]);
    expect((await pool.query(`SELECT status FROM "${table}_plans"`)).rows).toEqual([{ status: 'approved' }]);
    const [row] = (await pool.query(`SELECT event FROM "${table}"`)).rows as { event: unknown }[];
    expect(row?.event).toEqual(JSON.parse(JSON.stringify(committed)));
  });

  it('a relay publishes committed rows in order, marks them, wakes on NOTIFY, and prunes', async () => {
    const { table, outbox, where } = await fresh();
    const relay = new PostgresOutboxRelay(nc, pool, { source: '/test', table, ...where, pollIntervalMs: 60_000, keepPublishedMs: 500, logger: new CapturingLogger() });
    await relay.start();
    await until(async () => (await jetstreamManager(nc)).streams.info(where.stream).then(() => true, () => false), 'the streams');
    const started = Date.now();
    const ids = await outbox.transaction(pool, async ({ events }) => [emitPlanApproved(events, { planId, approvedBy: alice }).id, emitPlanPaused(events, { planId, pausedBy: alice, reason: 'r' }).id]);
    // The poll interval is a minute: only the notification can wake the relay this soon.
    await until(async () => (await stored(where.stream)).length === 2, 'both events', 10_000);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect((await stored(where.stream)).map((each) => each.id)).toEqual(ids);
    await until(async () => (await rows(table)).every((row) => row.published), 'both marked');
    // Kept keepPublishedMs, then deleted by the next batch's pruning.
    await new Promise((resolve) => setTimeout(resolve, 700));
    await outbox.transaction(pool, async ({ events }) => void emitPlanApproved(events, { planId, approvedBy: alice }));
    await until(async () => (await rows(table)).length === 1 && (await rows(table))[0]?.published === true, 'the old rows pruned', 10_000);
    await relay.close();
  });

  it('two relays racing on one table: every committed event once on NATS, each writer’s events of a subject in the order it committed them', async () => {
    const { table, outbox, where } = await fresh();
    await ensureStreams(nc, where);
    const relays = [0, 1].map(() => new PostgresOutboxRelay(nc, pool, { source: '/test', table, ...where, batchSize: 20, pollIntervalMs: 10, logger: new CapturingLogger() }));
    for (const relay of relays) await relay.start();
    const types = ['plan.approved', 'plan.paused'] as const;
    const written: { id: string; type: string; writer: number }[] = [];
    // Four writers, each committing 25 transactions of 1–5 events one after another, while both relays run.
    await Promise.all(Array.from({ length: 4 }, async (_, writer) => {
      for (let n = 0; n < 25; n++) {
        const batch = await outbox.transaction(pool, async ({ events }) => Array.from({ length: 1 + ((n + writer) % 5) }, (_, i) => (types[(n + i) % 2] === 'plan.approved' ? emitPlanApproved(events, { planId, approvedBy: alice }) : emitPlanPaused(events, { planId, pausedBy: alice, reason: `w${writer} n${n} i${i}` }))));
        written.push(...batch.map((event) => ({ id: event.id, type: event.type, writer })));
      }
    }));
    await until(async () => (await stored(where.stream)).length >= written.length, `${written.length} events`, 30_000);
    const statuses = await Promise.all(relays.map((relay) => relay.close({ drain: true })));
    const inStream = await stored(where.stream);
    expect(inStream).toHaveLength(written.length);
    expect(new Set(inStream.map((each) => each.id))).toEqual(new Set(written.map((each) => each.id)));
    // Both relays did work. Concurrent transactions have no order between them; what one writer
    // committed after another of its transactions comes after it, subject by subject.
    expect(statuses.every((status) => status.published > 0)).toBe(true);
    const streamOrder = new Map(inStream.map((each, index) => [each.id, index]));
    for (const type of types) {
      for (let writer = 0; writer < 4; writer++) {
        const mine = written.filter((each) => each.type === type && each.writer === writer).map((each) => streamOrder.get(each.id) ?? -1);
        expect(mine).toEqual([...mine].sort((a, b) => a - b));
      }
    }
    expect((await rows(table)).every((row) => row.published)).toBe(true);
  });

  it('a relay process killed mid-batch leaves its rows for the next one: every event once in the stream', { timeout: 90_000 }, async () => {
    const { table, outbox, where } = await fresh();
    await ensureStreams(nc, where);
    const total = 5000;
    for (let start = 0; start < total; start += 500) {
      await outbox.transaction(pool, async ({ events }) => {
        for (let n = start; n < start + 500; n++) emitPlanPaused(events, { planId, pausedBy: alice, reason: `n${n}` });
      });
    }
    const startRelay = () => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test', 'support', 'outbox-relay.ts'), SERVER, where.stream, where.subjectPrefix, table, '100'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
      return { child, started: () => out.includes('relaying'), exited: new Promise((resolve) => child.on('exit', resolve)) };
    };
    let kills = 0;
    let killedMidway = 0;
    for (let round = 0; round < 6; round++) {
      const relay = startRelay();
      await until(relay.started, 'the relay');
      await new Promise((resolve) => setTimeout(resolve, 50 + round * 60));
      relay.child.kill('SIGKILL');
      await relay.exited;
      kills++;
      const left = await waiting(table);
      if (left > 0 && left < total) killedMidway++;
    }
    expect(kills).toBe(6);
    expect(killedMidway).toBeGreaterThan(0);
    const last = startRelay();
    await until(last.started, 'the last relay');
    await until(async () => (await waiting(table)) === 0, 'every row published', 60_000);
    last.child.stdin.end();
    await last.exited;
    const inStream = await stored(where.stream);
    expect(inStream).toHaveLength(total);
    expect(new Set(inStream.map((each) => each.id)).size).toBe(total);
  });
});
