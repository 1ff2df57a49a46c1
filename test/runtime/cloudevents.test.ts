/** CloudEvents 1.0 against the official SDK: structured and binary HTTP modes, both ways, lossless. */
import { CloudEvent, HTTP } from 'cloudevents';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Envelope, wellFormed } from '../../src/events/cloudevents.ts';
import { EventValidationError, fromCloudEvent, LoggingEventBus, toCloudEvent, type DomainEvent } from '../../src/index.ts';
import { eventRegistry, type PayloadMap } from '../../generated/index.ts';
import { projectModel } from '../support/catalogue.ts';
import { CapturingLogger } from '../support/capturing-logger.ts';

const source = '/agent-platform/planner';
const bus = new LoggingEventBus<PayloadMap>({ registry: eventRegistry, logger: new CapturingLogger() });
const model = projectModel();
/** One real event per catalogue type, the later ones chained to the first. */
const events: DomainEvent<PayloadMap>[] = [];
for (const definition of model.events) {
  const first = events[0];
  events.push(bus.emit(definition.name as never, definition.examples[0] as never, first === undefined ? undefined : { correlationId: first.id, causationId: first.id }));
}

describe('CloudEvents', () => {
  it('maps every field: id, source, type, time, content type, dataschema, data, chain extensions', () => {
    const event = events[1] ?? events[0]!;
    expect(toCloudEvent(event, { source, typePrefix: 'com.example.' })).toEqual({
      specversion: '1.0',
      id: event.id,
      source,
      type: `com.example.${event.type}`,
      time: event.timestamp,
      datacontenttype: 'application/json',
      dataschema: `urn:eventspec:events:${event.type}:v1`,
      data: event.payload,
      correlationid: event.correlationId,
      causationid: event.causationId,
    });
  });

  it.each(events.map((event) => [event.type, event] as const))('%s: accepted by the SDK in structured and binary HTTP mode, and read back losslessly', (_type, event) => {
    const ours = toCloudEvent(event, { source, typePrefix: 'com.example.' });
    const sdkEvent = new CloudEvent(ours); // validates on construction
    for (const message of [HTTP.structured(sdkEvent), HTTP.binary(sdkEvent)]) {
      const received = HTTP.toEvent({ headers: message.headers, body: message.body }) as CloudEvent<unknown>;
      expect(received.validate()).toBe(true);
      expect(fromCloudEvent(received, eventRegistry, { typePrefix: 'com.example.' })).toEqual(event);
    }
    expect(HTTP.binary(sdkEvent).headers).toMatchObject({ 'ce-id': event.id, 'ce-correlationid': event.correlationId, 'content-type': 'application/json' });
  });

  it('carries a trace context as the distributed-tracing extension, which the SDK reads and the reader passes over; a malformed one is refused', () => {
    const event = events[0] as DomainEvent<PayloadMap>;
    const trace = { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', tracestate: 'congo=t61rcWkgMzE' };
    const ce = toCloudEvent(event, { source, trace });
    const sdk = new CloudEvent(ce as unknown as Record<string, unknown>);
    expect([sdk['traceparent'], sdk['tracestate']]).toEqual([trace.traceparent, trace.tracestate]);
    const binary = HTTP.binary(sdk);
    expect(binary.headers).toMatchObject({ 'ce-traceparent': trace.traceparent, 'ce-tracestate': trace.tracestate });
    expect(fromCloudEvent(JSON.parse(JSON.stringify(ce)) as unknown, eventRegistry)).toEqual(event);
    expect(() => toCloudEvent(event, { source, trace: { traceparent: '00-not-a-trace' } })).toThrow(/is not a W3C trace context/);
  });

  it('reads events the SDK made', () => {
    const sdkEvent = new CloudEvent({
      id: '01JDQ8Z1X4N6V7W8Y9ZAB2C3DE',
      source: '/elsewhere',
      type: 'plan.approved',
      time: '2026-11-26T08:30:00+01:00',
      datacontenttype: 'application/json',
      data: { planId: '01JDQ8Z1X4N6V7W8Y9ZAB2C3DE', approvedBy: { kind: 'user', id: 'alice' } },
    });
    expect(fromCloudEvent(sdkEvent, eventRegistry)).toEqual({
      id: '01JDQ8Z1X4N6V7W8Y9ZAB2C3DE',
      type: 'plan.approved',
      domain: 'plan',
      timestamp: '2026-11-26T07:30:00.000Z',
      correlationId: '01JDQ8Z1X4N6V7W8Y9ZAB2C3DE',
      version: 1,
      payload: { planId: '01JDQ8Z1X4N6V7W8Y9ZAB2C3DE', approvedBy: { kind: 'user', id: 'alice' } },
    });
  });

  it('keeps a foreign event id and chain that are not ULIDs, as CloudEvents allows', () => {
    const good = toCloudEvent(events[1]!, { source });
    const event = fromCloudEvent({ ...good, id: 'order-7781/attempt-2', correlationid: '4bf92f3577b34da6a3ce929d0e0e4736', causationid: 'req-1' }, eventRegistry);
    expect([event.id, event.correlationId, event.causationId]).toEqual(['order-7781/attempt-2', '4bf92f3577b34da6a3ce929d0e0e4736', 'req-1']);
  });

  it('rejects unknown types and bad data with the same error as emit', () => {
    const good = toCloudEvent(events[1]!, { source });
    expect(() => fromCloudEvent({ ...good, type: 'plan.exploded' }, eventRegistry)).toThrow(EventValidationError);
    expect(() => fromCloudEvent({ ...good, type: 'plan.exploded' }, eventRegistry)).toThrow(/invalid plan\.exploded event: \(payload\): unknown event type/);
    let error: unknown;
    try {
      fromCloudEvent({ ...good, type: 'plan.approved', data: { planId: 'x' } }, eventRegistry);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(EventValidationError);
    expect((error as EventValidationError).issues.map((issue) => issue.path)).toEqual([['planId'], ['approvedBy']]);
    expect(() => fromCloudEvent({ ...good, id: '' }, eventRegistry)).toThrow(/cloudevent\.id/);
    expect(() => fromCloudEvent({ ...good, correlationid: 'a\r\nb' }, eventRegistry)).toThrow(/cloudevent\.correlationid/);
    expect(() => fromCloudEvent({ ...good, datacontenttype: 'text/plain' }, eventRegistry)).toThrow(/expected JSON data/);
    expect(() => fromCloudEvent('{}', eventRegistry)).toThrow(EventValidationError);
  });

  it('vouches for an envelope (the fast path a transport takes per message) only where the full check accepts it', () => {
    // Mostly the good value, sometimes a bad one or none: one wrong field at a time is the near miss.
    const mostly = (good: unknown, ...bad: fc.Arbitrary<unknown>[]): fc.Arbitrary<unknown> => fc.oneof({ weight: 12, arbitrary: fc.constant(good) }, { weight: 1, arbitrary: fc.constant(undefined) }, ...bad.map((arbitrary) => ({ weight: 1, arbitrary })));
    const field = fc.record({
      specversion: mostly('1.0', fc.constantFrom('0.3', 1, '')),
      id: mostly('01JDQ8Z1X4N6V7W8Y9ZAB2C3DE', fc.constantFrom('a', '', 'x'.repeat(257), 'tab\there', 7), fc.string()),
      source: mostly('/s', fc.constantFrom('', 3)),
      type: mostly('plan.created', fc.constantFrom('', null)),
      time: mostly('2026-11-26T08:30:00Z', fc.constantFrom('2026-11-26T08:30:00.123+01:00', '2026-02-30T08:30:00Z', '2026-11-26 08:30:00Z', '2026-11-26T24:00:00Z', '2026-11-26T08:30:00', 0), fc.string()),
      datacontenttype: mostly('application/json', fc.constant(5)),
      dataschema: mostly('urn:eventspec:events:plan.created:v1', fc.constant(null)),
      correlationid: mostly('c-1', fc.constantFrom('', 9)),
      causationid: mostly(undefined, fc.constantFrom('c-0', '\u0000')),
      data: mostly({}, fc.constant(null)),
    });
    let vouched = 0;
    fc.assert(fc.property(field, (candidate) => {
      const value = Object.fromEntries(Object.entries(candidate).filter(([, each]) => each !== undefined));
      const full = Envelope.safeParse(value).success;
      if (wellFormed(value)) {
        vouched++;
        expect(full).toBe(true);
      }
    }), { numRuns: 3000 });
    expect(vouched).toBeGreaterThan(50);
  });
});
