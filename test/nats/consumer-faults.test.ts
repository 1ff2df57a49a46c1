/**
 * The NATS consumer when things go wrong as they do in production, against real servers: a
 * handler that never settles, the handled-events bucket deleted, the durable consumer deleted, the
 * server's store wiped, a poison message near max_payload, dead letters replayed after a fix,
 * ids a header cannot carry, a ce-type that contradicts the subject, a body that is not UTF-8,
 * and a producer whose clock runs ten minutes fast.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { connect } from '@nats-io/transport-node';
import { headers, type NatsConnection } from '@nats-io/nats-core';
import { natsTestKit, SERVER } from '../support/nats-test.ts';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { describe, expect, it } from 'vitest';
import { createIdGenerator, EventValidationError, fromCloudEvent, JsonlAuditSink, LoggingEventBus, MemoryAuditSink, readAudit, type DomainEvent } from '../../src/index.ts';
import { DeadLetters, ensureStreams, NatsEventConsumer, NatsEventPublisher, type ConsumerOptions, type DeadLetterInfo } from '../../src/nats/transport.ts';
import { eventRegistry, type PayloadMap } from '../../generated/index.ts';
import { CapturingLogger } from '../support/capturing-logger.ts';
import { freePort, killAll, natsServer, waitForPort } from '../support/nats-processes.ts';
import { BUILT_NATS_CLI } from '../support/built-commands.ts';
import { until } from '../support/until.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'eventspec-faults-'));
const kit = natsTestKit('f', () => {
  killAll();
  rmSync(scratch, { recursive: true, force: true });
});
const isolated = (): { stream: string; subjectPrefix: string } => kit.isolated(['test']);

const alice = { kind: 'user', id: 'alice' } as const;
const planId = '01JDQ8Z1X4N6V7W8Y9ZAB2C3DE';
const producer = new LoggingEventBus<PayloadMap>({ registry: eventRegistry, logger: new CapturingLogger() });
const paused = (reason: string): DomainEvent<PayloadMap> => producer.emit('plan.paused', { planId, pausedBy: alice, reason });

async function consumer(connection: NatsConnection, options: Partial<ConsumerOptions<PayloadMap>> & { stream: string; subjectPrefix: string }) {
  const bus = new LoggingEventBus<PayloadMap>({ registry: eventRegistry, audit: new MemoryAuditSink(), logger: new CapturingLogger(), onHandlerError: () => undefined });
  const received: string[] = [];
  const errors: Error[] = [];
  const letters: DeadLetterInfo[] = [];
  const logger = new CapturingLogger();
  const consuming = new NatsEventConsumer(connection, bus, eventRegistry, {
    durable: 'test',
    maxDeliver: 3,
    retryDelayMs: 20,
    logger,
    onError: (error) => errors.push(error),
    onDeadLetter: (letter) => letters.push(letter),
    ...options,
  });
  return { bus, received, errors, letters, logger, consuming };
}

/** Streams of the test's own, a publisher, and a started consumer whose handler records each plan.paused reason. */
async function running() {
  const where = isolated();
  const publisher = new NatsEventPublisher(kit.nc, { source: '/test', ...where });
  await publisher.start();
  const target = await consumer(kit.nc, where);
  target.bus.subscribe('plan.paused', (event) => {
    target.received.push(event.payload.reason);
  });
  await target.consuming.start();
  return { where, publisher, target };
}

async function pending(stream: string): Promise<{ ackPending: number; floor: number }> {
  const info = await (await jetstreamManager(kit.nc)).consumers.info(stream, 'test');
  return { ackPending: info.num_ack_pending, floor: info.ack_floor.stream_seq };
}

describe('a handler that never settles', () => {
  it('counts as a failure at its deadline: redelivered, dead-lettered, and the events after it still arrive; stop() resolves within its deadline', async () => {
    const where = isolated();
    const publisher = new NatsEventPublisher(kit.nc, { source: '/test', ...where });
    await publisher.start();
    const target = await consumer(kit.nc, { ...where, ackWaitMs: 1500, handlerTimeoutMs: 300, maxDeliver: 2 });
    target.bus.subscribe('plan.paused', (event) => {
      target.received.push(event.payload.reason);
      // The first event's handler hangs for good; the others settle.
      return event.payload.reason === 'hang' ? new Promise(() => undefined) : undefined;
    });
    await target.consuming.start();
    for (const reason of ['hang', 'a', 'b', 'c']) await publisher.publish(paused(reason));
    await until(() => ['a', 'b', 'c'].every((reason) => target.received.includes(reason)), 'the three later events');
    await until(() => target.letters.length === 1, 'the dead letter');
    expect(target.letters[0]).toMatchObject({ type: 'plan.paused', reason: expect.stringMatching(/^handler failed 2 times: a handler of plan\.paused \S+ did not settle within 300 ms$/) });
    expect(target.received.filter((reason) => reason === 'hang')).toHaveLength(2);
    await until(async () => (await pending(where.stream)).ackPending === 0, 'nothing pending');

    // Stopping while a handler hangs: resolved at the deadline, not never.
    await publisher.publish(paused('hang'));
    await until(() => target.received.filter((reason) => reason === 'hang').length === 3, 'the hanging handler again');
    const started = Date.now();
    await target.consuming.stop({ timeoutMs: 500 });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('does not keep ingest or replayAudit waiting forever either', async () => {
    const bus = new LoggingEventBus<PayloadMap>({ registry: eventRegistry, logger: new CapturingLogger(), onHandlerError: () => undefined, handlerTimeoutMs: 200 });
    bus.subscribe('plan.paused', () => new Promise(() => undefined));
    const failures = await bus.ingest(paused('x'));
    expect(failures).toHaveLength(1);
    expect(String(failures[0])).toMatch(/HandlerTimeoutError: a handler of plan\.paused \S+ did not settle within 200 ms/);
  });
});

describe('the handled-events record lost', () => {
  it('a deleted bucket is reported and created again; every later event is handled once and acknowledged', async () => {
    const { where, publisher, target } = await running();
    await publisher.publish(paused('before'));
    await until(() => target.received.length === 1, 'the first event');
    await until(async () => (await pending(where.stream)).ackPending === 0, 'its ack');
    await (await jetstreamManager(kit.nc)).streams.delete(`KV_eventspec_handled_${where.stream}_test`);
    for (const reason of ['x', 'y', 'z']) await publisher.publish(paused(reason));
    await until(async () => target.received.length === 4 && (await pending(where.stream)).ackPending === 0, 'three events acknowledged', 20_000);
    expect(target.received).toEqual(['before', 'x', 'y', 'z']);
    expect(target.errors.map((error) => error.message).join('\n')).toMatch(/the handled-events record failed \(attempt 1\); its bucket is gone, creating it again/);
    expect((await pending(where.stream)).floor).toBe(4);
    await target.consuming.stop();
  });
});

describe('the durable consumer and the stream lost', () => {
  it('a deleted durable consumer is noticed, reported and created again, and delivery goes on', async () => {
    const { where, publisher, target } = await running();
    await publisher.publish(paused('one'));
    await until(() => target.received.length === 1, 'the first event');
    await (await jetstreamManager(kit.nc)).consumers.delete(where.stream, 'test');
    await publisher.publish(paused('two'));
    await until(() => target.received.includes('two'), 'the event after the deletion', 30_000);
    // Recreated from the start of the stream: the first event was handled, so it is not run again.
    expect(target.received).toEqual(['one', 'two']);
    expect(target.errors.map((error) => error.message)).toContainEqual(expect.stringMatching(/durable consumer test on .* was deleted; created it again/));
    await target.consuming.stop();
  });

  it('a wiped store stops the consumer with an error the application sees', { timeout: 60_000 }, async () => {
    const port = await freePort();
    const store = mkdtempSync(join(scratch, 'store-'));
    let server = natsServer(port, store);
    await waitForPort(port);
    const own = await connect({ servers: `127.0.0.1:${port}`, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
    const where = { stream: 'WIPED', subjectPrefix: 'wiped' };
    await ensureStreams(own, where);
    const target = await consumer(own, where);
    await target.consuming.start();
    server.kill('SIGKILL');
    rmSync(store, { recursive: true, force: true });
    server = natsServer(port, store);
    await waitForPort(port);
    const stopped = await Promise.race([target.consuming.closed(), new Promise((resolve) => setTimeout(() => resolve('still running'), 45_000))]);
    expect(String(stopped)).toMatch(/StreamNotFoundError: stream WIPED is gone \(deleted, or the server's store was wiped\)/);
    expect(target.errors.map(String)).toContainEqual(expect.stringMatching(/stream WIPED is gone/));
    await own.close();
    server.kill('SIGKILL');
  });

  it('never creates a stream: a misspelt one is named, and nothing is created', async () => {
    const where = isolated();
    const target = await consumer(kit.nc, where);
    await expect(target.consuming.start()).rejects.toThrow(new RegExp(`stream ${where.stream} does not exist: a consumer never creates one`));
    await expect((await jetstreamManager(kit.nc)).streams.info(where.stream)).rejects.toThrow(/stream not found/);
  });
});

describe('poison messages and dead letters', () => {
  it('a poison message a few bytes under max_payload gets exactly one dead letter, cut short and saying so', async () => {
    const where = isolated();
    await ensureStreams(kit.nc, where);
    const target = await consumer(kit.nc, { ...where, ackWaitMs: 1000 });
    await target.consuming.start();
    const max = kit.nc.info?.max_payload ?? 1024 * 1024;
    const poison = headers();
    poison.set('ce-id', 'poison-1');
    poison.set('ce-type', 'plan.paused');
    await jetstream(kit.nc).publish(`${where.subjectPrefix}.plan.paused`, new Uint8Array(max - 300).fill(0x7b), { headers: poison });
    await until(() => target.letters.length === 1, 'the dead letter');
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(target.letters).toHaveLength(1);
    expect(target.letters[0]).toMatchObject({ id: 'poison-1', truncatedFrom: max - 300, reason: expect.stringMatching(/^not a valid event: .*JSON/) });
    const [letter] = await new DeadLetters(kit.nc, where).list();
    expect(letter?.data.length).toBeLessThan(max - 300);
    expect(letter?.headers['eventspec-dead-letter-truncated']).toBe(String(max - 300));
    expect(await pending(where.stream)).toEqual({ ackPending: 0, floor: 1 });
    expect(target.logger.entries.some((entry) => entry.level === 'error' && /^dead-lettered plan\.paused poison-1: not a valid event/.test(entry.message ?? ''))).toBe(true);
    await expect(new DeadLetters(kit.nc, where).replay(letter?.sequence ?? 0)).rejects.toThrow(/holds its body cut short .*: it cannot be replayed/);
    await target.consuming.stop();
  });

  it('poison → fix the consumer → replay (API, then CLI) → handled once, and the dead letters are gone', async () => {
    const where = isolated();
    const publisher = new NatsEventPublisher(kit.nc, { source: '/test', ...where });
    await publisher.start();
    let fixed = false;
    const target = await consumer(kit.nc, { ...where, maxDeliver: 2 });
    const handled: string[] = [];
    target.bus.subscribe('plan.paused', (event) => {
      if (!fixed) throw new Error('bug in the handler');
      handled.push(event.payload.reason);
    });
    await target.consuming.start();
    const first = paused('first');
    const second = paused('second');
    await publisher.publish(first);
    await publisher.publish(second);
    await until(() => target.letters.length === 2, 'two dead letters');
    expect(target.letters.map((letter) => [letter.id, letter.reason])).toEqual([[first.id, 'handler failed 2 times: bug in the handler'], [second.id, 'handler failed 2 times: bug in the handler']]);
    fixed = true;
    const dead = new DeadLetters(kit.nc, where);
    const letters = await dead.list();
    expect(letters.map((letter) => [letter.type, letter.id, letter.subject, letter.consumer])).toEqual([['plan.paused', first.id, `${where.subjectPrefix}.plan.paused`, 'test'], ['plan.paused', second.id, `${where.subjectPrefix}.plan.paused`, 'test']]);
    await dead.replay(letters[0]?.sequence ?? 0);
    await until(() => handled.length === 1, 'the replayed event');

    const cli = (args: string[]) => spawnSync(process.execPath, [BUILT_NATS_CLI, 'dead-letters', ...args, '--servers', SERVER, '--stream', where.stream, '--subject-prefix', where.subjectPrefix], { cwd: ROOT, encoding: 'utf8' });
    const listed = cli(['list']);
    expect(listed.status, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`^2\\s+.*plan\\.paused\\s+${second.id}\\s+handler failed 2 times: bug in the handler`, 'm'));
    expect(listed.stdout).not.toContain(first.id);
    const shown = cli(['show', '2']);
    expect(JSON.parse(shown.stdout)).toMatchObject({ sequence: 2, id: second.id, body: { reason: 'second' } });
    const replayed = cli(['replay', '--all']);
    expect(replayed.status, replayed.stderr).toBe(0);
    expect(replayed.stdout).toMatch(/replayed 1 dead letter/);
    await until(() => handled.length === 2, 'the second replayed event');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(handled).toEqual(['first', 'second']);
    expect(await dead.list()).toEqual([]);
    expect(cli(['show', '1']).status).toBe(1);
    await target.consuming.stop();
  });
});

describe('what a message claims, checked', () => {
  it('refuses ids that a header cannot carry exactly, at emit, at ingest and when reading a CloudEvent', async () => {
    const bus = new LoggingEventBus<PayloadMap>({ registry: eventRegistry, logger: new CapturingLogger() });
    for (const id of ['order-77 ', ' order-77', 'order\u00a0', 'a\u2028b']) {
      await expect(bus.ingest({ ...paused('x'), id }), JSON.stringify(id)).rejects.toThrow(/invalid plan\.paused event: id: Expected a non-empty id/);
      expect(() => bus.emit('plan.paused', { planId, pausedBy: alice, reason: 'x' }, { correlationId: id }), JSON.stringify(id)).toThrow(EventValidationError);
      expect(() => fromCloudEvent({ specversion: '1.0', id, source: '/x', type: 'plan.paused', time: '2026-12-03T00:00:00Z', data: { planId, pausedBy: alice, reason: 'x' } }, eventRegistry), JSON.stringify(id)).toThrow(/cloudevent\.id: Expected a non-empty id .* spaces at either end/);
    }
  });

  it('dead-letters a ce-type that contradicts the subject, and a body that is not UTF-8; the selection is never bypassed', async () => {
    const where = isolated();
    await ensureStreams(kit.nc, where);
    const target = await consumer(kit.nc, { ...where, select: { domains: ['plan'] } });
    target.bus.subscribe('*', (event) => {
      target.received.push(event.type);
    });
    await target.consuming.start();
    const js = jetstream(kit.nc);
    const lying = headers();
    for (const [name, value] of [['ce-id', 'lie-1'], ['ce-type', 'tool.invoked'], ['ce-time', '2026-12-03T00:00:00Z'], ['ce-source', '/x'], ['ce-specversion', '1.0']] as const) lying.set(name, value);
    await js.publish(`${where.subjectPrefix}.plan.paused`, new TextEncoder().encode(JSON.stringify({ invocationId: planId, agentId: planId, toolName: 't', arguments: [] })), { headers: lying });
    const latin1 = headers();
    for (const [name, value] of [['ce-id', 'latin-1'], ['ce-time', '2026-12-03T00:00:00Z'], ['ce-source', '/x'], ['ce-specversion', '1.0']] as const) latin1.set(name, value);
    const body = Buffer.from(JSON.stringify({ planId, pausedBy: alice, reason: 'caf\u00e9' }), 'latin1');
    await js.publish(`${where.subjectPrefix}.plan.paused`, body, { headers: latin1 });
    await until(() => target.letters.length === 2, 'two dead letters');
    expect(target.letters.map((letter) => [letter.id, letter.reason])).toEqual([
      ['lie-1', 'not a valid event: ce-type "tool.invoked" does not match the subject ' + `${where.subjectPrefix}.plan.paused`],
      ['latin-1', expect.stringMatching(/^not a valid event: The encoded data was not valid for encoding utf-8/)],
    ]);
    expect(target.received).toEqual([]);
    await target.consuming.stop();
  });

  it('dead-letters a ce-time that an offset moves past 9999 in UTC (the audit reader would refuse it), and the trail stays readable', async () => {
    const where = isolated();
    await ensureStreams(kit.nc, where);
    const trail = join(scratch, `envelope-${where.stream}.jsonl`);
    const audit = new JsonlAuditSink(trail);
    const target = await consumer(kit.nc, { ...where, select: { domains: ['plan'] } });
    const bus = new LoggingEventBus<PayloadMap>({ registry: eventRegistry, audit, logger: new CapturingLogger() });
    const reasons: string[] = [];
    bus.subscribe('plan.paused', (event) => void reasons.push(event.payload.reason));
    const consuming = new NatsEventConsumer(kit.nc, bus, eventRegistry, { durable: 'test', maxDeliver: 3, retryDelayMs: 20, logger: target.logger, onDeadLetter: (letter) => target.letters.push(letter), ...where });
    await consuming.start();
    const js = jetstream(kit.nc);
    for (const [id, time, reason] of [['far-1', '9999-12-31T23:59:59-23:59', 'far'], ['zero-1', '0000-01-01T00:00:00+01:00', 'zero'], ['near-1', '2026-12-04T00:00:00+01:00', 'near']] as const) {
      const header = headers();
      for (const [name, value] of [['ce-id', id], ['ce-time', time], ['ce-source', '/x'], ['ce-specversion', '1.0']] as const) header.set(name, value);
      await js.publish(`${where.subjectPrefix}.plan.paused`, new TextEncoder().encode(JSON.stringify({ planId, pausedBy: alice, reason })), { headers: header, msgID: id });
    }
    await until(() => target.letters.length === 2 && reasons.length === 1, 'two dead letters and one event');
    expect(target.letters.map((letter) => letter.id)).toEqual(['far-1', 'zero-1']);
    expect(target.letters.every((letter) => /years 0001–9999/.test(letter.reason))).toBe(true);
    await consuming.stop();
    await audit.close();
    const read: string[] = [];
    for await (const event of readAudit(trail, eventRegistry)) read.push(`${event.id} ${event.timestamp}`);
    expect(read).toEqual(['near-1 2026-12-03T23:00:00.000Z']);
  });

  it('a late duplicate from a producer whose clock runs ten minutes fast reaches the handlers once, across a restart', async () => {
    const where = { ...isolated(), duplicateWindowMs: 200 };
    const publisher = new NatsEventPublisher(kit.nc, { source: '/test', ...where });
    await publisher.start();
    const fast = new LoggingEventBus<PayloadMap>({ registry: eventRegistry, logger: new CapturingLogger(), now: () => Date.now() + 600_000, ids: createIdGenerator(() => Date.now() + 600_000) });
    const event = fast.emit('plan.paused', { planId, pausedBy: alice, reason: 'fast' });
    const first = await consumer(kit.nc, where);
    first.bus.subscribe('plan.paused', (each) => {
      first.received.push(each.id);
    });
    await first.consuming.start();
    await publisher.publish(event);
    await until(() => first.received.length === 1, 'the event');
    await until(async () => (await pending(where.stream)).ackPending === 0, 'its ack');
    await first.consuming.stop();
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect((await publisher.publish(event)).duplicate).toBe(false);
    const marker = paused('marker');
    await publisher.publish(marker);
    const second = await consumer(kit.nc, where);
    second.bus.subscribe('plan.paused', (each) => {
      second.received.push(each.id);
    });
    await second.consuming.start();
    await until(() => second.received.includes(marker.id), 'the marker');
    expect(second.received).toEqual([marker.id]);
    await second.consuming.stop();
  });
});
