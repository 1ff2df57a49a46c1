/**
 * OpenTelemetry as an application sets it up (the SDK's tracer provider with an in-memory
 * exporter, the AsyncLocalStorage context manager, the W3C propagator): spans for emit, handler
 * runs, the relay's send and the consumer's process, named and attributed by the messaging and
 * CloudEvents conventions, one trace from the producer's request to the consumer's handler across
 * the audit trail and a real NATS server, failures recorded, and no sensitive value anywhere in a
 * span.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { JsonlAuditSink, LoggingEventBus, MemoryAuditSink, type DomainEvent } from '../../src/index.ts';
import { AuditRelay, ensureStreams, NatsEventConsumer } from '../../src/nats/transport.ts';
import { createOutboxTable, PostgresOutbox, PostgresOutboxRelay } from '../../src/postgres/index.ts';
import { emitPlanApproved, emitPlanCreated, emitToolInvoked, eventRegistry, type PayloadMap, type PlanCreatedPayload } from '../../generated/index.ts';
import { CapturingLogger } from '../support/capturing-logger.ts';
import { natsTestKit } from '../support/nats-test.ts';
import { testPool, uniqueTable } from '../support/postgres.ts';
import { until } from '../support/until.ts';

const exporter = new InMemorySpanExporter();
trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
propagation.setGlobalPropagator(new W3CTraceContextPropagator());
const tracer = trace.getTracer('the application');

const dir = mkdtempSync(join(tmpdir(), 'eventspec-tracing-'));
const kit = natsTestKit('t', () => rmSync(dir, { recursive: true, force: true }));
afterAll(() => {
  context.disable();
  trace.disable();
  propagation.disable();
});
beforeEach(() => exporter.reset());

const planId = '01JDQ8Z1X4N6V7W8Y9ZAB2C3DE';
const plan: PlanCreatedPayload = { planId, title: 'T', goal: 'G', priority: 'high', createdBy: { kind: 'user', id: 'alice' }, steps: [] };
const SECRET = 'hunter2-secret-value';

const spans = (): ReadableSpan[] => exporter.getFinishedSpans();
const named = (name: string): ReadableSpan[] => spans().filter((span) => span.name === name);
function only(name: string): ReadableSpan {
  const found = named(name);
  expect(found.map((span) => span.name), `spans named ${name} among ${spans().map((span) => span.name).join(', ')}`).toEqual([name]);
  return found[0] as ReadableSpan;
}
const parentOf = (span: ReadableSpan): string | undefined => span.parentSpanContext?.spanId;

describe('tracing on one bus', () => {
  it('gives each emit a producer span in the active trace, each handler a child span, and the trail the emit span’s context', async () => {
    const trail = join(dir, 'emit.jsonl');
    const audit = new JsonlAuditSink(trail, { durability: 'sync' });
    const bus = new LoggingEventBus({ registry: eventRegistry, audit, logger: new CapturingLogger() });
    bus.subscribe('plan.created', (event) => {
      // An event a handler emits joins the trace under that handler's span.
      emitPlanApproved(bus, { planId: event.payload.planId, approvedBy: { kind: 'user', id: 'bob' } });
    });
    bus.subscribe('plan.created', () => {
      throw new Error('the second handler failed');
    });
    bus.subscribe('*', async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      throw new Error('the async handler rejected');
    });
    let event: DomainEvent<PayloadMap, 'plan.created'> | undefined;
    tracer.startActiveSpan('POST /plans', (request) => {
      event = emitPlanCreated(bus, plan);
      request.end();
    });
    await until(() => named('handle plan.approved').length === 1 && named('handle plan.created').length === 3, 'every handler span to end');
    await audit.close();

    const request = only('POST /plans');
    const create = only('create plan.created');
    expect(create.kind).toBe(SpanKind.PRODUCER);
    expect(parentOf(create)).toBe(request.spanContext().spanId);
    expect(create.spanContext().traceId).toBe(request.spanContext().traceId);
    expect(create.attributes).toEqual({
      'messaging.operation.type': 'create',
      'messaging.operation.name': 'emit',
      'messaging.message.id': event?.id,
      'cloudevents.event_id': event?.id,
      'cloudevents.event_type': 'plan.created',
      'cloudevents.event_spec_version': '1.0',
    });

    const handlers = named('handle plan.created');
    expect(handlers.map(parentOf)).toEqual([create.spanContext().spanId, create.spanContext().spanId, create.spanContext().spanId]);
    expect(handlers.map((span) => span.status.code).sort()).toEqual([SpanStatusCode.UNSET, SpanStatusCode.ERROR, SpanStatusCode.ERROR].sort());
    expect(handlers.flatMap((span) => span.status.message ?? []).sort()).toEqual(['the async handler rejected', 'the second handler failed']);
    expect(handlers.filter((span) => span.status.code === SpanStatusCode.ERROR).every((span) => span.events.some((each) => each.name === 'exception'))).toBe(true);

    const nested = only('create plan.approved');
    const first = handlers.find((span) => span.status.code === SpanStatusCode.UNSET);
    expect(parentOf(nested)).toBe(first?.spanContext().spanId);

    // The trail keeps each event's emit context, as a W3C traceparent, for the relay.
    const records = readFileSync(trail, 'utf8').trim().split('\n').slice(1).map((line) => JSON.parse(line) as { traceparent?: string; event: { type: string } });
    expect(records.map((record) => [record.event.type, record.traceparent])).toEqual([
      ['plan.created', `00-${create.spanContext().traceId}-${create.spanContext().spanId}-01`],
      ['plan.approved', `00-${nested.spanContext().traceId}-${nested.spanContext().spanId}-01`],
    ]);
  });

  it('puts no payload value in a span: a sensitive argument is nowhere in names, attributes or events', () => {
    const bus = new LoggingEventBus({ registry: eventRegistry, audit: new MemoryAuditSink(), logger: new CapturingLogger() });
    bus.subscribe('tool.invoked', () => {
      throw new Error('failed');
    });
    emitToolInvoked(bus, { invocationId: planId, agentId: planId, toolName: 'ledger.transfer', arguments: [{ name: 'password', value: SECRET }] });
    expect(spans().length).toBe(2);
    expect(JSON.stringify(spans().map((span) => [span.name, span.attributes, span.events, span.status]))).not.toContain(SECRET);
  });

  it('gives an emit outside any request a trace of its own', () => {
    const bus = new LoggingEventBus({ registry: eventRegistry, audit: new MemoryAuditSink(), logger: new CapturingLogger() });
    const event = emitPlanCreated(bus, plan);
    const create = only('create plan.created');
    expect([create.parentSpanContext, create.attributes['messaging.message.id']]).toEqual([undefined, event.id]);
  });
});

describe('tracing across processes', () => {
  it('continues the producer’s trace through the trail, the relay and NATS to the consumer’s handlers, and records a handler’s failure', async () => {
    const where = kit.isolated(['traced']);
    const trail = join(dir, 'relayed.jsonl');
    const producerAudit = new JsonlAuditSink(trail, { durability: 'sync' });
    const producer = new LoggingEventBus({ registry: eventRegistry, audit: producerAudit, logger: new CapturingLogger() });
    const logger = new CapturingLogger();
    await ensureStreams(kit.nc, where);
    const relay = new AuditRelay(kit.nc, { trail, source: '/test/tracing', ...where, logger });
    await relay.start();

    const consumerBus = new LoggingEventBus({ registry: eventRegistry, audit: new MemoryAuditSink(), logger });
    let attempts = 0;
    consumerBus.subscribe('plan.created', () => {
      attempts++;
      if (attempts === 1) throw new Error('the first attempt failed');
    });
    const consumer = new NatsEventConsumer(kit.nc, consumerBus, eventRegistry, { durable: 'traced', ...where, retryDelayMs: 50, logger });
    await consumer.start();

    let event: DomainEvent<PayloadMap, 'plan.created'> | undefined;
    tracer.startActiveSpan('POST /plans', (request) => {
      event = emitPlanCreated(producer, plan);
      request.end();
    });
    await until(() => attempts === 2 && named(`process ${where.subjectPrefix}.plan.created`).length === 2, 'the redelivered event to be processed');
    await consumer.stop();
    await relay.close();
    await producerAudit.close();

    const request = only('POST /plans');
    const traceId = request.spanContext().traceId;
    const create = only('create plan.created');
    const subject = `${where.subjectPrefix}.plan.created`;
    const send = only(`send ${subject}`);
    expect(send.kind).toBe(SpanKind.PRODUCER);
    // The relay runs outside the request: its span's parent came from the trail.
    expect([send.spanContext().traceId, parentOf(send)]).toEqual([traceId, create.spanContext().spanId]);
    expect(send.attributes).toMatchObject({
      'messaging.system': 'nats',
      'messaging.operation.type': 'send',
      'messaging.destination.name': subject,
      'messaging.message.id': event?.id,
      'cloudevents.event_id': event?.id,
      'cloudevents.event_source': '/test/tracing',
      'cloudevents.event_type': 'plan.created',
    });

    // Each delivery a consumer span, a child of the send span through the message's headers.
    const processes = named(`process ${subject}`);
    expect(processes.map((span) => [span.kind, span.spanContext().traceId, parentOf(span)])).toEqual([
      [SpanKind.CONSUMER, traceId, send.spanContext().spanId],
      [SpanKind.CONSUMER, traceId, send.spanContext().spanId],
    ]);
    expect(processes[0]?.attributes).toMatchObject({ 'messaging.system': 'nats', 'messaging.operation.type': 'process', 'messaging.destination.name': subject, 'messaging.consumer.group.name': 'traced', 'messaging.message.id': event?.id, 'cloudevents.event_source': '/test/tracing' });
    expect(processes.map((span) => span.status.code)).toEqual([SpanStatusCode.ERROR, SpanStatusCode.UNSET]);

    // The handler runs under the delivery's span; the failed run says why.
    const handlers = named('handle plan.created').filter((span) => span.spanContext().traceId === traceId && processes.some((each) => each.spanContext().spanId === parentOf(span)));
    expect(handlers.map((span) => [parentOf(span), span.status.code, span.status.message])).toEqual([
      [processes[0]?.spanContext().spanId, SpanStatusCode.ERROR, 'the first attempt failed'],
      [processes[1]?.spanContext().spanId, SpanStatusCode.UNSET, undefined],
    ]);
  });
});

describe('tracing through the PostgreSQL outbox', () => {
  it('keeps each event’s emit context in its row, and the outbox relay’s send continues that trace', async () => {
    const pool = testPool(2);
    const table = uniqueTable('traced');
    const where = kit.isolated();
    try {
      await createOutboxTable(pool, { table });
      await ensureStreams(kit.nc, where);
      const outbox = new PostgresOutbox({ registry: eventRegistry, table });
      const event = await tracer.startActiveSpan('POST /plans/approve', async (request) => {
        try {
          return await outbox.transaction(pool, async ({ events }) => emitPlanApproved(events, { planId, approvedBy: { kind: 'user', id: 'alice' } }));
        } finally {
          request.end();
        }
      });
      const create = only('create plan.approved');
      const [row] = (await pool.query(`SELECT traceparent, tracestate FROM "${table}"`)).rows as { traceparent: string | null; tracestate: string | null }[];
      expect(row).toEqual({ traceparent: `00-${create.spanContext().traceId}-${create.spanContext().spanId}-01`, tracestate: null });

      const relay = new PostgresOutboxRelay(kit.nc, pool, { source: '/test/outbox', table, ...where, logger: new CapturingLogger() });
      await relay.start();
      const subject = `${where.subjectPrefix}.plan.approved`;
      await until(() => named(`send ${subject}`).length === 1, 'the outbox relay to send the event');
      await relay.close();
      const send = only(`send ${subject}`);
      expect([send.spanContext().traceId, parentOf(send), send.attributes['messaging.message.id']]).toEqual([create.spanContext().traceId, create.spanContext().spanId, event.id]);
      expect(parentOf(create)).toBe(only('POST /plans/approve').spanContext().spanId);
    } finally {
      await pool.query(`DROP TABLE IF EXISTS "${table}"`);
      await pool.end();
    }
  });
});
