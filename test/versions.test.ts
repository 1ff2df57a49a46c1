/**
 * Event versions side by side: a catalogue keeps earlier payload schemas (`previous:`), lint
 * judges each step by diff's rules, the generated `Upcasters` type requires the code of every
 * breaking step, and every reader (bus.ingest, readAudit, replayAudit, fromCloudEvent, the NATS
 * consumer) delivers the current version, the audit keeping what was written.
 *
 * The current side is this repository's catalogue (session.message_sent is at version 3, with
 * versions 1 and 2 kept) and its committed generated code; the earlier deployments are the same
 * catalogue as it was at versions 1 and 2, generated afresh into scratch directories.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CloudEvent } from 'cloudevents';
import fc from 'fast-check';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import {
  AuditReadError,
  dataschemaFor,
  EventValidationError,
  fromCloudEvent,
  JsonlAuditSink,
  LoggingEventBus,
  MemoryAuditSink,
  readAudit,
  readAuditRecords,
  readCloudEvent,
  replayAudit,
  toCloudEvent,
  Upcaster,
  UpcastError,
  type DomainEvent,
  type EventRegistry,
  type Logger,
} from '../src/index.ts';
import { NatsEventConsumer, NatsEventPublisher } from '../src/nats/transport.ts';
import { defineUpcasters, eventRegistry, type PayloadMap } from '../generated/index.ts';
import { isSessionMessageSentPayload } from '../generated/payloads/session.ts';
import { upcaster } from '../src/app/upcasters.ts';
import { lintCatalogue } from '../codegen/pipeline/index.ts';
import { bumpEvent } from '../codegen/cli/bump.ts';
import { diffCatalogues } from '../codegen/diff/diff.ts';
import { CATALOGUE_PATH, GENERATED_DIR, projectModel } from './support/catalogue.ts';
import { runCli } from './support/cli.ts';
import { generateInto, ROOT, scratchDirectory } from './support/generate-fixture.ts';
import { oracle, valuesFor } from './support/oracle.ts';

type AnyMap = Record<string, unknown>;
const quiet: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const TYPE = 'session.message_sent';
const sessionId = '01JDQC1D2E3F4G5H6J7K8M9N0P';
const messageId = '01JDQC3F4G5H6J7K8M9N0P1Q2R';
const replyTo = '01JDQC2E3F4G5H6J7K8M9N0P1Q';

const scratch = scratchDirectory('versions');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** This repository's catalogue as it was when `session.message_sent` was at `version`. */
function catalogueAt(version: 1 | 2): string {
  const document = parse(readFileSync(CATALOGUE_PATH, 'utf8')) as { events: Record<string, { version?: number; payload: unknown; previous?: { version: number; payload: unknown }[] }> };
  const event = document.events[TYPE];
  if (event?.previous === undefined) throw new Error('catalog.yaml keeps no earlier versions of session.message_sent');
  const kept = event.previous;
  // Its examples are of today's shape; the old catalogue had none.
  const { examples: _examples, previous: _previous, ...rest } = event as typeof event & { examples?: unknown };
  document.events[TYPE] = version === 1 ? { ...rest, version: 1, payload: kept[0]?.payload } : { ...rest, version: 2, payload: kept[1]?.payload, previous: [{ version: 1, payload: kept[0]?.payload }] };
  // Consumers that name the versions they read read the one there was then.
  for (const service of Object.values((document as { services?: Record<string, { consumes?: unknown[] }> }).services ?? {})) {
    if (service.consumes !== undefined) service.consumes = service.consumes.map((entry) => (typeof entry === 'object' && entry !== null && (entry as { event?: unknown }).event === TYPE ? { event: TYPE, versions: [version] } : entry));
  }
  return stringify(document);
}

interface Deployment {
  readonly eventRegistry: EventRegistry<AnyMap>;
}

async function deployment(version: 1 | 2): Promise<Deployment> {
  const out = generateInto(join(scratch, `v${version}`), catalogueAt(version));
  return (await import(pathToFileURL(join(out, 'index.ts')).href)) as Deployment;
}

let v1: Deployment;
let v2: Deployment;
beforeAll(async () => {
  v1 = await deployment(1);
  v2 = await deployment(2);
});

const v1Payload = { sessionId, messageId, text: 'Scheduled for 02:00 UTC.', tokens: 12 };
const v2Payload = { sessionId, messageId, inReplyTo: replyTo, text: 'Done; balances reconcile.' };

function oldBus(deployed: Deployment, audit?: JsonlAuditSink | MemoryAuditSink): LoggingEventBus<AnyMap> {
  return new LoggingEventBus<AnyMap>({ registry: deployed.eventRegistry, logger: quiet, ...(audit === undefined ? {} : { audit }) });
}

describe('the catalogue keeps history', () => {
  it('lints this catalogue: version 1 → 2 needs no code (an optional field added), 2 → 3 declares its upcaster', () => {
    const model = projectModel();
    const event = model.events.find((each) => each.name === TYPE);
    expect(event?.version).toBe(3);
    expect(event?.previous.map((kept) => [kept.version, kept.upcast])).toEqual([[1, undefined], [2, '`text` renamed to `content`']]);
  });

  it('refuses a breaking step without `upcast`, naming each change, and accepts `upcast` on a compatible step', () => {
    const text = readFileSync(CATALOGUE_PATH, 'utf8');
    const withoutUpcast = text.replace("        upcast: '`text` renamed to `content`'\n", '');
    const linted = lintCatalogue(withoutUpcast, 'catalog.yaml');
    expect(linted.ok).toBe(false);
    expect(linted.diagnostics.filter((diagnostic) => diagnostic.severity === 'error').map((diagnostic) => [diagnostic.code, diagnostic.message])).toEqual([
      ['upcaster-missing', expect.stringMatching(/`session.message_sent` version 2 → 3 is breaking.*required field `content` added.*field `text` removed/)],
    ]);
    // A step whose meaning changed though its schema did not may declare code too: the type then asks for it.
    const semantic = text.replace('      - version: 1\n        payload:', "      - version: 1\n        upcast: tokens now count the reply only\n        payload:");
    expect(lintCatalogue(semantic, 'catalog.yaml').ok).toBe(true);
  });

  it('gives an earlier version its own names, and refuses an event whose names would be the same', () => {
    const text = readFileSync(CATALOGUE_PATH, 'utf8').replace('events:\n', 'events:\n  session.message_sent_v1:\n    description: Clash.\n    payload: { type: object }\n');
    const linted = lintCatalogue(text, 'catalog.yaml');
    expect(linted.diagnostics.find((diagnostic) => diagnostic.code === 'identifier-collision')?.message).toMatch(/version 1 of `session.message_sent` would generate `SessionMessageSentV1Payload`, which event `session.message_sent_v1` also generates/);
  });

  it('lifts the definitions of an earlier version under its own names', () => {
    const text = readFileSync(CATALOGUE_PATH, 'utf8').replace(
      "            text: { x-sensitive: true, type: string, minLength: 1, maxLength: 100000 }\n            tokens: { type: integer, minimum: 0 }\n          required: [sessionId, messageId, text]\n      - version: 2",
      "            text: { $ref: '#/$defs/Text' }\n            tokens: { type: integer, minimum: 0 }\n          required: [sessionId, messageId, text]\n          $defs:\n            Text: { x-sensitive: true, type: string, minLength: 1, maxLength: 100000 }\n      - version: 2",
    );
    const linted = lintCatalogue(text, 'catalog.yaml');
    expect(linted.ok, JSON.stringify(linted.diagnostics)).toBe(true);
    if (linted.ok) expect(linted.model.types.map((type) => type.name)).toContain('SessionMessageSentV1Text');
  });
});

describe('upcasting', () => {
  const written = { id: '01JDQD0A1B2C3D4E5F6G7H8J9K', type: TYPE, domain: 'session', timestamp: '2026-11-26T03:00:00.000Z', correlationId: '01JDQD0A1B2C3D4E5F6G7H8J9K' };

  it('brings version 1 and 2 payloads to version 3, validating each step, and says what they were written as', () => {
    const fromV1 = upcaster.upcast({ ...written, version: 1, payload: v1Payload });
    expect(fromV1).toEqual({ ...written, version: 3, writtenVersion: 1, payload: { sessionId, messageId, content: v1Payload.text, tokens: 12 } });
    expect(Object.isFrozen(fromV1.payload)).toBe(true);
    expect(upcaster.upcast({ ...written, version: 2, payload: v2Payload }).payload).toEqual({ sessionId, messageId, inReplyTo: replyTo, content: v2Payload.text });
    const current = { ...written, version: 3, payload: { sessionId, messageId, content: 'now' } };
    expect(upcaster.upcast(current)).toEqual(current);
  });

  it('refuses what cannot be read, with the reason: invalid as written, a newer version, an unknown one', () => {
    const invalid = (): unknown => upcaster.upcast({ ...written, version: 1, payload: { sessionId, messageId, content: 'v3 field in a v1 payload' } });
    expect(invalid).toThrow(EventValidationError);
    expect(invalid).toThrow(/invalid session.message_sent event \(version 1\): text: .*; content: Unexpected key/);
    expect(() => upcaster.upcast({ ...written, version: 4, payload: {} })).toThrow(/version 4 is newer than this catalogue's \(3\)/);
    expect(() => upcaster.upcast({ ...written, version: 1.5, payload: {} })).toThrow(/version: Expected a positive integer version, got 1.5/);
    // The old copy of an event may be valid as today's: it is delivered, saying it was written otherwise.
    const registry = { ...eventRegistry, [TYPE]: { ...eventRegistry[TYPE], previous: eventRegistry[TYPE].previous?.slice(1) } } as typeof eventRegistry;
    const readers = new Upcaster(registry, upcaster.steps);
    expect(readers.upcast({ ...written, version: 1, payload: { sessionId, messageId, content: 'c' } })).toMatchObject({ version: 3, writtenVersion: 1 });
    expect(() => readers.upcast({ ...written, version: 1, payload: v1Payload })).toThrow(/version 1 is not kept in this catalogue \(it knows 2, 3\), and the payload is not valid as version 3/);
  });

  it('blames the upcaster, not the event, when it throws or returns a payload the next version rejects', () => {
    const throwing = defineUpcasters({ [TYPE]: { v2: () => { throw new Error('boom'); } } });
    const error = (() => {
      try {
        throwing.upcast({ ...written, version: 2, payload: v2Payload });
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(UpcastError);
    expect(error).toMatchObject({ eventType: TYPE, fromVersion: 2, toVersion: 3, message: 'session.message_sent version 2 → 3: the upcaster threw: boom' });
    expect((error as Error).cause).toEqual(new Error('boom'));
    // An async function is a type error too; at run time it is named for what it is.
    const asynchronous = defineUpcasters({ [TYPE]: { v2: (async ({ text, ...rest }: { text: string }) => ({ ...rest, content: text })) as never } });
    expect(() => asynchronous.upcast({ ...written, version: 2, payload: v2Payload })).toThrow('session.message_sent version 2 → 3: the upcaster returned a promise: upcasters are synchronous (readers upcast each event as they read it)');
    // Typed right, wrong at run time (a spread keeps `text`, which version 3's closed object refuses).
    const leaky = defineUpcasters({ [TYPE]: { v2: (payload) => ({ ...payload, content: payload.text }) } });
    expect(() => leaky.upcast({ ...written, version: 2, payload: v2Payload })).toThrow(/the upcaster returned a payload that version 3 rejects: .*text: Unexpected key/);
  });

  it('checks at run time what the type checks at compile time: every declared step, and no other', () => {
    expect(() => new Upcaster(eventRegistry, {})).toThrow(/session.message_sent version 2 → 3: the catalogue declares an upcaster for this step, and none was given \(key `v2`\)/);
    expect(() => new Upcaster(eventRegistry, { [TYPE]: { v2: (payload: never) => payload, v1: (payload: never) => payload } })).toThrow(/`session.message_sent.v1` would never run \(steps that take code: session.message_sent.v2\)/);
    expect(() => new Upcaster(eventRegistry, { [TYPE]: { v2: 'not a function' as never } })).toThrow(/none was given/);
    expect(() => new Upcaster(eventRegistry, { [TYPE]: { v2: (payload: never) => payload }, 'plan.exploded': {} })).not.toThrow();
  });

  it('for random payloads valid under version 1, yields payloads that ajv finds valid under version 3', () => {
    const model = projectModel();
    const event = model.events.find((each) => each.name === TYPE);
    const first = event?.previous[0];
    if (event === undefined || first === undefined) throw new Error('no version 1');
    const ajv = oracle();
    const schemaFile = (version: number): object => JSON.parse(readFileSync(new URL(`jsonschema/${TYPE}.v${version}.json`, GENERATED_DIR), 'utf8')) as object;
    const asV1 = ajv.compile(schemaFile(1));
    const asV3 = ajv.compile(schemaFile(3));
    let checked = 0;
    fc.assert(fc.property(valuesFor(first.payload, model, 'valid'), (payload) => {
      fc.pre(asV1(payload));
      checked++;
      const upcast = upcaster.upcast({ ...written, version: 1, payload });
      expect(asV3(upcast.payload), JSON.stringify(asV3.errors)).toBe(true);
      expect(isSessionMessageSentPayload(upcast.payload)).toBe(true);
    }), { numRuns: 300 });
    expect(checked).toBeGreaterThan(100);
  });
});

describe('readers deliver the current version', () => {
  it('bus.ingest audits the event as written and hands handlers version 3', async () => {
    const audit = new MemoryAuditSink();
    const bus = new LoggingEventBus<PayloadMap>({ registry: eventRegistry, audit, upcaster, logger: quiet });
    const delivered: DomainEvent<PayloadMap, typeof TYPE>[] = [];
    bus.subscribe(TYPE, (event) => {
      delivered.push(event);
    });
    const emitted = oldBus(v1).emit(TYPE, v1Payload);
    expect(emitted.version).toBe(1);
    expect(await bus.ingest(emitted)).toEqual([]);
    expect(audit.events).toEqual([emitted]);
    expect(delivered).toEqual([{ ...emitted, version: 3, writtenVersion: 1, payload: { sessionId, messageId, content: v1Payload.text, tokens: 12 } }]);
    // Without the upcaster the bus takes the step that needs no code, then refuses: nothing audited, nothing delivered.
    const bare = new LoggingEventBus<PayloadMap>({ registry: eventRegistry, audit: new MemoryAuditSink(), logger: quiet });
    await expect(bare.ingest(emitted)).rejects.toThrow(/version 2 → 3: this step takes an upcaster, and none was given/);
  });

  it('a redacting audit sink conceals an earlier version’s own sensitive values', async () => {
    const path = join(scratch, 'redacted.jsonl');
    const audit = new JsonlAuditSink(path, { redact: { registry: eventRegistry } });
    const bus = new LoggingEventBus<PayloadMap>({ registry: eventRegistry, audit, upcaster, logger: quiet });
    await bus.ingest(oldBus(v1).emit(TYPE, v1Payload));
    await audit.close();
    const stored = readFileSync(path, 'utf8');
    expect(stored).not.toContain(v1Payload.text);
    const [, record] = stored.trim().split('\n');
    expect(JSON.parse(record ?? '')).toMatchObject({ redacted: 'mask', ingested: true, event: { version: 1, payload: { text: '[REDACTED]', tokens: 12 } } });
  });

  it('readAudit reads a file written under versions 1 and 2 as version 3, and never rewrites it', async () => {
    const path = join(scratch, 'across-versions.jsonl');
    const first = new JsonlAuditSink(path);
    const byV1 = oldBus(v1, first);
    byV1.emit(TYPE, v1Payload);
    byV1.emit(TYPE, { ...v1Payload, text: 'second' });
    await first.close();
    const second = new JsonlAuditSink(path);
    const byV2 = oldBus(v2, second);
    byV2.emit(TYPE, v2Payload);
    byV2.emit('plan.started', { planId: '01JDQ8Z1X4N6V7W8Y9ZAB2C3DE', startedAt: '2026-11-26T02:00:00.000Z', executor: { kind: 'agent', id: 'runner-3' } });
    await second.close();
    const before = readFileSync(path);

    const events: DomainEvent<PayloadMap>[] = [];
    for await (const event of readAudit(path, eventRegistry, { upcaster })) events.push(event);
    expect(events.map((event) => [event.type, event.version, event.writtenVersion])).toEqual([[TYPE, 3, 1], [TYPE, 3, 1], [TYPE, 3, 2], ['plan.started', 1, undefined]]);
    expect(events.map((event) => (event.payload as { content?: string }).content ?? '')).toEqual([v1Payload.text, 'second', v2Payload.text, '']);
    expect(readFileSync(path).equals(before)).toBe(true);
    const records = [];
    for await (const record of readAuditRecords(path)) records.push(record.event);
    expect(records.map((event) => (event as { version: number }).version)).toEqual([1, 1, 2, 1]);

    const read = async (): Promise<unknown> => {
      for await (const _event of readAudit(path, eventRegistry)) void _event;
      return undefined;
    };
    await expect(read()).rejects.toThrow(AuditReadError);
    // Line 2: the file's first line is the trail's header.
    await expect(read()).rejects.toThrow(/:2: session.message_sent version 2 → 3: this step takes an upcaster, and none was given/);
  });

  it('replayAudit feeds the file through the upcasters into a bus, reporting progress, and can be stopped', async () => {
    const path = join(scratch, 'replay.jsonl');
    const sink = new JsonlAuditSink(path, { durability: 'batched' });
    const byV1 = oldBus(v1, sink);
    for (let index = 0; index < 2_500; index++) byV1.emit(TYPE, { ...v1Payload, text: `message ${index}` });
    await sink.close();
    const projection = new LoggingEventBus<PayloadMap>({ registry: eventRegistry, upcaster, logger: quiet, onHandlerError: () => undefined });
    const contents: string[] = [];
    projection.subscribe(TYPE, (event) => {
      contents.push(event.payload.content);
      if (event.payload.content === 'message 7') throw new Error('a failing projection');
    });
    const reports: { events: number; bytesRead: number; totalBytes: number }[] = [];
    const report = await replayAudit(path, projection, { progressEvery: 1_000, onProgress: (progress) => reports.push(progress) });
    expect(report).toMatchObject({ events: 2_500, upcast: 2_500, failed: 1, complete: true });
    expect(contents).toHaveLength(2_500);
    expect(contents[2_499]).toBe('message 2499');
    expect(reports.map((progress) => progress.events)).toEqual([1_000, 2_000, 2_500]);
    expect(reports.at(-1)?.bytesRead).toBe(reports.at(-1)?.totalBytes);
    expect(reports[0]?.bytesRead).toBeGreaterThan(0);
    // Nothing recorded again: the projection's bus has no audit, and the file is as it was.
    const controller = new AbortController();
    let seen = 0;
    const stopping = new LoggingEventBus<PayloadMap>({ registry: eventRegistry, upcaster, logger: quiet });
    stopping.subscribe(TYPE, () => {
      if (++seen === 10) controller.abort();
    });
    expect(await replayAudit(path, stopping, { signal: controller.signal })).toMatchObject({ events: 10, complete: false });
  });

  it('fromCloudEvent reads an older producer’s CloudEvent (through the official SDK) as version 3', () => {
    const old = toCloudEvent(oldBus(v1).emit(TYPE, v1Payload), { source: '/agents/runner@1.4' });
    expect(old.dataschema).toBe(dataschemaFor('urn:eventspec:', TYPE, 1));
    const viaSdk = new CloudEvent({ ...old });
    const event = fromCloudEvent(viaSdk, eventRegistry, { upcaster });
    expect(event).toMatchObject({ type: TYPE, version: 3, writtenVersion: 1, payload: { content: v1Payload.text } });
    expect(() => fromCloudEvent(viaSdk, eventRegistry)).toThrow(UpcastError);
    expect(() => fromCloudEvent({ ...old, dataschema: dataschemaFor('urn:eventspec:', TYPE, 9) }, eventRegistry, { upcaster })).toThrow(/version 9 is newer than this catalogue's \(3\)/);
    // As written, for bus.ingest: the data untouched, the version from dataschema.
    expect(readCloudEvent(viaSdk, eventRegistry)).toMatchObject({ version: 1, payload: v1Payload });
  });
});

describe('over NATS JetStream (the real server)', () => {
  const SERVER = process.env['NATS_URL'] ?? '127.0.0.1:4222';
  const tag = `v${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  const where = { stream: `S${tag}`, subjectPrefix: tag };

  afterAll(async () => {
    const nc = await connect({ servers: SERVER });
    const jsm = await jetstreamManager(nc);
    for (const stream of [where.stream, `${where.stream}_DLQ`, `KV_eventspec_handled_${where.stream}_v3`, `KV_eventspec_handled_${where.stream}_v1`]) await jsm.streams.delete(stream).catch(() => false);
    await nc.close();
  });

  it('a version 1 message from an old producer reaches a version 3 consumer as version 3; a newer one is dead-lettered for an old consumer', async () => {
    const nc = await connect({ servers: SERVER });
    try {
      const publisher = new NatsEventPublisher(nc, { source: '/agents/old', ...where });
      await publisher.start();
      const old = oldBus(v1).emit(TYPE, v1Payload);
      await publisher.publish(old);

      const audit = new MemoryAuditSink();
      const bus = new LoggingEventBus<PayloadMap>({ registry: eventRegistry, audit, upcaster, logger: quiet });
      const received: DomainEvent<PayloadMap, typeof TYPE>[] = [];
      bus.subscribe(TYPE, (event) => {
        received.push(event);
      });
      const consumer = new NatsEventConsumer(nc, bus, eventRegistry, { ...where, durable: 'v3', audit, ackWaitMs: 2_000, logger: quiet });
      await consumer.start();
      await expect.poll(() => received.length, { timeout: 10_000 }).toBe(1);
      await consumer.stop();
      expect(received[0]).toMatchObject({ id: old.id, version: 3, writtenVersion: 1, payload: { content: v1Payload.text } });
      expect(audit.events).toEqual([old]);

      // Today's event, consumed by a deployment that only knows version 1.
      await publisher.publish(bus.emit(TYPE, { sessionId, messageId, content: 'new shape' }));
      const oldConsumerBus = oldBus(v1);
      const oldReceived: unknown[] = [];
      oldConsumerBus.subscribe(TYPE, (event) => {
        oldReceived.push(event);
      });
      const oldConsumer = new NatsEventConsumer(nc, oldConsumerBus, v1.eventRegistry, { ...where, durable: 'v1', ackWaitMs: 2_000, logger: quiet });
      await oldConsumer.start();
      const jsm = await jetstreamManager(nc);
      await expect.poll(async () => (await jsm.streams.info(`${where.stream}_DLQ`)).state.messages, { timeout: 10_000 }).toBe(1);
      await oldConsumer.stop();
      const letter = await jsm.streams.getMessage(`${where.stream}_DLQ`, { seq: 1 });
      expect(letter?.header?.get('eventspec-dead-letter-reason')).toMatch(/version 3 is newer than this catalogue's \(1\)/);
      // The old consumer still took the version 1 message.
      expect(oldReceived).toHaveLength(1);
    } finally {
      await nc.close();
    }
  });
});

describe('the versioning workflow through the real command', () => {
  const project = join(scratch, 'project');
  const catalogue = join(project, 'catalog.yaml');
  const V1 = `version: 1
domains:
  doc: Documents.
events:
  doc.published:
    description: A document was published.
    # The shape the first release wrote.
    payload:
      type: object
      required: [docId, title]
      properties:
        docId: { type: string, minLength: 1 }
        title: { type: string, minLength: 1 }
        note: { type: string, x-sensitive: true }
`;

  beforeAll(() => {
    execFileSync('mkdir', ['-p', project]);
    writeFileSync(catalogue, V1);
  });

  it('bump keeps the schema and its comments, lint judges each step, diff prints the entry to paste, generate types the upcaster', () => {
    const bump = runCli(project, ['bump', 'doc.published']);
    expect(bump.stderr).toBe('');
    expect(bump.status).toBe(0);
    expect(bump.stdout).toMatch(/^doc.published: version 1 kept under `previous`; now at version 2\./);
    const v2 = readFileSync(catalogue, 'utf8');
    expect(v2).toContain('    # The shape the first release wrote.\n');
    expect(v2).toContain('    description: A document was published.\n    version: 2\n');
    expect(v2).toContain('    previous:\n      - version: 1\n        payload:\n          type: object\n          required: [ docId, title ]\n');
    // A compatible change: an optional field.
    writeFileSync(catalogue, v2.replace('        note: { type: string, x-sensitive: true }\n', '        note: { type: string, x-sensitive: true }\n        tags: { type: array, items: { type: string } }\n'));
    expect(runCli(project, ['lint'])).toMatchObject({ status: 0 });

    // A breaking change with its version bumped by hand, the old schema not kept: diff says what to paste.
    const v2Text = readFileSync(catalogue, 'utf8');
    writeFileSync(join(project, 'v2.yaml'), v2Text);
    const renamed = v2Text
      .replace('    version: 2\n', '    version: 3\n')
      .replace('      required: [docId, title]\n      properties:\n        docId: { type: string, minLength: 1 }\n        title: { type: string, minLength: 1 }\n', '      required: [docId, name, tags]\n      properties:\n        docId: { type: string, minLength: 1 }\n        name: { type: string, minLength: 1 }\n')
      .replace('        tags: { type: array, items: { type: string } }\n    previous:', '        tags: { type: array, items: { type: string } }\n    previous:');
    writeFileSync(catalogue, renamed);
    const diff = runCli(project, ['diff', 'v2.yaml', 'catalog.yaml']);
    // The new catalogue does not lint yet (version 1 → 3 is breaking), and diff still says what to keep.
    expect(diff.status).toBe(1);
    expect(diff.stderr).toMatch(/upcaster-missing `doc.published` version 1 → 3 is breaking[^]*if events of versions 2–2 exist, keep those schemas under `previous`/);
    expect(diff.stdout).toContain('To keep reading `doc.published` version 2 events (audit files, streams, old producers) keep that schema at the end of its `previous:` list; say what the upcaster does, then implement it in defineUpcasters:');
    // In CI, the same advice as a notice on the event's line.
    const annotations = runCli(project, ['diff', 'v2.yaml', 'catalog.yaml', '--format', 'github']).stdout.split('\n').filter((line) => line.startsWith('::notice') && line.includes('keep doc.published version 2'));
    expect(annotations).toEqual([expect.stringMatching(/^::notice file=catalog\.yaml,line=6,col=5,title=eventspec diff%3A keep doc\.published version 2::To keep reading .*%0A {6}- version: 2%0A {8}upcast: "<what the upcaster does>"%0A/)]);
    const entry = diff.stdout.slice(diff.stdout.indexOf('      - version: 2'));
    expect(entry).toMatch(/^ {6}- version: 2\n {8}upcast: "<what the upcaster does>"\n {8}payload:\n/);
    const lint = runCli(project, ['lint']);
    expect(lint.status).toBe(1);
    expect(lint.stderr).toMatch(/version 1 → 3 is breaking/);
    writeFileSync(catalogue, `${renamed.trimEnd()}\n${entry.trimEnd().replace('<what the upcaster does>', '`title` renamed to `name`; `tags` required')}\n`);
    const fixed = runCli(project, ['lint']);
    expect(fixed.stderr).toBe('');
    expect(fixed.status).toBe(0);
    // The kept version may not change afterwards: events were written with it.
    writeFileSync(join(project, 'v3.yaml'), readFileSync(catalogue, 'utf8'));
    writeFileSync(join(project, 'v3-edited.yaml'), readFileSync(catalogue, 'utf8').replace(/(- version: 1\n {8}payload:\n {10}type: object\n {10}required: \[ docId, title) \]/, '$1, note ]'));
    const rewritten = runCli(project, ['diff', 'v3.yaml', 'v3-edited.yaml']);
    expect(rewritten.status).toBe(1);
    expect(rewritten.stdout).toMatch(/kept version 1 differs from the schema its events were written with: `note` optional → required/);

    expect(runCli(project, ['generate'])).toMatchObject({ status: 0 });
    const upcasters = readFileSync(join(project, 'generated', 'upcasters.ts'), 'utf8');
    expect(upcasters).toContain('    /** Version 2 → 3: `title` renamed to `name`; `tags` required */\n    readonly v2: (payload: DocPublishedV2Payload, event: runtime.EventEnvelope) => DocPublishedPayload;');
    expect(upcasters).not.toContain('v1:');
  });

  it('the generated Upcasters type: a complete object compiles; a missing, misnamed or wrongly typed step does not', () => {
    // Beside the generated code, compiled with this repository's strict settings (`eventspec` resolves to the sources).
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({ extends: join(ROOT, 'tsconfig.json'), include: ['./*.ts', './generated/**/*.ts'], exclude: [] }));
    writeFileSync(join(project, 'app.ts'), `import { defineUpcasters } from './generated/index.ts';

export const upcaster = defineUpcasters({
  'doc.published': {
    v2: ({ title, tags, ...rest }, event) => ({ ...rest, name: title, tags: tags ?? [event.id] }),
  },
});
// @ts-expect-error the step is missing
defineUpcasters({});
// @ts-expect-error a step the catalogue does not declare
defineUpcasters({ 'doc.published': { v2: ({ title, tags, ...rest }) => ({ ...rest, name: title, tags: tags ?? [] }), v1: (payload) => payload } });
// @ts-expect-error it returns version 2's shape, not version 3's
defineUpcasters({ 'doc.published': { v2: (payload) => payload } });
// @ts-expect-error version 2 has no \`name\` to read
defineUpcasters({ 'doc.published': { v2: (payload) => ({ docId: payload.docId, name: payload.name, tags: [] }) } });
`);
    const tsc = (): string => {
      try {
        execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(project, 'tsconfig.json'), '--checkers', '1'], { encoding: 'utf8', stdio: 'pipe' });
        return '';
      } catch (error) {
        return String((error as { stdout?: string }).stdout);
      }
    };
    // Every @ts-expect-error is used (an unused one is an error of its own).
    expect(tsc()).toBe('');
    writeFileSync(join(project, 'app.ts'), `import { defineUpcasters } from './generated/index.ts';\nexport const upcaster = defineUpcasters({});\n`);
    expect(tsc()).toMatch(/app\.ts\(2,41\): error TS2741: Property '"doc.published"' is missing in type '\{\}' but required in type 'Upcasters'/);
  });
});

describe('diff and history', () => {
  it('warns when a kept version is dropped, without failing: its events may have been migrated', () => {
    const text = readFileSync(CATALOGUE_PATH, 'utf8');
    const start = text.indexOf('      - version: 1\n', text.indexOf('  session.message_sent:'));
    const end = text.indexOf('      - version: 2\n', start);
    const before = lintCatalogue(text, 'catalog.yaml');
    const after = lintCatalogue(text.slice(0, start) + text.slice(end), 'catalog.yaml');
    if (!before.ok || !after.ok) throw new Error('does not lint');
    const report = diffCatalogues(before.model, after.model, 'full');
    expect(report.failed).toBe(false);
    expect(report.events.flatMap((verdict) => verdict.changes)).toEqual([
      expect.objectContaining({ event: TYPE, rule: 'version-dropped', effect: 'none', warning: true, message: 'kept version 1 dropped: its events are read only if their payload is valid as the current version' }),
    ]);
  });
});

describe('eventspec bump', () => {
  it('freezes a recursive shared type and the payload’s own definitions into the kept version, under their own names', () => {
    const text = `version: 1
domains:
  doc: Docs.
types:
  Node:
    type: object
    properties:
      name: { type: string }
      children: { type: array, items: { $ref: '#' } }
    required: [name]
events:
  doc.tree_saved:
    description: A tree was saved.
    payload:
      type: object
      properties:
        root: { $ref: '#/types/Node' }
        step: { $ref: '#/$defs/Step' }
      required: [root]
      $defs:
        Step: { type: object, properties: { at: { type: string, format: date-time } }, required: [at] }
`;
    const bumped = bumpEvent(text, 'catalog.yaml', 'doc.tree_saved');
    if (!bumped.ok) throw new Error(bumped.message);
    const kept = (parse(bumped.text) as { events: Record<string, { previous: { payload: { properties: unknown; $defs: Record<string, unknown> } }[] }> }).events['doc.tree_saved']?.previous[0]?.payload;
    expect(kept?.properties).toEqual({ root: { $ref: '#/$defs/Node' }, step: { $ref: '#/$defs/Step' } });
    expect(Object.keys(kept?.$defs ?? {})).toEqual(['Node', 'Step']);
    expect(kept?.$defs['Node']).toMatchObject({ properties: { children: { items: { $ref: '#/$defs/Node' } } } });
    // Changing the shared type afterwards leaves version 1 as it was: the step 1 → 2 is now breaking.
    const changed = bumped.text.replace('    required: [name]\n', '    required: [name, children]\n');
    expect(lintCatalogue(changed, 'catalog.yaml').diagnostics.map((diagnostic) => diagnostic.code)).toEqual(['upcaster-missing']);
  });
});

describe('eventspec bump keeps the file’s own line ends', () => {
  it('writes Windows line ends into a file that has them', () => {
    const text = 'version: 1\r\ndomains:\r\n  doc: Docs.\r\nevents:\r\n  doc.saved:\r\n    description: Saved.\r\n    payload:\r\n      type: object\r\n      properties: { id: { type: string } }\r\n';
    const bumped = bumpEvent(text, 'catalog.yaml', 'doc.saved');
    if (!bumped.ok) throw new Error(bumped.message);
    const lines = bumped.text.split('\n').slice(0, -1);
    expect(lines.length).toBeGreaterThan(12);
    expect(lines.filter((line) => !line.endsWith('\r'))).toEqual([]);
    expect(bumped.text).toContain('    description: Saved.\r\n    version: 2\r\n');
  });

  it('writes the kept entry as a block list item, however small the schema', () => {
    const bumped = bumpEvent('version: 1\ndomains: { doc: D. }\nevents:\n  doc.saved:\n    description: S.\n    payload: { type: object }\n', 'catalog.yaml', 'doc.saved');
    if (!bumped.ok) throw new Error(bumped.message);
    expect(bumped.text).toBe('version: 1\ndomains: { doc: D. }\nevents:\n  doc.saved:\n    description: S.\n    version: 2\n    payload: { type: object }\n    previous:\n      - version: 1\n        payload:\n          type: object\n');
  });
});

describe('eventspec bump refuses rather than guesses', () => {
  it('names an unknown event, refuses a catalogue with errors, and leaves the file unchanged', () => {
    const text = readFileSync(CATALOGUE_PATH, 'utf8');
    expect(bumpEvent(text, 'catalog.yaml', 'session.mesage_sent')).toMatchObject({ ok: false, message: 'catalog.yaml has no event "session.mesage_sent"; did you mean session.message_sent?' });
    expect(bumpEvent(text.replace('version: 3\n', 'version: 0\n'), 'catalog.yaml', TYPE)).toMatchObject({ ok: false, message: 'catalog.yaml has errors; fix them before bumping a version' });
    const bumped = bumpEvent(text, 'catalog.yaml', TYPE, 'nothing yet');
    expect(bumped.ok).toBe(true);
    if (!bumped.ok) return;
    expect({ from: bumped.from, to: bumped.to }).toEqual({ from: 3, to: 4 });
    // Shared types copied in, so later edits to them cannot change the kept version.
    const linted = lintCatalogue(bumped.text, 'catalog.yaml');
    expect(linted.ok).toBe(true);
    const kept = linted.ok ? linted.document.events[TYPE]?.previous?.at(-1) : undefined;
    expect(kept).toMatchObject({ version: 3, upcast: 'nothing yet', payload: { properties: { sessionId: { $ref: '#/types/SessionMessageSentV3Ulid' } } } });
    expect(bumped.text.slice(0, text.indexOf('  session.message_sent:'))).toBe(text.slice(0, text.indexOf('  session.message_sent:')));
  });

  it('refuses to keep a payload already edited since the last commit as the old version, and says how to go on', () => {
    const project = join(scratch, 'bump-after-edit');
    rmSync(project, { recursive: true, force: true });
    execFileSync('mkdir', ['-p', project]);
    const text = readFileSync(CATALOGUE_PATH, 'utf8');
    writeFileSync(join(project, 'catalog.yaml'), text);
    const git = (...args: string[]): string => execFileSync('git', ['-c', 'user.email=ci@example.com', '-c', 'user.name=ci', ...args], { cwd: project, encoding: 'utf8' });
    git('init', '-q');
    git('add', 'catalog.yaml');
    git('commit', '-q', '-m', 'catalogue');
    // The user edits plan.paused's reason bound first, then remembers to bump.
    const edited = text.replace('reason: { type: string, minLength: 1, maxLength: 500 }', 'reason: { type: string, minLength: 1, maxLength: 50 }');
    expect(edited).not.toBe(text);
    writeFileSync(join(project, 'catalog.yaml'), edited);
    const refused = runCli(project, ['bump', 'plan.paused']);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/^eventspec: the payload of plan\.paused already differs from the committed catalog\.yaml \(HEAD\), at the same version 1: bump would keep the edited schema as version 1, which no event was written with\. Put the committed payload back \(`git checkout HEAD -- catalog\.yaml`/);
    expect(readFileSync(join(project, 'catalog.yaml'), 'utf8')).toBe(edited);
    // As the message says: back to the committed payload, bump, then edit.
    git('checkout', '-q', 'HEAD', '--', 'catalog.yaml');
    expect(runCli(project, ['bump', 'plan.paused']).status).toBe(0);
  });
});
