/** The JetStream transport against the real NATS server on 127.0.0.1:4222. */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Parser } from '@asyncapi/parser';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { connect } from '@nats-io/transport-node';
import { headers, type NatsConnection } from '@nats-io/nats-core';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoggingEventBus, MemoryAuditSink, type DomainEvent } from '../../src/index.ts';
import { ensureStreams, FileHandledEvents, KvHandledEvents, NatsEventConsumer, NatsEventPublisher, StreamConfigError, subjectFilters, type ConsumerOptions } from '../../src/nats/transport.ts';
import { eventRegistry, type PayloadMap } from '../../generated/index.ts';
import { renderAsyncApi } from '../../codegen/pipeline/render/asyncapi.ts';
import { projectModel } from '../support/catalogue.ts';
import { CapturingLogger } from '../support/capturing-logger.ts';
import { until } from '../support/until.ts';

const SERVER = process.env['NATS_URL'] ?? '127.0.0.1:4222';
const scratch = mkdtempSync(join(tmpdir(), 'eventspec-handled-'));
const handledPath = join(scratch, 'handled.ids');
let nc: NatsConnection;
const streams: string[] = [];

beforeAll(async () => {
  nc = await connect({ servers: SERVER, maxReconnectAttempts: -1 });
});
afterAll(async () => {
  const jsm = await jetstreamManager(nc);
  for (const stream of streams) await jsm.streams.delete(stream).catch(() => false);
  await nc.close();
  rmSync(scratch, { recursive: true, force: true });
});

/** A stream and subject tree of this test's own, so runs never see each other's messages. */
function isolated(): { stream: string; subjectPrefix: string } {
  const tag = `t${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  // The streams, and the key-value bucket of handled events of the consumer named `test`.
  streams.push(`S${tag}`, `S${tag}_DLQ`, `KV_eventspec_handled_S${tag}_test`);
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
  await ensureStreams(nc, options);
  const consuming = new NatsEventConsumer(nc, local.bus, eventRegistry, { durable: 'test', maxDeliver: 3, retryDelayMs: 20, logger: new CapturingLogger(), ...options });
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

describe('publishing beyond the trust boundary (`redact`)', () => {
  const secret = 'my card is 4111 1111 1111 1111';
  const message = () => ({ sessionId: planId, messageId: '01JDQC3F4G5H6J7K8M9N0P1Q2R', content: secret });

  /** The stored messages of a stream, read with the plain client as a partner's system would. */
  async function stored(stream: string): Promise<{ subject: string; data: string; redacted: string | undefined }[]> {
    const jsm = await jetstreamManager(nc);
    const last = (await jsm.streams.info(stream)).state.last_seq;
    const out: { subject: string; data: string; redacted: string | undefined }[] = [];
    for (let seq = 1; seq <= last; seq++) {
      const stored = await jsm.streams.getMessage(stream, { seq });
      out.push({ subject: stored?.subject ?? '', data: new TextDecoder().decode(stored?.data), redacted: stored?.header?.get('eventspec-redacted') || undefined });
    }
    return out;
  }

  it('masks or hashes each sensitive value in what it publishes, marks the message, and leaves other events as they are', async () => {
    const masked = isolated();
    const hashed = isolated();
    const bus = localBus().bus;
    const sent = bus.emit('session.message_sent', message());
    const again = bus.emit('session.message_sent', { ...message(), messageId: '01JDQC3F4G5H6J7K8M9N0P1Q2S' });
    const plain = bus.emit('plan.approved', { planId, approvedBy: alice });
    const maskingPublisher = new NatsEventPublisher(nc, { source: '/partner', ...masked, redact: { registry: eventRegistry } });
    const hashingPublisher = new NatsEventPublisher(nc, { source: '/partner', ...hashed, redact: { registry: eventRegistry, hmacKey: 'partner key' } });
    await maskingPublisher.start();
    await hashingPublisher.start();
    for (const event of [sent, again, plain]) {
      await maskingPublisher.publish(event);
      await hashingPublisher.publish(event);
    }
    const maskedMessages = await stored(masked.stream);
    const hashedMessages = await stored(hashed.stream);
    for (const each of [...maskedMessages, ...hashedMessages]) expect(each.data).not.toContain('4111');
    expect(maskedMessages.map((each) => [each.redacted, JSON.parse(each.data)])).toEqual([
      ['mask', { ...sent.payload, content: '[REDACTED]' }],
      ['mask', { ...again.payload, content: '[REDACTED]' }],
      [undefined, plain.payload],
    ]);
    const hashes = hashedMessages.map((each) => (JSON.parse(each.data) as { content?: string }).content);
    expect(hashedMessages.map((each) => each.redacted)).toEqual(['hmac-sha256', 'hmac-sha256', undefined]);
    // The same value under the same key hashes alike, so a partner can still match records on it.
    expect(hashes[0]).toMatch(/^hmac-sha256:[A-Za-z0-9_-]{43}$/);
    expect(hashes[1]).toBe(hashes[0]);
    expect(JSON.parse(hashedMessages[2]?.data ?? '')).toEqual(plain.payload);
  });

  it('is refused by an eventspec consumer, which dead-letters the concealed message with the reason and takes the rest', async () => {
    const where = isolated();
    const target = await consumer(where);
    const bus = localBus().bus;
    const publisher = new NatsEventPublisher(nc, { source: '/partner', ...where, redact: { registry: eventRegistry } });
    const sent = bus.emit('session.message_sent', message());
    const plain = bus.emit('plan.approved', { planId, approvedBy: alice });
    await publisher.publish(sent);
    await publisher.publish(plain);
    await until(() => target.received.length === 1, 'the event without sensitive values');
    expect(target.received.map((each) => each.id)).toEqual([plain.id]);
    expect(await deadLetters(where.stream)).toEqual([{ subject: `${where.subjectPrefix}-dlq.session.message_sent`, reason: expect.stringMatching(/^published with its sensitive values concealed \(eventspec-redacted: mask\): a concealed payload cannot be validated/) }]);
    await target.consuming.stop();
  });

  it('refuses to publish an event its registry does not know, since it cannot tell what to conceal', async () => {
    const where = isolated();
    const publisher = new NatsEventPublisher(nc, { source: '/partner', ...where, redact: { registry: { 'plan.approved': eventRegistry['plan.approved'] } } });
    await publisher.start();
    const sent = localBus().bus.emit('session.message_sent', message());
    await expect(publisher.publish(sent)).rejects.toThrow(/the publisher's registry has no "session\.message_sent", so it cannot tell which of its values to redact/);
    expect(await stored(where.stream)).toEqual([]);
  });
});

describe('the NATS consumer under hostile but ordinary conditions (nats-server as installed)', () => {
  it('dead-letters a poison message once, and its ack floor moves on, with a short ack wait', async () => {
    const where = isolated();
    const target = await consumer({ ...where, ackWaitMs: 300, maxDeliver: 5 });
    const js = jetstream(nc);
    await js.publish(`${where.subjectPrefix}.plan.approved`, new TextEncoder().encode('not json'));
    const good = localBus().bus.emit('plan.approved', { planId, approvedBy: alice });
    await new NatsEventPublisher(nc, { source: '/test', ...where }).publish(good);
    await until(() => target.received.length === 1, 'the valid event');
    // Several ack waits: a server that ignored the termination would have redelivered by now.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await deadLetters(where.stream)).map((letter) => letter.subject)).toEqual([`${where.subjectPrefix}-dlq.plan.approved`]);
    const info = await (await jetstreamManager(nc)).consumers.info(where.stream, 'test');
    expect([info.num_ack_pending, info.num_redelivered, info.ack_floor.stream_seq]).toEqual([0, 0, 2]);
    await target.consuming.stop();
  });

  it('dead-letters a message whose handlers keep failing once, after maxDeliver, and acks it', async () => {
    const where = isolated();
    const target = await consumer({ ...where, ackWaitMs: 300, maxDeliver: 2 });
    let attempts = 0;
    target.bus.subscribe('plan.paused', () => {
      attempts++;
      throw new Error('downstream unavailable');
    });
    await new NatsEventPublisher(nc, { source: '/test', ...where }).publish(localBus().bus.emit('plan.paused', { planId, pausedBy: alice, reason: 'x' }));
    await until(() => attempts === 2, 'two attempts');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(attempts).toBe(2);
    expect(await deadLetters(where.stream)).toHaveLength(1);
    const info = await (await jetstreamManager(nc)).consumers.info(where.stream, 'test');
    expect([info.num_ack_pending, info.ack_floor.stream_seq]).toEqual([0, 1]);
    await target.consuming.stop();
  });

  const stores: readonly [string, () => FileHandledEvents | undefined][] = [
    ['a key-value bucket (the default)', () => undefined],
    ['a local file', () => new FileHandledEvents(handledPath)],
  ];
  it.each(stores)('never runs the handlers twice for an event already handled: a late duplicate after a restart, handled ids in %s', async (_name, store) => {
    const where = { ...isolated(), duplicateWindowMs: 200 };
    const publisher = new NatsEventPublisher(nc, { source: '/test', ...where });
    const event = localBus().bus.emit('plan.approved', { planId, approvedBy: alice });
    const firstStore = store();
    const first = await consumer({ ...where, ...(firstStore === undefined ? {} : { handled: firstStore }) });
    await publisher.publish(event);
    await until(() => first.received.length === 1, 'the event');
    await first.consuming.stop();
    await firstStore?.close();
    // Past the duplicate window, the stream stores the same event again.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect((await publisher.publish(event)).duplicate).toBe(false);
    const marker = localBus().bus.emit('plan.paused', { planId, pausedBy: alice, reason: 'after' });
    await publisher.publish(marker);
    const secondStore = store();
    const restarted = await consumer({ ...where, ...(secondStore === undefined ? {} : { handled: secondStore }) });
    await until(() => restarted.received.length === 1, 'the marker');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(restarted.received.map((each) => each.id)).toEqual([marker.id]);
    const info = await (await jetstreamManager(nc)).consumers.info(where.stream, 'test');
    expect(info.num_ack_pending).toBe(0);
    await restarted.consuming.stop();
    await secondStore?.close();
  });

  it('takes events whose ids are not ULIDs (from other CloudEvents producers), once each', async () => {
    const where = isolated();
    const target = await consumer(where);
    const js = jetstream(nc);
    const foreign = headers();
    for (const [name, value] of [['ce-id', 'order-7781/attempt 2'], ['ce-time', '2026-11-26T08:30:00Z'], ['ce-source', '/shop'], ['ce-specversion', '1.0'], ['ce-correlationid', '4bf92f3577b34da6a3ce929d0e0e4736']] as const) foreign.set(name, value);
    const body = new TextEncoder().encode(JSON.stringify({ planId, approvedBy: alice }));
    await js.publish(`${where.subjectPrefix}.plan.approved`, body, { headers: foreign });
    await js.publish(`${where.subjectPrefix}.plan.approved`, body, { headers: foreign });
    const marker = localBus().bus.emit('plan.paused', { planId, pausedBy: alice, reason: 'after' });
    await new NatsEventPublisher(nc, { source: '/test', ...where }).publish(marker);
    await until(() => target.received.length === 2, 'the foreign event and the marker');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(target.received.map((each) => [each.id, each.correlationId])).toEqual([['order-7781/attempt 2', '4bf92f3577b34da6a3ce929d0e0e4736'], [marker.id, marker.id]]);
    await target.consuming.stop();
  });
});

describe('the streams', () => {
  it('are created with retention limits and replicas, and an existing one that differs is reported, or updated when asked', async () => {
    const where = isolated();
    const jsm = await jetstreamManager(nc);
    expect((await ensureStreams(nc, where)).map((report) => report.action)).toEqual(['created', 'created']);
    const info = await jsm.streams.info(where.stream);
    expect([info.config.max_age, info.config.max_bytes, info.config.num_replicas, info.config.duplicate_window]).toEqual([7 * 86_400 * 1e9, -1, 1, 120e9]);
    expect((await jsm.streams.info(`${where.stream}_DLQ`)).config.max_age).toBe(30 * 86_400 * 1e9);
    expect((await ensureStreams(nc, where)).map((report) => report.action)).toEqual(['unchanged', 'unchanged']);

    const shorter = { ...where, maxAgeMs: 3_600_000, maxBytes: 1 << 30 };
    let refused: unknown;
    try {
      await ensureStreams(nc, shorter);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(StreamConfigError);
    expect((refused as Error).message).toBe(`stream ${where.stream} exists with other settings: max_age 7d, wanted 3600s; max_bytes -1, wanted 1073741824. Pass onStreamMismatch: 'update' to change it, or configure the transport as the stream is.`);
    expect((await jsm.streams.info(where.stream)).config.max_age).toBe(7 * 86_400 * 1e9);

    const updated = await ensureStreams(nc, { ...shorter, onStreamMismatch: 'update' });
    expect(updated.map((report) => report.action)).toEqual(['updated', 'updated']);
    expect((await jsm.streams.info(where.stream)).config.max_age).toBe(3_600_000 * 1e6);
  });
});

describe('KvHandledEvents (the default record), shared by instances', () => {
  function bucket(): string {
    const name = `handled_${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
    streams.push(`KV_${name}`);
    return name;
  }
  const id = (n: number): string => `01JDQ8Z1X4N6V7W8Y9ZA${String(n).padStart(6, '0')}`;

  it('answers as the bucket does at the moment of the lookup: what another instance recorded just before counts, and nothing else', async () => {
    const name = bucket();
    const other = await connect({ servers: SERVER });
    const a = await KvHandledEvents.open(nc, { bucket: name });
    const b = await KvHandledEvents.open(other, { bucket: name });
    for (let n = 0; n < 200; n++) {
      await (n % 2 === 0 ? a : b).add(id(n));
      // Asked right after the other instance's write was confirmed: the watch may not have shown it yet.
      expect([await (n % 2 === 0 ? b : a).has(id(n)), await a.has(id(n + 1_000)), await b.has(id(n + 1_000))], `event ${n}`).toEqual([true, false, false]);
    }
    // Many lookups at once share one status request, and each still gets its own answer.
    const answers = await Promise.all(Array.from({ length: 400 }, (_, n) => (n % 2 === 0 ? a : b).has(id(n))));
    expect(answers.filter(Boolean).length).toBe(200);
    expect(answers.slice(0, 200).every(Boolean) && !answers.slice(200).some(Boolean)).toBe(true);
    a.close();
    b.close();
    await other.close();
  });

  it('sees what any writer put in the bucket, and what it adds is stored when add resolves', async () => {
    const name = bucket();
    const handled = await KvHandledEvents.open(nc, { bucket: name });
    const kv = await new Kvm(nc).open(name);
    await kv.put(id(1), new Uint8Array(0));
    expect(await handled.has(id(1))).toBe(true);
    await handled.add(id(2));
    expect((await kv.get(id(2)))?.operation).toBe('PUT');
    // A deleted key is no longer handled.
    await kv.delete(id(1));
    expect(await handled.has(id(1))).toBe(false);
    handled.close();
  });

  it('holds `keep` ids in memory, and answers every other one from the bucket; a new instance starts from the bucket', async () => {
    const name = bucket();
    const small = await KvHandledEvents.open(nc, { bucket: name, keep: 5 });
    for (let n = 0; n < 12; n++) await small.add(id(n));
    const all = Array.from({ length: 12 }, (_, n) => id(n));
    expect(await Promise.all(all.map((each) => small.has(each)))).toEqual(all.map(() => true));
    expect(await small.has(id(99))).toBe(false);
    small.close();
    // Closed, it still answers (from the bucket).
    expect(await small.has(id(0))).toBe(true);
    const fresh = await KvHandledEvents.open(nc, { bucket: name });
    expect(await Promise.all([...all, id(99)].map((each) => fresh.has(each)))).toEqual([...all.map(() => true), false]);
    fresh.close();
  });
});

describe('FileHandledEvents', () => {
  it('keeps handled ids across reopening, in a 0600 file, forgetting the oldest past its limit and dropping a torn line', async () => {
    const path = join(scratch, 'unit.ids');
    let store = new FileHandledEvents(path, { keep: 3 });
    await Promise.all(['a', 'b', 'c', 'd'].map((id) => store.add(id)));
    expect(await Promise.all(['a', 'b', 'c', 'd'].map((id) => store.has(id)))).toEqual([false, true, true, true]);
    await store.close();
    expect(statSync(path).mode & 0o777).toBe(0o600);
    writeFileSync(path, `${readFileSync(path, 'utf8')}e`, { flag: 'w' });
    store = new FileHandledEvents(path, { keep: 3 });
    expect(await Promise.all(['a', 'b', 'c', 'd', 'e'].map((id) => store.has(id)))).toEqual([false, true, true, true, false]);
    await store.close();
    expect(readFileSync(path, 'utf8')).toBe('b\nc\nd\n');
  });
});

describe('the AsyncAPI document, used as AsyncAPI tooling would', () => {
  it('names the subjects, server and headers the transport really uses', async () => {
    const where = isolated();
    const model = { ...projectModel(), transport: { subjectPrefix: where.subjectPrefix, server: SERVER } };
    const { document } = await new Parser().parse(renderAsyncApi(model, 'catalog.yaml'));
    const server = document?.servers().all()[0];
    const channel = document?.channels().all().find((each) => each.id() === 'plan.approved');
    const message = channel?.messages().all()[0];
    if (server === undefined || channel === undefined || message === undefined) throw new Error('the document lacks the server, channel or message');
    // A plain client, knowing only the document: its server and the channel's address.
    const plain = await connect({ servers: server.host() });
    const subscription = plain.subscribe(channel.address() ?? '', { max: 1 });
    await plain.flush();
    const publisher = new NatsEventPublisher(nc, { source: '/test', ...where });
    await publisher.start();
    const event = localBus().bus.emit('plan.approved', { planId, approvedBy: alice }, { correlationId: 'trace-1' });
    await publisher.publish(event);
    let received: { headers: Record<string, string>; payload: unknown } | undefined;
    for await (const msg of subscription) {
      received = { headers: Object.fromEntries([...(msg.headers?.keys() ?? [])].map((key) => [key, msg.headers?.get(key) ?? ''])), payload: msg.json() };
    }
    await plain.close();
    const ajv = new Ajv({ strict: false });
    addFormats.default(ajv);
    ajv.addFormat('ulid', true);
    const headersValid = ajv.compile(message.headers()?.json() ?? {});
    const payloadValid = ajv.compile(message.payload()?.json() ?? {});
    expect(headersValid(received?.headers), JSON.stringify(headersValid.errors)).toBe(true);
    expect(payloadValid(received?.payload), JSON.stringify(payloadValid.errors)).toBe(true);
    expect(received?.headers).toMatchObject({ 'ce-id': event.id, 'Nats-Msg-Id': event.id, 'ce-type': 'plan.approved', 'ce-correlationid': 'trace-1' });
    // And the document's schemas are not vacuous: a header set without the id fails them.
    const withoutId: Record<string, string> = { ...received?.headers };
    delete withoutId['ce-id'];
    expect(headersValid(withoutId)).toBe(false);
  });
});
