/**
 * Payloads of any JSON Schema type (CloudEvents `data` is any JSON value): a string, an array, an
 * object or null, a union with a scalar branch, anything. Generated, compiled under the strict
 * settings with type-level checks, and run through a bus with a logger and a real audit file.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import * as z from 'zod/v4';
import { EventValidationError, fromCloudEvent, JsonlAuditSink, LoggingEventBus, readAudit, toCloudEvent, type DomainEvent, type EventRegistry } from '../src/index.ts';
import { CapturingLogger } from './support/capturing-logger.ts';
import { generateInto, scratchDirectory, typecheckGenerated } from './support/generate-fixture.ts';
import { subjectOfText } from './support/oracle.ts';

const CATALOGUE = `version: 1
domains:
  demo: Payloads of every kind.
events:
  demo.tagged:
    description: A tag, as a bare string, sensitive as a whole.
    payload: { type: string, minLength: 1, maxLength: 20, x-sensitive: true }
    examples: [hello]
  demo.listed:
    description: A list of counts.
    payload: { type: array, items: { type: object, properties: { n: { type: integer } }, required: [n] }, maxItems: 3 }
    examples: [[{ n: 1 }]]
  demo.maybe:
    description: An object or null.
    payload: { type: [object, 'null'], properties: { a: { type: string, x-sensitive: true } } }
    examples: [null, { a: x }]
  demo.mixed:
    description: A string or an object.
    payload: { oneOf: [{ type: string }, { type: object, properties: { s: { type: string } }, required: [s] }] }
  demo.any:
    description: Any JSON value.
    payload: {}
`;

const scratch = scratchDirectory('any-payload');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const out = generateInto(scratch, CATALOGUE);

type Generated = { eventRegistry: EventRegistry<Record<string, unknown>> };

describe('payloads that are not objects', () => {
  it('compile, and the emit helpers take exactly their payload types', () => {
    writeFileSync(join(out, 'use.ts'), `import { LoggingEventBus } from 'eventspec';
import { emitDemoAny, emitDemoListed, emitDemoMaybe, emitDemoMixed, emitDemoTagged, eventRegistry, type PayloadMap } from './index.js';
const bus = new LoggingEventBus<PayloadMap>({ registry: eventRegistry });
emitDemoTagged(bus, 'hi');
emitDemoListed(bus, [{ n: 1 }]);
emitDemoMaybe(bus, null);
emitDemoMixed(bus, 'plain');
emitDemoMixed(bus, { s: 'x' });
emitDemoAny(bus, [1, 'two']);
// @ts-expect-error a number is no tag
emitDemoTagged(bus, 5);
// @ts-expect-error items need n
emitDemoListed(bus, [{}]);
// @ts-expect-error an object needs s
emitDemoMixed(bus, { t: 'x' });
`);
    expect(typecheckGenerated(scratch)).toBe('');
  }, 120_000);

  it('validate as ajv does on the exported schemas', () => {
    const subject = subjectOfText(CATALOGUE, 'catalog.yaml');
    const cases: [string, unknown][] = [['demo.tagged', 'x'], ['demo.tagged', ''], ['demo.tagged', 5], ['demo.listed', []], ['demo.listed', [{ n: 1.5 }]], ['demo.listed', [{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }]], ['demo.maybe', null], ['demo.maybe', 'x'], ['demo.maybe', { a: 1 }], ['demo.mixed', 'x'], ['demo.mixed', { s: 'x' }], ['demo.mixed', 3], ['demo.any', false]];
    for (const [event, value] of cases) {
      const expected = subject.references(event)(value);
      expect([z.safeParse(subject.ours(event), value).success, subject.fast(event)(value)], `${event} ${JSON.stringify(value)}`).toEqual([expected, expected]);
    }
  });

  it('are redacted in the log (a sensitive payload as a whole too), audited, read back and carried as CloudEvents', async () => {
    const { eventRegistry } = (await import(pathToFileURL(join(out, 'index.ts')).href)) as Generated;
    const logger = new CapturingLogger();
    const path = join(scratch, 'trail.jsonl');
    const audit = new JsonlAuditSink(path);
    const bus = new LoggingEventBus<Record<string, unknown>>({ registry: eventRegistry, audit, logger });
    const emitted: DomainEvent<Record<string, unknown>>[] = [];
    for (const [type, payload] of [['demo.tagged', 'secret-tag'], ['demo.listed', [{ n: 1 }]], ['demo.maybe', null], ['demo.maybe', { a: 'hidden' }], ['demo.mixed', 'plain'], ['demo.any', 42]] as const) {
      emitted.push(bus.emit(type, payload));
    }
    expect(() => bus.emit('demo.tagged', 5)).toThrow(EventValidationError);
    expect(() => bus.emit('demo.any', undefined)).toThrow(/undefined is not JSON data/);
    expect(logger.entries.map((entry) => (entry.object as { event: { payload: unknown } }).event.payload)).toEqual(['[REDACTED]', [{ n: 1 }], null, { a: '[REDACTED]' }, 'plain', 42]);
    await audit.close();
    const read: unknown[] = [];
    for await (const event of readAudit(path, eventRegistry)) read.push(event.payload);
    expect(read).toEqual(emitted.map((event) => event.payload));
    for (const event of emitted) expect(fromCloudEvent(JSON.parse(JSON.stringify(toCloudEvent(event, { source: '/demo' }))), eventRegistry)).toEqual(event);
  });
});
