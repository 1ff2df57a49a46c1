/**
 * One rule for what a payload may be (src/plain-data.ts): validation judges exactly the value
 * that is then stored, logged, audited and dispatched. Fed values that are not plain JSON data
 * (prototypes, getters, proxies, class instances, Dates, toJSON, NaN, -0, holes, undefined,
 * functions, 10,000 levels of nesting), every entry point gives the same verdict, and whatever
 * is accepted reads back from the audit file as what the handlers saw.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  EventValidationError,
  isPayload,
  JsonlAuditSink,
  LoggingEventBus,
  MAX_PAYLOAD_DEPTH,
  parsePayload,
  readAudit,
  safeParsePayload,
  type DomainEvent,
} from '../../src/index.ts';
import { eventRegistry, PlanCreatedPayloadSchema, type PayloadMap, type PlanCreatedPayload } from '../../generated/index.ts';
import { isPlanCreatedPayload } from '../../generated/payloads/plan.ts';
import { CapturingLogger } from '../support/capturing-logger.ts';

const dir = mkdtempSync(join(tmpdir(), 'eventspec-plain-data-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const planId = '01JDQ8Z1X4N6V7W8Y9ZAB2C3DE';
function plan(): PlanCreatedPayload {
  return { planId, title: 'Migrate', goal: 'Move it', priority: 'high', createdBy: { kind: 'agent', id: 'p1' }, steps: [{ title: 'one' }] };
}
function health(details: unknown): unknown {
  return { component: 'ledger', previous: 'healthy', current: 'degraded', details };
}
function nested(levels: number): unknown {
  let value: unknown = {};
  for (let level = 0; level < levels; level++) value = { deeper: value };
  return value;
}

let trails = 0;
function setup() {
  const path = join(dir, `trail-${++trails}.jsonl`);
  const audit = new JsonlAuditSink(path);
  const logger = new CapturingLogger();
  const bus = new LoggingEventBus<PayloadMap>({ registry: eventRegistry, audit, logger });
  const seen: DomainEvent<PayloadMap>[] = [];
  bus.subscribe('*', (event) => void seen.push(event));
  return { bus, path, audit, logger, seen };
}

type Verdict = { accepted: true; payload: unknown } | { accepted: false; message: string };

/** What `emit` says of a payload: the stored payload, or the validation error's message (any other throw fails the test). */
function emitVerdict(bus: LoggingEventBus<PayloadMap>, type: keyof PayloadMap, payload: unknown): Verdict {
  try {
    return { accepted: true, payload: bus.emit(type, payload as never).payload };
  } catch (error) {
    if (!(error instanceof EventValidationError)) throw error;
    return { accepted: false, message: error.message };
  }
}

/** Every entry point's verdict on one value, checked to agree with `emit`'s; returns that verdict. */
function judgedAlike(type: keyof PayloadMap, payload: unknown): Verdict {
  const { bus } = setup();
  const verdict = emitVerdict(bus, type, payload);
  const parsed = safeParsePayload(eventRegistry, type, payload);
  expect(parsed.success).toBe(verdict.accepted);
  expect(isPayload(eventRegistry, type, payload)).toBe(verdict.accepted);
  if (verdict.accepted && parsed.success) {
    expect(parsed.data).toStrictEqual(verdict.payload);
    expect(parsePayload(eventRegistry, type, payload)).toStrictEqual(verdict.payload);
    // What was accepted is JSON data exactly: the audit's serialisation changes nothing.
    expect(JSON.parse(JSON.stringify(verdict.payload))).toStrictEqual(verdict.payload);
    expect(Object.isFrozen(verdict.payload)).toBe(true);
  } else if (!parsed.success) {
    expect(() => parsePayload(eventRegistry, type, payload)).toThrow(EventValidationError);
  }
  return verdict;
}

async function readBack(path: string): Promise<DomainEvent<PayloadMap>[]> {
  const events: DomainEvent<PayloadMap>[] = [];
  for await (const event of readAudit(path, eventRegistry)) events.push(event);
  return events;
}

describe('a payload that is not plain JSON data', () => {
  it('is refused when its required fields come from a prototype, even with the right number of own keys', () => {
    const inherited = Object.assign(Object.create(plan()) as object, { extra1: 1, extra2: 2, extra3: 3 });
    const verdict = judgedAlike('plan.created', inherited);
    expect(verdict).toMatchObject({ accepted: false });
    expect(verdict.accepted ? '' : verdict.message).toMatch(/not plain data/);
    // The generated guard agrees: it no longer reads fields through a prototype.
    expect(isPlanCreatedPayload(inherited)).toBe(false);
  });

  it('is refused as a class instance, naming the class and the path', () => {
    class Agent {
      #id = 'p1';
      get kind(): string {
        return 'agent';
      }
      get id(): string {
        return this.#id;
      }
    }
    const payload = { ...plan(), createdBy: new Agent() };
    const verdict = judgedAlike('plan.created', payload);
    expect(verdict.accepted ? '' : verdict.message).toMatch(/createdBy.*instance of Agent/s);
    expect(isPlanCreatedPayload(payload)).toBe(false);
  });

  it('is judged by one read of each field, so a Proxy cannot show the validator one title and the store another', () => {
    let reads = 0;
    const shifty = new Proxy(plan(), {
      get(target, key, receiver) {
        if (key === 'title') return ++reads === 1 ? 'short' : 'x'.repeat(5000);
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
    const { bus, seen, logger } = setup();
    const event = bus.emit('plan.created', shifty);
    expect(reads).toBe(1);
    expect(event.payload.title).toBe('short');
    expect(seen[0]?.payload).toBe(event.payload);
    expect(JSON.stringify(logger.entries[0]?.object)).toContain('"title":"short"');
    const long = new Proxy(plan(), { get: (target, key, receiver) => (key === 'title' ? 'x'.repeat(5000) : Reflect.get(target, key, receiver) as unknown) });
    expect(judgedAlike('plan.created', long)).toMatchObject({ accepted: false });
  });

  it.each([
    ['a Date', new Date(0), /Date is not JSON data: pass date.toISOString\(\)/],
    ['a Map', new Map([['a', 1]]), /Map is not JSON data/],
    ['a typed array', new Uint8Array([1]), /Uint8Array is not JSON data/],
    ['an own toJSON', { ok: true, toJSON: () => ({ ok: false }) }, /details\.toJSON.*function is not JSON data/s],
    ['NaN', { ratio: Number.NaN }, /details\.ratio.*NaN is not a JSON number/s],
    ['Infinity', { ratio: Number.POSITIVE_INFINITY }, /Infinity is not a JSON number/],
    ['a hole', { list: [1, , 3] }, /details\.list\.1.*hole/s],
    ['undefined in an array', { list: [1, undefined] }, /undefined is not JSON data/],
    ['a function', { run: () => 1 }, /function is not JSON data/],
    ['a bigint', { big: 1n }, /bigint is not JSON data/],
    ['a symbol', { sym: Symbol('s') }, /symbol is not JSON data/],
    ['a getter that throws', { get broken(): never { throw new Error('boom'); } }, /details\.broken.*reading it threw: boom/s],
    ['itself', (() => { const loop: Record<string, unknown> = {}; loop['self'] = loop; return loop; })(), /deeper than 256 levels \(or it contains itself\)/],
  ])('is refused when it holds %s, with the path and the reason', (_name, details, message) => {
    const verdict = judgedAlike('system.health_changed', health(details));
    expect(verdict.accepted).toBe(false);
    expect(verdict.accepted ? '' : verdict.message).toMatch(message);
  });

  it('is taken when made in another realm (a vm context) by literals or JSON.parse; a class instance from there is refused', () => {
    const foreign = runInNewContext('({ component: "c", previous: "healthy", current: "degraded", details: { list: [1, 2], nested: JSON.parse(\'{"a": [true]}\') } })') as unknown;
    expect(Object.getPrototypeOf(foreign)).not.toBe(Object.prototype);
    expect(judgedAlike('system.health_changed', foreign)).toMatchObject({ accepted: true, payload: { details: { list: [1, 2], nested: { a: [true] } } } });
    expect(isPlanCreatedPayload(runInNewContext('({})'))).toBe(false);
    const agent = runInNewContext('new (class Object { constructor() { this.kind = "agent"; this.id = "p1"; } })()') as unknown;
    const verdict = judgedAlike('plan.created', { ...plan(), createdBy: agent });
    expect(verdict.accepted ? '' : verdict.message).toMatch(/createdBy.*instance of Object is not plain data/s);
  });

  it('is normalised as JSON writes it: undefined members left out, -0 as 0; handlers, log and audit all see that', async () => {
    const { bus, path, audit, seen, logger } = setup();
    const event = bus.emit('system.health_changed', health({ gone: undefined, zero: -0, list: [-0] }) as never);
    expect(event.payload.details).toStrictEqual({ zero: 0, list: [0] });
    expect(Object.is((event.payload.details as { zero: number }).zero, 0)).toBe(true);
    expect(seen[0]?.payload).toBe(event.payload);
    expect(JSON.stringify(logger.entries[0]?.object)).toContain('"details":{"zero":0,"list":[0]}');
    await audit.close();
    expect((await readBack(path)).map((each) => each.payload)).toStrictEqual([event.payload]);
  });

  it('gives every entry point one verdict on arbitrary values, and whatever is accepted reads back as the handlers saw it', async () => {
    class Point {
      readonly x: number;
      constructor(x: number) {
        this.x = x;
      }
    }
    const hostile = fc.oneof(
      fc.anything({ maxDepth: 3, withBigInt: true, withBoxedValues: true, withDate: true, withMap: true, withSet: true, withNullPrototype: true, withObjectString: true, withSparseArray: true, withTypedArray: true }),
      fc.integer().map((x) => new Point(x)),
      fc.jsonValue({ maxDepth: 3 }).map((value) => Object.create({ inherited: value }) as object),
      fc.jsonValue({ maxDepth: 3 }).map((value) => ({ get computed() { return value; } })),
      fc.jsonValue({ maxDepth: 3 }).map((value) => new Proxy({ a: value }, {})),
      fc.double().map((value) => ({ value })),
    );
    const { bus, path, audit, seen } = setup();
    let accepted = 0;
    let refused = 0;
    fc.assert(fc.property(hostile, (details) => {
      const verdict = judgedAlike('system.health_changed', health(details));
      expect(emitVerdict(bus, 'system.health_changed', health(details)).accepted).toBe(verdict.accepted);
      if (verdict.accepted) accepted++;
      else refused++;
    }), { numRuns: 400 });
    await audit.close();
    // Both verdicts were exercised, and the trail holds exactly what the handlers received.
    expect(accepted).toBeGreaterThan(20);
    expect(refused).toBeGreaterThan(20);
    expect((await readBack(path)).map((each) => each.payload)).toStrictEqual(seen.map((each) => each.payload));
  }, 120_000);
});

describe('the depth limit', () => {
  it(`takes ${MAX_PAYLOAD_DEPTH} levels and reads them back from the audit; refuses one more at every entry point`, async () => {
    // The payload is level 0 and details level 1: `nested(n)` under details reaches level n + 1.
    const deepest = health(nested(MAX_PAYLOAD_DEPTH - 2));
    const { bus, path, audit } = setup();
    const event = bus.emit('system.health_changed', deepest as never);
    await audit.close();
    expect((await readBack(path))[0]?.payload).toStrictEqual(event.payload);
    const verdict = judgedAlike('system.health_changed', health(nested(MAX_PAYLOAD_DEPTH - 1)));
    expect(verdict.accepted ? '' : verdict.message).toMatch(/deeper than 256 levels/);
  });

  it('refuses a value 10,000 levels deep with EventValidationError, never a RangeError', () => {
    const verdict = judgedAlike('system.health_changed', health(nested(10_000)));
    expect(verdict.accepted ? '' : verdict.message).toMatch(/details(\.deeper)+.*deeper than 256 levels/s);
  });
});

describe('the zod schemas', () => {
  it('judge through the runtime the same copy the bus stores (parsePayload), while a direct safeParse reads what zod reads', () => {
    const inherited = Object.create(plan()) as object;
    expect(safeParsePayload(eventRegistry, 'plan.created', inherited).success).toBe(false);
    // zod on its own reads inherited fields; the runtime's entry points never hand it such a value.
    expect(PlanCreatedPayloadSchema.safeParse(inherited).success).toBe(true);
  });
});
