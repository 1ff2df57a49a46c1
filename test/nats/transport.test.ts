/** The JetStream transport against the real NATS server on 127.0.0.1:4222. */
import { connect } from '@nats-io/transport-node';
import { headers, type NatsConnection } from '@nats-io/nats-core';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoggingEventBus, MemoryAuditSink, type DomainEvent } from '../../src/index.ts';
import { NatsEventConsumer, NatsEventPublisher, subjectFilters, type ConsumerOptions } from '../../src/nats/transport.ts';
import { eventRegistry, type PayloadMap } from '../../generated/index.ts';
import { CapturingLogger } from '../support/capturing-logger.ts';
import { until } from '../support/until.ts';

const SERVER = process.env['NATS_URL'] ?? '127.0.0.1:4222';
let nc: NatsConnection;
const streams: string[] = [];

beforeAll(async () => {
  nc = await connect({ servers: SERVER, maxReconnectAttempts: -1 });
});
afterAll(async () => {
  const jsm = await jetstreamManager(nc);
  for (const stream of streams) await jsm.streams.delete(stream).catch(() => false);
  await nc.close();
});

/** A stream and subject tree of this test's own, so runs never see each other's messages. */
function isolated(): { stream: string; subjectPrefix: string } {
  const tag = `t${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  streams.push(`S${tag}`, `S${tag}_DLQ`);
  return { stream: `S${tag}`, subjectPrefix: tag };
}

function localBus() {
  const audit = new MemoryAuditSink();
  const bus = new LoggingEventBus<PayloadMap>({ registry: eventRegistry, audit, logger: new CapturingLogger(), onHandlerError: () => undefined });
  return { audit, bus };
}

const alice = { kind: 'user', id: 'alice' } as const;
const planId = '01JDQ8Z1X4N6V7W8Y9ZAB2C3DE';

async function consumer(options: Partial<ConsumerOptions<PayloadMap>> & { stream: string; subjectPrefix: string }) {
  const local = localBus();
  const received: DomainEvent<PayloadMap>[] = [];
  local.bus.subscribe('*', (event) => {
    received.push(event);
  });
  const consuming = new NatsEventConsumer(nc, local.bus, eventRegistry, { durable: 'test', maxDeliver: 3, retryDelayMs: 20, ...options });
  await consuming.start();
  return { ...local, received, consuming };
}

async function deadLetters(stream: string): Promise<{ subject: string; reason: string | undefined }[]> {
  const jsm = await jetstreamManager(nc);
  const info = await jsm.streams.info(`${stream}_DLQ`);
  const letters: { subject: string; reason: string | undefined }[] = [];
  for (let seq = 1; seq <= info.state.last_seq; seq++) {
    const message = await jsm.streams.getMessage(`${stream}_DLQ`, { seq });
    letters.push({ subject: message?.subject ?? '', reason: message?.header?.get('eventspec-dead-letter-reason') });
  }
  return letters;
}

describe('the NATS JetStream transport', () => {
  it('carries events to another bus with their id, time and chain, audited there', async () => {
    const where = isolated();
    const source = localBus();
    const publisher = new NatsEventPublisher(nc, { source: '/test', ...where });
    const target = await consumer(where);
    const first = source.bus.emit('plan.created', { planId, title: 'T', goal: 'G', priority: 'high', createdBy: alice, steps: [] });
    const second = source.bus.emit('plan.approved', { planId, approvedBy: alice }, { correlationId: first.id, causationId: first.id });
    for (const event of [first, second]) expect((await publisher.publish(event)).duplicate).toBe(false);
    await until(() => target.received.length === 2, 'two events');
    expect(target.received).toEqual([first, second]);
    expect(target.audit.events).toEqual([first, second]);
    await target.consuming.stop();
  });

  it('drops a duplicate publish on the server, and delivers the event once', async () => {
    const where = isolated();
    const event = localBus().bus.emit('plan.approved', { planId, approvedBy: alice });
    const publisher = new NatsEventPublisher(nc, { source: '/test', ...where });
    await publisher.start();
    expect((await publisher.publish(event)).duplicate).toBe(false);
    expect((await publisher.publish(event)).duplicate).toBe(true);
    const target = await consumer(where);
    const marker = localBus().bus.emit('plan.paused', { planId, pausedBy: alice, reason: 'after' });
    await publisher.publish(marker);
    await until(() => target.received.length === 2, 'the marker');
    expect(target.received.map((each) => each.id)).toEqual([event.id, marker.id]);
    await target.consuming.stop();
  });

  it.each([
    ['one type', { types: ['plan.approved'] as const }, ['plan.approved']],
    ['one domain', { domains: ['decision'] }, ['decision.approved']],
  ])('delivers only what it was asked for: %s', async (_name, select, want) => {
    const where = isolated();
    const publisher = new NatsEventPublisher(nc, { source: '/test', ...where });
    const target = await consumer({ ...where, select });
    const local = localBus().bus;
    await publisher.publish(local.emit('plan.created', { planId, title: 'T', goal: 'G', priority: 'high', createdBy: alice, steps: [] }));
    await publisher.publish(local.emit('plan.approved', { planId, approvedBy: alice }));
    await publisher.publish(local.emit('decision.approved', { decisionId: planId, approvedBy: alice }));
    await until(() => target.received.length === want.length, 'the selected events');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(target.received.map((event) => event.type)).toEqual(want);
    await target.consuming.stop();
  });

  it('maps a selection of types and domains to subject filters', () => {
    expect(subjectFilters<PayloadMap>('events', { types: ['plan.created'], domains: ['decision'] })).toEqual(['events.plan.created', 'events.decision.>']);
    expect(subjectFilters<PayloadMap>('events', {})).toEqual(['events.>']);
  });

  it('terminates and dead-letters what is not a valid event, and carries on', async () => {
    const where = isolated();
    const target = await consumer(where);
    const js = jetstream(nc);
    await js.publish(`${where.subjectPrefix}.plan.approved`, new TextEncoder().encode('not json'));
    const unknown = headers();
    for (const [name, value] of [['ce-id', '01JDQ8Z1X4N6V7W8Y9ZAB2C3DF'], ['ce-time', '2026-11-26T00:00:00.000Z'], ['ce-source', '/x'], ['ce-specversion', '1.0']] as const) unknown.set(name, value);
    await js.publish(`${where.subjectPrefix}.plan.exploded`, new TextEncoder().encode('{}'), { headers: unknown });
    const good = localBus().bus.emit('plan.approved', { planId, approvedBy: alice });
    const badPayload = headers();
    for (const [name, value] of [['ce-id', '01JDQ8Z1X4N6V7W8Y9ZAB2C3DG'], ['ce-time', good.timestamp], ['ce-source', '/x'], ['ce-specversion', '1.0']] as const) badPayload.set(name, value);
    await js.publish(`${where.subjectPrefix}.plan.approved`, new TextEncoder().encode('{"planId":"nope"}'), { headers: badPayload });
    await new NatsEventPublisher(nc, { source: '/test', ...where }).publish(good);
    await until(() => target.received.length === 1, 'the valid event');
    expect(target.received[0]?.id).toBe(good.id);
    const letters = await deadLetters(where.stream);
    expect(letters.map((letter) => letter.subject)).toEqual([`${where.subjectPrefix}-dlq.plan.approved`, `${where.subjectPrefix}-dlq.plan.exploded`, `${where.subjectPrefix}-dlq.plan.approved`]);
    expect(letters.map((letter) => letter.reason)).toEqual([
      expect.stringMatching(/^not a valid event: .*JSON/),
      expect.stringMatching(/^not a valid event: .*unknown event type/),
      expect.stringMatching(/^not a valid event: invalid plan\.approved event: planId/),
    ]);
    await target.consuming.stop();
  });

  it('redelivers after a handler failure, up to maxDeliver, then dead-letters with the reason', async () => {
    const where = isolated();
    const target = await consumer(where);
    let attempts = 0;
    target.bus.subscribe('plan.paused', () => {
      attempts++;
      throw new Error('downstream unavailable');
    });
    const event = localBus().bus.emit('plan.paused', { planId, pausedBy: alice, reason: 'x' });
    await new NatsEventPublisher(nc, { source: '/test', ...where }).publish(event);
    await until(() => attempts === 3, 'three attempts');
    await until(() => target.audit.events.length === 1 && attempts === 3, 'settling');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(attempts).toBe(3);
    // Audited once: the audit records the event, not each attempt.
    expect(target.audit.events.map((each) => each.id)).toEqual([event.id]);
    expect(await deadLetters(where.stream)).toEqual([{ subject: `${where.subjectPrefix}-dlq.plan.paused`, reason: 'handler failed 3 times: downstream unavailable' }]);
    await target.consuming.stop();
  });
});
