import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AuditError, AuditReadError, JsonlAuditSink, LoggingEventBus, readAudit, type AuditSink, type DomainEvent } from '../../src/index.ts';
import { encodeRecord } from '../../src/audit/record.ts';
import { eventRegistry, type PayloadMap } from '../../generated/index.ts';
import { CapturingLogger } from '../support/capturing-logger.ts';

const dir = mkdtempSync(join(tmpdir(), 'eventspec-audit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;
const freshPath = (): string => join(dir, `audit-${++counter}.jsonl`);

const alice = { kind: 'user', id: 'alice' } as const;
const planId = '01JDQ8Z1X4N6V7W8Y9ZAB2C3DE';

function busOn(audit: AuditSink): LoggingEventBus<PayloadMap> {
  return new LoggingEventBus({ registry: eventRegistry, audit, logger: new CapturingLogger() });
}

function emitSome(bus: LoggingEventBus<PayloadMap>, count: number): DomainEvent<PayloadMap>[] {
  return Array.from({ length: count }, (_, i) => bus.emit('plan.paused', { planId, pausedBy: alice, reason: `reason ${i} ✓ 😀` }));
}

async function readAll(path: string): Promise<DomainEvent<PayloadMap>[]> {
  const events: DomainEvent<PayloadMap>[] = [];
  for await (const event of readAudit(path, eventRegistry)) events.push(event);
  return events;
}

async function readError(path: string): Promise<AuditReadError> {
  try {
    await readAll(path);
  } catch (error) {
    if (error instanceof AuditReadError) return error;
    throw error;
  }
  throw new Error('expected readAudit to fail');
}

describe.each(['sync', 'batched'] as const)('JsonlAuditSink (%s)', (durability) => {
  it('records every event, one checksummed line each, and reads them back equal', async () => {
    const path = freshPath();
    const sink = new JsonlAuditSink(path, { durability });
    const emitted = emitSome(busOn(sink), 50);
    await sink.close();
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines).toHaveLength(51);
    expect(lines[0]).toMatch(/^\{"seq":1,"crc":"[0-9a-f]{8}","event":\{"id":"/);
    expect(await readAll(path)).toEqual(emitted);
  });

  it('continues the sequence when reopened', async () => {
    const path = freshPath();
    let sink = new JsonlAuditSink(path, { durability });
    const first = emitSome(busOn(sink), 3);
    await sink.close();
    sink = new JsonlAuditSink(path, { durability });
    expect(sink.recovery).toEqual({ records: 3, truncatedBytes: 0 });
    const second = emitSome(busOn(sink), 2);
    await sink.close();
    expect((await readAll(path)).map((event) => event.id)).toEqual([...first, ...second].map((event) => event.id));
  });

  it('refuses events after close, and the bus dispatches nothing then', async () => {
    const sink = new JsonlAuditSink(freshPath(), { durability });
    const bus = busOn(sink);
    await sink.close();
    const seen: unknown[] = [];
    bus.subscribe('*', (event) => {
      seen.push(event);
    });
    expect(() => emitSome(bus, 1)).toThrow(AuditError);
    expect(seen).toEqual([]);
  });
});

describe('batched durability', () => {
  it('commits in groups; flush resolves once everything before it is on disk', async () => {
    const path = freshPath();
    const sink = new JsonlAuditSink(path, { durability: 'batched', batchIntervalMs: 1000, batchSize: 1000 });
    emitSome(busOn(sink), 10);
    expect(readFileSync(path, 'utf8')).toBe('');
    await sink.flush();
    expect(readFileSync(path, 'utf8').split('\n')).toHaveLength(11);
    await sink.close();
  });

  it('commits without being asked once batchSize records wait', async () => {
    const path = freshPath();
    const sink = new JsonlAuditSink(path, { durability: 'batched', batchIntervalMs: 60_000, batchSize: 4 });
    emitSome(busOn(sink), 4);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(readFileSync(path, 'utf8').split('\n')).toHaveLength(5);
    await sink.close();
  });
});

describe('a failing disk', () => {
  it('turns a write error into AuditError, dispatches nothing, and stays failed', () => {
    // Every write to /dev/full fails with ENOSPC, as on a full disk.
    const sink = new JsonlAuditSink('/dev/full');
    const bus = busOn(sink);
    const seen: unknown[] = [];
    bus.subscribe('*', (event) => {
      seen.push(event);
    });
    expect(() => emitSome(bus, 1)).toThrow(/could not record the event in \/dev\/full: ENOSPC/);
    expect(() => emitSome(bus, 1)).toThrow(/failed earlier and takes no more events/);
    expect(seen).toEqual([]);
  });

  it('fails the batched flush, and later appends, when a group commit fails', async () => {
    const sink = new JsonlAuditSink('/dev/full', { durability: 'batched' });
    const bus = busOn(sink);
    emitSome(bus, 2);
    await expect(sink.flush()).rejects.toThrow(/could not commit audit records to \/dev\/full: ENOSPC/);
    expect(() => emitSome(bus, 1)).toThrow(AuditError);
  });
});

describe('recovery and reading', () => {
  function fileWith(count: number): { path: string; events: DomainEvent<PayloadMap>[]; bytes: Buffer } {
    const path = freshPath();
    const sink = new JsonlAuditSink(path);
    const events = emitSome(busOn(sink), count);
    void sink.close();
    return { path, events, bytes: readFileSync(path) };
  }

  it('cuts off a torn last record on open, reports it, and loses no complete event', async () => {
    const { path, events } = fileWith(3);
    appendFileSync(path, '{"seq":4,"crc":"0000');
    await expect(readError(path)).resolves.toMatchObject({ line: 4, message: expect.stringMatching(/:4: torn last record/) });
    const sink = new JsonlAuditSink(path);
    expect(sink.recovery).toEqual({ records: 3, truncatedBytes: 20, reason: 'no line end (torn write)' });
    const more = emitSome(busOn(sink), 1);
    await sink.close();
    expect((await readAll(path)).map((event) => event.id)).toEqual([...events, ...more].map((event) => event.id));
  });

  it('treats a whole last line with a bad checksum as torn too', () => {
    const { path, bytes } = fileWith(2);
    const text = bytes.toString('utf8');
    writeFileSync(path, text.slice(0, -10) + 'X' + text.slice(-9));
    const sink = new JsonlAuditSink(path);
    expect(sink.recovery).toMatchObject({ records: 1, reason: 'checksum mismatch' });
    void sink.close();
  });

  it('refuses a file damaged before its last record: that is no torn write', () => {
    const { path, bytes } = fileWith(3);
    const text = bytes.toString('utf8');
    const at = text.indexOf('reason 0');
    writeFileSync(path, text.slice(0, at) + 'REASON' + text.slice(at + 6));
    expect(() => new JsonlAuditSink(path)).toThrow(/:1: damaged audit record \(checksum mismatch\); it is not the last record/);
    expect(readFileSync(path).equals(Buffer.from(text.slice(0, at) + 'REASON' + text.slice(at + 6)))).toBe(true);
  });

  it('names the line of a damaged, out-of-order or invalid record when reading', async () => {
    const { path, bytes } = fileWith(2);
    const lines = bytes.toString('utf8').split('\n');
    writeFileSync(path, [lines[0], lines[0], ''].join('\n'));
    await expect(readError(path)).resolves.toMatchObject({ line: 2, message: expect.stringMatching(/:2: sequence 1 where 2 was due$/) });

    const event = JSON.parse(lines[0]!.replace(/^\{"seq":1,"crc":"[0-9a-f]{8}","event":/, '').slice(0, -1)) as Record<string, unknown>;
    writeFileSync(path, Buffer.concat([encodeRecord(1, event), encodeRecord(2, { ...event, type: 'plan.exploded' })]));
    await expect(readError(path)).resolves.toMatchObject({ line: 2, message: expect.stringMatching(/unknown event type "plan.exploded"/) });

    writeFileSync(path, Buffer.concat([encodeRecord(1, { ...event, payload: { planId } })]));
    await expect(readError(path)).resolves.toMatchObject({ line: 1, message: expect.stringMatching(/invalid plan\.paused payload: .*pausedBy/) });

    writeFileSync(path, 'hello\n');
    await expect(readError(path)).resolves.toMatchObject({ line: 1, message: expect.stringMatching(/not an audit record/) });
  });

  it('creates the file, and its directory entry, on first open', async () => {
    const path = freshPath();
    expect(existsSync(path)).toBe(false);
    const sink = new JsonlAuditSink(path);
    expect(existsSync(path)).toBe(true);
    expect(sink.recovery).toEqual({ records: 0, truncatedBytes: 0 });
    await sink.close();
  });
});
