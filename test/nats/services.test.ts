/**
 * Service consumers over the real NATS server: a consumer delivering into a service's bus takes
 * its durable name and its selection from the catalogue's contract, and one that may not read
 * sensitive values never holds one (its handler, its audit trail and its pino log), while the one
 * that may receives the same event whole.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { emitPlanCreated, emitSessionMessageSent, eventRegistry, services, type PayloadMap, type SessionMessageSentPayload } from '../../generated/index.ts';
import { JsonlAuditSink, LoggingEventBus, MemoryAuditSink, readAuditRecords, REDACTED, serviceBus, type DomainEvent, type ServiceContract } from '../../src/index.ts';
import { NatsEventConsumer, NatsEventPublisher } from '../../src/nats/transport.ts';
import { CapturingLogger } from '../support/capturing-logger.ts';
import { natsTestKit } from '../support/nats-test.ts';
import { until } from '../support/until.ts';

const directory = mkdtempSync(join(tmpdir(), 'eventspec-nats-services-'));
const kit = natsTestKit('V', () => rmSync(directory, { recursive: true, force: true }));

const secret = 'the vault passphrase is hunter2';
const reply: SessionMessageSentPayload = { sessionId: '01JDQC1D2E3F4G5H6J7K8M9N0P', messageId: '01JDQC3F4G5H6J7K8M9N0P1Q2R', content: secret, tokens: 3 };
const plan = { planId: '01JDQ8Z1X4N6V7W8Y9ZAB2C3DE', title: 'T', goal: 'G', priority: 'high', createdBy: { kind: 'agent', id: 'planner-1' }, steps: [] } as const;

/** A service's process: a bus logging with real pino into a file, a JSON-lines trail, and its consumer. */
function serviceProcess<R, C extends keyof PayloadMap & keyof R & string>(contract: ServiceContract<PayloadMap, R, never, C>, where: { stream: string; subjectPrefix: string }) {
  const logFile = join(directory, `${contract.name}-${where.stream}.log`);
  const trail = join(directory, `${contract.name}-${where.stream}.jsonl`);
  const logger = pino(pino.destination({ dest: logFile, sync: true }));
  const audit = new JsonlAuditSink(trail, { durability: 'sync' });
  const bus = serviceBus(new LoggingEventBus<PayloadMap>({ registry: eventRegistry, audit, logger }), contract);
  const received: DomainEvent<PayloadMap>[] = [];
  bus.subscribe('*', (event) => {
    received.push(event as unknown as DomainEvent<PayloadMap>);
  });
  const consumer = new NatsEventConsumer(kit.nc, bus, eventRegistry, { ...where, audit, logger: new CapturingLogger() });
  return { bus, received, consumer, logFile, trail, audit };
}

describe('service consumers over NATS', () => {
  it("give the notifier the event with its secret masked everywhere, and the projection the event whole; each selects what its contract consumes", async () => {
    const where = kit.isolated(['notifier', 'audit-projection']);
    const publisher = new NatsEventPublisher(kit.nc, { source: '/gateway', ...where });
    await publisher.start();
    const notifier = serviceProcess(services.notifier, where);
    const projection = serviceProcess(services.auditProjection, where);
    await notifier.consumer.start();
    await projection.consumer.start();

    const producer = serviceBus(new LoggingEventBus<PayloadMap>({ registry: eventRegistry, audit: new MemoryAuditSink(), logger: new CapturingLogger() }), services.sessionGateway);
    const planner = serviceBus(new LoggingEventBus<PayloadMap>({ registry: eventRegistry, audit: new MemoryAuditSink(), logger: new CapturingLogger() }), services.planLifecycle);
    const message = emitSessionMessageSent(producer, reply);
    // plan.created: the projection consumes it, the notifier does not.
    const created = emitPlanCreated(planner, plan);
    await publisher.publish(message);
    await publisher.publish(created);
    await until(() => projection.received.length === 2 && notifier.received.length === 1, 'both consumers');

    expect(projection.received.map((event) => event.payload)).toEqual([reply, plan]);
    expect(notifier.received).toHaveLength(1);
    expect(notifier.received[0]).toMatchObject({ id: message.id, type: 'session.message_sent', payload: { ...reply, content: REDACTED } });
    // Its durable consumer is named after the service; the selection is the contract's.
    const jsm = await jetstreamManager(kit.nc);
    expect((await jsm.consumers.info(where.stream, 'notifier')).name).toBe('notifier');
    expect((await jsm.consumers.info(where.stream, 'audit-projection')).name).toBe('audit-projection');
    expect(notifier.bus.usage().received).toEqual({ 'session.message_sent': 1 });

    await notifier.consumer.stop();
    await projection.consumer.stop();
    await notifier.audit.close();
    await projection.audit.close();
    for (const file of [notifier.logFile, notifier.trail]) expect(readFileSync(file, 'utf8'), file).not.toContain(secret);
    expect(JSON.stringify(notifier.received)).not.toContain(secret);
    expect(readFileSync(notifier.logFile, 'utf8')).toContain(message.id);
    expect(readFileSync(projection.trail, 'utf8')).toContain(secret);
    const records = [];
    for await (const record of readAuditRecords(notifier.trail)) records.push(record);
    expect(records.map((record) => [record.redacted, record.ingested, (record.event as { id: string }).id])).toEqual([['mask', true, message.id]]);
  });

  it('refuses a selection outside the contract, and a service that consumes nothing', () => {
    const where = kit.isolated();
    const bus = new LoggingEventBus<PayloadMap>({ registry: eventRegistry, logger: new CapturingLogger() });
    expect(() => new NatsEventConsumer(kit.nc, serviceBus(bus, services.notifier), eventRegistry, { ...where, select: { types: ['plan.created'] } })).toThrow(
      'the consumer selects plan.created, which service notifier does not consume (it consumes plan.completed, plan.failed, decision.requested, tool.approval_requested, session.message_sent)',
    );
    expect(() => new NatsEventConsumer(kit.nc, serviceBus(bus, services.platform), eventRegistry, where)).toThrow('service platform consumes nothing');
    expect(() => new NatsEventConsumer(kit.nc, bus, eventRegistry, where)).toThrow('a NatsEventConsumer needs a durable name');
  });
});
