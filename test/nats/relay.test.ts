/** The audit trail as the outbox: the relay against the real NATS server on 127.0.0.1:4222. */
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { describe, expect, it } from 'vitest';
import { natsTestKit } from '../support/nats-test.ts';
import { JsonlAuditSink, LoggingEventBus, MemoryAuditSink } from '../../src/index.ts';
import { AuditRelay, NatsEventPublisher, type RelayOptions } from '../../src/nats/transport.ts';
import { eventRegistry, type PayloadMap } from '../../generated/index.ts';
import { CapturingLogger } from '../support/capturing-logger.ts';
import { until } from '../support/until.ts';

const scratch = mkdtempSync(join(tmpdir(), 'eventspec-relay-'));
const kit = natsTestKit('r', () => rmSync(scratch, { recursive: true, force: true }));

let counter = 0;
function isolated(): { stream: string; subjectPrefix: string; trail: string } {
  return { ...kit.isolated(), trail: join(scratch, `trail-${++counter}.jsonl`) };
}

function service(trail: string) {
  const audit = new JsonlAuditSink(trail, { onTrailChange: () => undefined });
  const bus = new LoggingEventBus<PayloadMap>({ registry: eventRegistry, audit, logger: new CapturingLogger() });
  const emit = (n: number): string => bus.emit('plan.paused', { planId: '01JDQ8Z1X4N6V7W8Y9ZAB2C3DE', pausedBy: { kind: 'agent', id: 'p' }, reason: `n${n}` }).id;
  return { audit, bus, emit };
}

function relay(where: ReturnType<typeof isolated>, options: Partial<RelayOptions> = {}): AuditRelay {
  return new AuditRelay(kit.nc, { source: '/test/relay', stream: where.stream, subjectPrefix: where.subjectPrefix, trail: where.trail, logger: new CapturingLogger(), ...options });
}

/** The message ids the stream holds, in stream order. */
async function streamIds(stream: string): Promise<string[]> {
  const jsm = await jetstreamManager(kit.nc);
  const info = await jsm.streams.info(stream).catch(() => undefined);
  if (info === undefined) return [];
  const ids: string[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
    const message = await jsm.streams.getMessage(stream, { seq });
    ids.push(message?.header?.get('Nats-Msg-Id') ?? '');
  }
  return ids;
}

describe('the audit relay', () => {
  it('publishes every event of the trail, in order, and the events appended while it runs', async () => {
    const where = isolated();
    const { audit, emit } = service(where.trail);
    const before = Array.from({ length: 50 }, (_, n) => emit(n));
    const relaying = relay(where);
    await relaying.start();
    const after = Array.from({ length: 50 }, (_, n) => emit(50 + n));
    const status = await relaying.close({ drain: true });
    expect(status).toMatchObject({ published: 100, failures: 0, caughtUp: true });
    expect(await streamIds(where.stream)).toEqual([...before, ...after]);
    await audit.close();
  });

  it('resumes from its checkpoint: nothing is sent twice, nothing is left out', async () => {
    const where = isolated();
    const { audit, emit } = service(where.trail);
    const first = Array.from({ length: 10 }, (_, n) => emit(n));
    let relaying = relay(where);
    await relaying.start();
    await relaying.close({ drain: true });
    expect(JSON.parse(readFileSync(`${where.trail}.relay`, 'utf8'))).toMatchObject({ seq: 10 });
    const second = Array.from({ length: 10 }, (_, n) => emit(10 + n));
    relaying = relay(where);
    await relaying.start();
    expect(await relaying.close({ drain: true })).toMatchObject({ published: 10 });
    expect(await streamIds(where.stream)).toEqual([...first, ...second]);
    await audit.close();
  });

  it('follows the trail across rename rotation, with the relay running and after a restart', async () => {
    const where = isolated();
    const { audit, emit } = service(where.trail);
    const ids = [emit(0), emit(1)];
    const relaying = relay(where);
    await relaying.start();
    renameSync(where.trail, `${where.trail}.1`);
    ids.push(emit(2), emit(3));
    await until(async () => (await streamIds(where.stream)).length === 4, 'four events');
    await relaying.close({ drain: true });
    // Rotated again while no relay runs: the next one finds its trail under the new name.
    ids.push(emit(4));
    renameSync(`${where.trail}.1`, `${where.trail}.2`);
    renameSync(where.trail, `${where.trail}.1`);
    ids.push(emit(5));
    const again = relay(where);
    await again.start();
    await again.close({ drain: true });
    expect(await streamIds(where.stream)).toEqual(ids);
    await audit.close();
  });

  it('does not send on the events the service ingested from elsewhere', async () => {
    const where = isolated();
    const { audit, bus, emit } = service(where.trail);
    const foreign = new LoggingEventBus<PayloadMap>({ registry: eventRegistry, audit: new MemoryAuditSink(), logger: new CapturingLogger() }).emit('plan.approved', { planId: '01JDQ8Z1X4N6V7W8Y9ZAB2C3DE', approvedBy: { kind: 'user', id: 'u' } });
    const own = emit(0);
    await bus.ingest(foreign);
    const later = emit(1);
    const relaying = relay(where);
    await relaying.start();
    expect(await relaying.close({ drain: true })).toMatchObject({ published: 2, skipped: 1 });
    expect(await streamIds(where.stream)).toEqual([own, later]);
    await audit.close();
  });

  it('relays one trail twice, in clear to its own stream and concealed to a partner\'s, each with its own checkpoint', async () => {
    const own = isolated();
    const partner = { ...kit.isolated(), trail: own.trail };
    const audit = new JsonlAuditSink(own.trail, { onTrailChange: () => undefined });
    const bus = new LoggingEventBus<PayloadMap>({ registry: eventRegistry, audit, logger: new CapturingLogger() });
    const sent = bus.emit('session.message_sent', { sessionId: '01JDQC1D2E3F4G5H6J7K8M9N0P', messageId: '01JDQC3F4G5H6J7K8M9N0P1Q2R', content: 'the secret reply' });
    const clear = relay(own);
    const concealed = relay(partner, { checkpoint: `${own.trail}.partner`, redact: { registry: eventRegistry, hmacKey: 'partner key' } });
    await clear.start();
    await concealed.start();
    expect(await clear.close({ drain: true })).toMatchObject({ published: 1, failures: 0 });
    expect(await concealed.close({ drain: true })).toMatchObject({ published: 1, failures: 0 });
    const jsm = await jetstreamManager(kit.nc);
    const inClear = await jsm.streams.getMessage(own.stream, { seq: 1 });
    const toPartner = await jsm.streams.getMessage(partner.stream, { seq: 1 });
    expect(JSON.parse(new TextDecoder().decode(inClear?.data))).toEqual(sent.payload);
    expect(inClear?.header?.get('eventspec-redacted')).toBe('');
    expect(JSON.parse(new TextDecoder().decode(toPartner?.data))).toEqual({ ...sent.payload, content: expect.stringMatching(/^hmac-sha256:/) });
    expect(toPartner?.header?.get('eventspec-redacted')).toBe('hmac-sha256');
    expect(toPartner?.header?.get('Nats-Msg-Id')).toBe(sent.id);
    await audit.close();
  });

  it('takes one relay per checkpoint', async () => {
    const where = isolated();
    const { audit } = service(where.trail);
    const first = relay(where);
    await first.start();
    await expect(relay(where).start()).rejects.toThrow(new RegExp(`checkpoint .*\\.relay is in use by process ${process.pid}`));
    await first.close();
    await audit.close();
  });

  it('refuses a checkpoint that does not fit its trail, naming both', async () => {
    const where = isolated();
    const { audit, emit } = service(where.trail);
    emit(0);
    const relaying = relay(where);
    await relaying.start();
    await relaying.close({ drain: true });
    const checkpoint = JSON.parse(readFileSync(`${where.trail}.relay`, 'utf8')) as { trail: string };
    writeFileSync(`${where.trail}.relay`, JSON.stringify({ ...checkpoint, offset: 5 }));
    const wrong = relay(where);
    await wrong.start();
    await expect(wrong.close({ drain: true, timeoutMs: 2000 })).rejects.toThrow(/the position \(record 1 at byte 5\) does not fit the trail/);
    await audit.close();
  });
});

describe('closing the publisher', () => {
  it('waits for the publishes in flight, then refuses new ones', async () => {
    const where = isolated();
    const publisher = new NatsEventPublisher(kit.nc, { source: '/test', stream: where.stream, subjectPrefix: where.subjectPrefix });
    await publisher.start();
    const { audit, bus } = service(where.trail);
    const events = Array.from({ length: 50 }, (_, n) => bus.emit('plan.paused', { planId: '01JDQ8Z1X4N6V7W8Y9ZAB2C3DE', pausedBy: { kind: 'agent', id: 'p' }, reason: `n${n}` }));
    const acks = events.map((event) => publisher.publish(event));
    expect(await publisher.close({ timeoutMs: 10_000 })).toBe(0);
    expect((await Promise.all(acks)).every((ack) => ack.duplicate === false)).toBe(true);
    await expect(publisher.publish(events[0] ?? events[1]!)).rejects.toThrow(/the publisher is closed: plan\.paused \S+ was not published/);
    expect(await streamIds(where.stream)).toEqual(events.map((event) => event.id));
    await audit.close();
  });
});

describe('publishing before the streams exist', () => {
  it('names the missing stream instead of "jetstream is not enabled"', async () => {
    const where = isolated();
    const publisher = new NatsEventPublisher(kit.nc, { source: '/test', stream: where.stream, subjectPrefix: where.subjectPrefix, attempts: 1 });
    const event = service(where.trail);
    const emitted = event.bus.emit('plan.approved', { planId: '01JDQ8Z1X4N6V7W8Y9ZAB2C3DE', approvedBy: { kind: 'user', id: 'u' } });
    await expect(publisher.publish(emitted)).rejects.toThrow(new RegExp(`no JetStream stream takes ${where.subjectPrefix}\\.plan\\.approved \\(create the streams first: publisher\\.start\\(\\) or ensureStreams, for stream "${where.stream}"`));
    await event.audit.close();
    expect(existsSync(where.trail)).toBe(true);
  });
});
