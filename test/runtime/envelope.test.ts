/**
 * One envelope rule at every door (src/envelope.ts): `ingest`, `fromCloudEvent`, emit's meta and
 * clock and `readAudit` refuse what the reader refuses, so whatever is written reads back.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { EventValidationError, fromCloudEvent, JsonlAuditSink, readAudit, toCloudEvent, type DomainEvent } from '../../src/index.ts';
import { ReactiveEventBus } from '../../src/reactive-bus.ts';
import { eventRegistry, type PayloadMap } from '../../generated/index.ts';
import { CapturingLogger } from '../support/capturing-logger.ts';

const dir = mkdtempSync(join(tmpdir(), 'eventspec-envelope-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const event = {
  id: '01JDQ8Z1X4N6V7W8Y9ZAB2C3DE',
  type: 'plan.approved',
  domain: 'plan',
  timestamp: '2026-11-26T08:30:00.000Z',
  correlationId: '01JDQ8Z1X4N6V7W8Y9ZAB2C3DE',
  version: 1,
  payload: { planId: '01JDQ8Z1X4N6V7W8Y9ZAB2C3DE', approvedBy: { kind: 'user', id: 'alice' } },
} as const;

let trails = 0;
function setup(options: { now?: () => number } = {}) {
  const path = join(dir, `trail-${++trails}.jsonl`);
  const audit = new JsonlAuditSink(path);
  const bus = new ReactiveEventBus<PayloadMap>({ registry: eventRegistry, audit, logger: new CapturingLogger(), ...options });
  return { bus, path, audit };
}

async function readBack(path: string): Promise<DomainEvent<PayloadMap>[]> {
  const events: DomainEvent<PayloadMap>[] = [];
  for await (const each of readAudit(path, eventRegistry)) events.push(each);
  return events;
}

function without(key: keyof typeof event): object {
  const copy: Record<string, unknown> = { ...event };
  delete copy[key];
  return copy;
}

describe('ingest', () => {
  it.each([
    ['a missing correlationId', without('correlationId'), 'correlationId'],
    ['a timestamp that is no timestamp', { ...event, timestamp: 'yesterday' }, 'timestamp'],
    ['a timestamp with an offset', { ...event, timestamp: '2026-11-26T08:30:00+01:00' }, 'timestamp'],
    ['the year 0000', { ...event, timestamp: '0000-01-01T00:00:00.000Z' }, 'timestamp'],
    ['an empty id', { ...event, id: '' }, 'id'],
    ['an id with a line break', { ...event, id: 'a\nb' }, 'id'],
    ['an extra key', { ...event, extra: 1 }, 'extra'],
    ['writtenVersion 0', { ...event, writtenVersion: 0 }, 'writtenVersion'],
    ['version 1.5', { ...event, version: 1.5 }, 'version'],
    ['another domain', { ...event, domain: 'task' }, 'domain'],
    ['no payload', without('payload'), 'payload'],
  ])('refuses %s, naming the field, and audits nothing', async (_name, envelope, field) => {
    const { bus, path, audit } = setup();
    const error = await bus.ingest(envelope as never).then(() => undefined, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(EventValidationError);
    expect((error as EventValidationError).issues.map((issue) => issue.path.join('.'))).toContain(field);
    await audit.close();
    expect(await readBack(path)).toEqual([]);
  });

  it('audits only envelopes the reader takes back, whatever it is given', async () => {
    const { bus, path, audit } = setup();
    const text = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom(' id', 'id ', 'a\u2028b', '', 'x'.repeat(257)));
    const timestamp = fc.oneof(fc.date({ noInvalidDate: true }).map((date) => date.toISOString()), fc.constantFrom('2026-11-26T08:30:00Z', '2026-11-26T08:30:00.1234Z', '+010000-01-01T00:00:00.000Z', '2026-02-30T00:00:00Z'));
    // Mostly the right value, so that each field is the one wrong thing often enough.
    const mostly = <T,>(right: T, wrong: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> => fc.oneof({ arbitrary: fc.constant(right), weight: 5 }, { arbitrary: wrong, weight: 1 });
    const envelope = fc.record({
      id: mostly(event.id, text),
      type: fc.constant(event.type),
      domain: mostly('plan', fc.constant('task')),
      timestamp: mostly(event.timestamp, timestamp),
      correlationId: mostly(event.id, text),
      causationId: fc.oneof(fc.constant(event.id), text),
      version: mostly(1, fc.constantFrom(0, 2, -1, 1.5)),
      writtenVersion: fc.constantFrom(1, 0, 2),
      payload: fc.constant(event.payload),
    }, { requiredKeys: ['id', 'type', 'domain', 'timestamp', 'correlationId', 'version', 'payload'] });
    const accepted: unknown[] = [];
    await fc.assert(fc.asyncProperty(envelope, async (candidate) => {
      try {
        await bus.ingest(candidate as never);
        accepted.push((candidate as { id: unknown }).id);
      } catch (error) {
        expect(error).toBeInstanceOf(EventValidationError);
      }
    }), { numRuns: 300 });
    await audit.close();
    expect(accepted.length).toBeGreaterThan(5);
    expect((await readBack(path)).map((each) => each.id)).toEqual(accepted);
  }, 120_000);
});

describe('fromCloudEvent', () => {
  const good = toCloudEvent(event as unknown as DomainEvent<PayloadMap>, { source: '/test' });

  it.each(['9999-12-31T23:59:59-23:59', '0000-01-01T00:00:00+01:00'])('refuses a time that leaves the years 0001–9999 in UTC (%s)', (time) => {
    expect(() => fromCloudEvent({ ...good, time }, eventRegistry)).toThrow(/cloudevent\.time.*years 0001–9999/s);
  });

  it('takes an offset inside them, normalised to UTC, and the trail reads it back', async () => {
    const received = fromCloudEvent({ ...good, time: '9999-12-31T22:59:59+01:00' }, eventRegistry);
    expect(received.timestamp).toBe('9999-12-31T21:59:59.000Z');
    const { bus, path, audit } = setup();
    await bus.ingest(received);
    await audit.close();
    expect((await readBack(path)).map((each) => each.timestamp)).toEqual(['9999-12-31T21:59:59.000Z']);
  });
});

describe('emit', () => {
  it('refuses to stamp a time its clock gives outside the years 0001–9999', () => {
    const { bus } = setup({ now: () => Date.UTC(10_000, 0, 1) });
    expect(() => bus.emit('plan.approved', event.payload)).toThrow(/clock said .*years 0001–9999/);
  });
});
