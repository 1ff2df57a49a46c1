import { appendFileSync, chmodSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { AuditError, AuditReadError, JsonlAuditSink, LoggingEventBus, readAudit, readAuditRecords, type AuditSink, type DomainEvent } from '../../src/index.ts';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { decodeRecord, encodeRecord } from '../../src/audit/record.ts';
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
  // Line and paragraph separators, as a chat message pasted from a word processor has them.
  return Array.from({ length: count }, (_, i) => bus.emit('plan.paused', { planId, pausedBy: alice, reason: `reason ${i} ✓ 😀 \u2028 \u2029 \r\n` }));
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
    expect(lines).toHaveLength(52);
    expect(lines[0]).toMatch(/^\{"format":"eventspec-audit","version":1,"trail":"[0-9A-Z]{26}","created":"[^"]+Z"\}$/);
    expect(lines[1]).toMatch(/^\{"seq":1,"crc":"[0-9a-f]{8}","event":\{"id":"/);
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
    // The header alone: nothing is written before its commit.
    expect(readFileSync(path, 'utf8').split('\n')).toHaveLength(2);
    await sink.flush();
    expect(readFileSync(path, 'utf8').split('\n')).toHaveLength(12);
    await sink.close();
  });

  it('commits without being asked once batchSize records wait', async () => {
    const path = freshPath();
    const sink = new JsonlAuditSink(path, { durability: 'batched', batchIntervalMs: 60_000, batchSize: 4 });
    emitSome(busOn(sink), 4);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(readFileSync(path, 'utf8').split('\n')).toHaveLength(6);
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
    await expect(readError(path)).resolves.toMatchObject({ line: 5, message: expect.stringMatching(/:5: torn last record/) });
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
    const at = text.indexOf('reason 1');
    const damaged = text.slice(0, at) + 'REASON' + text.slice(at + 6);
    writeFileSync(path, damaged);
    expect(() => new JsonlAuditSink(path)).toThrow(/damaged audit record before record 3 \(checksum mismatch\); it is not the last record/);
    expect(readFileSync(path, 'utf8')).toBe(damaged);
  });

  it('opens from the end: damage further back is left for the reader to name', async () => {
    const { path, bytes } = fileWith(3);
    const text = bytes.toString('utf8');
    const at = text.indexOf('reason 0');
    writeFileSync(path, text.slice(0, at) + 'REASON' + text.slice(at + 6));
    const sink = new JsonlAuditSink(path);
    expect(sink.recovery).toEqual({ records: 3, truncatedBytes: 0 });
    await sink.close();
    await expect(readError(path)).resolves.toMatchObject({ line: 2, message: expect.stringMatching(/:2: checksum mismatch$/) });
  });

  it('names the line of a damaged, out-of-order or invalid record when reading', async () => {
    const { path, bytes } = fileWith(2);
    const lines = bytes.toString('utf8').split('\n');
    writeFileSync(path, [lines[0], lines[1], lines[1], ''].join('\n'));
    await expect(readError(path)).resolves.toMatchObject({ line: 3, message: expect.stringMatching(/:3: sequence 1 where 2 was due$/) });

    // Files written before trails had headers number their records from the first line.
    const event = JSON.parse(lines[1]!.replace(/^\{"seq":1,"crc":"[0-9a-f]{8}","event":/, '').slice(0, -1)) as Record<string, unknown>;
    writeFileSync(path, Buffer.concat([encodeRecord(1, event), encodeRecord(2, { ...event, type: 'plan.exploded' })]));
    await expect(readError(path)).resolves.toMatchObject({ line: 2, message: expect.stringMatching(/unknown event type "plan.exploded"/) });

    writeFileSync(path, Buffer.concat([encodeRecord(1, { ...event, payload: { planId } })]));
    await expect(readError(path)).resolves.toMatchObject({ line: 1, message: expect.stringMatching(/invalid plan\.paused event: .*pausedBy/) });

    writeFileSync(path, 'hello\n');
    await expect(readError(path)).resolves.toMatchObject({ line: 1, message: expect.stringMatching(/:1: not an audit trail \(no eventspec header, and no first record\)$/) });
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

/** Any single UTF-16 unit or code point: lone surrogates, separators, NUL and astral characters included. */
const anyUnit = fc.oneof(
  fc.constantFrom('\u2028', '\u2029', '\u0000', '\n', '\r', '"', '\\', '\ud800', '\udfff', '\u{1F600}', '\u0085', '\ufeff'),
  fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit)),
  fc.integer({ min: 0x10000, max: 0x10ffff }).map((point) => String.fromCodePoint(point)),
);
const anyJsonValue = fc.jsonValue({ stringUnit: anyUnit, maxDepth: 3 });

describe('the record codec, on any JSON value', () => {
  it('puts a record on exactly one line, escapes the separators, and decodes it to the same value', () => {
    fc.assert(fc.property(anyJsonValue, (value) => {
      const bytes = encodeRecord(1, value);
      const text = Buffer.from(bytes).toString('utf8');
      expect(text.indexOf('\n')).toBe(text.length - 1);
      expect(text).not.toMatch(/[\u2028\u2029]/);
      const decoded = decodeRecord(text.slice(0, -1));
      expect(decoded).toEqual({ ok: true, seq: 1, event: JSON.parse(JSON.stringify(value)) });
    }), { numRuns: 500 });
  });

  it('reads older records that hold raw separators', () => {
    const json = JSON.stringify({ text: 'a\u2028b\u2029c' });
    expect(json).toContain('\u2028');
    expect(decodeRecord(`{"seq":1,"crc":"${crc(json)}","event":${json}}`)).toEqual({ ok: true, seq: 1, event: { text: 'a\u2028b\u2029c' } });
  });

  it('after a crash at any byte, recovery keeps every complete record and never refuses the file', () => {
    fc.assert(fc.property(fc.array(anyJsonValue, { minLength: 1, maxLength: 6 }), fc.double({ min: 0, max: 1, noNaN: true }), (values, cut) => {
      // A trail as the sink writes it: its header, then the records.
      const path = freshPath();
      new JsonlAuditSink(path).close();
      const header = readFileSync(path);
      const records = values.map((value, index) => Buffer.from(encodeRecord(index + 1, value)));
      const whole = Buffer.concat([header, ...records]);
      const at = Math.floor(cut * whole.length);
      writeFileSync(path, whole.subarray(0, at));
      let complete = 0;
      for (let end = header.length; complete < records.length && end + (records[complete]?.length ?? 0) <= at; complete++) end += records[complete]?.length ?? 0;
      const sink = new JsonlAuditSink(path);
      void sink.close();
      expect(sink.recovery.records).toBe(complete);
      const kept = readFileSync(path);
      // A header cut short is written again (the file held no record yet); otherwise nothing complete is cut.
      if (at < header.length) expect(kept.toString('utf8')).toMatch(/^\{"format":"eventspec-audit",[^\n]+\}\n$/);
      else expect(kept.equals(Buffer.concat([header, ...records.slice(0, complete)]))).toBe(true);
    }), { numRuns: 300 });
  });

  it('reads back, line by line, every value a sink wrote', async () => {
    const values = fc.sample(anyJsonValue, { numRuns: 200, seed: 42 });
    const path = freshPath();
    writeFileSync(path, Buffer.concat(values.map((value, index) => encodeRecord(index + 1, value))));
    const sink = new JsonlAuditSink(path);
    expect(sink.recovery).toEqual({ records: values.length, truncatedBytes: 0 });
    await sink.close();
    const read: unknown[] = [];
    for await (const record of readAuditRecords(path)) read.push(record.event);
    expect(read).toEqual(values.map((value) => JSON.parse(JSON.stringify(value)) as unknown));
  });
});

function crc(text: string): string {
  return zlibCrc32(text).toString(16).padStart(8, '0');
}

describe('file permissions', () => {
  const mode = (path: string): number => statSync(path).mode & 0o777;

  it('creates the file 0600 and the directories it needs 0700, and keeps them through recovery and rotation', async () => {
    const root = join(dir, `perm-${++counter}`);
    const path = join(root, 'a', 'b', 'audit.jsonl');
    let sink = new JsonlAuditSink(path);
    emitSome(busOn(sink), 3);
    await sink.close();
    expect([mode(root), mode(join(root, 'a')), mode(join(root, 'a', 'b')), mode(path)]).toEqual([0o700, 0o700, 0o700, 0o600]);

    // Recovery: a torn tail is cut off; the mode stays.
    appendFileSync(path, '{"seq":4');
    sink = new JsonlAuditSink(path);
    expect(sink.recovery.truncatedBytes).toBe(8);
    await sink.close();
    expect(mode(path)).toBe(0o600);

    // Rotation: close, rename, and open a new sink on the old name.
    renameSync(path, `${path}.1`);
    sink = new JsonlAuditSink(path);
    emitSome(busOn(sink), 1);
    await sink.close();
    expect([mode(`${path}.1`), mode(path)]).toEqual([0o600, 0o600]);
  });

  it('keeps the mode of a file it did not create, and creates its own with fileMode', async () => {
    const path = freshPath();
    writeFileSync(path, '');
    chmodSync(path, 0o644);
    const sink = new JsonlAuditSink(path);
    expect(mode(path)).toBe(0o644);
    await sink.close();
    const shared = freshPath();
    const open = new JsonlAuditSink(shared, { fileMode: 0o640 });
    expect(mode(shared)).toBe(0o640 & ~process.umask());
    await open.close();
  });
});

describe('a record whose payload holds separators', () => {
  it('is read back whole, also as the last record and after another one', async () => {
    const path = freshPath();
    const sink = new JsonlAuditSink(path);
    const emitted = emitSome(busOn(sink), 2);
    await sink.close();
    const reopened = new JsonlAuditSink(path);
    expect(reopened.recovery).toEqual({ records: 2, truncatedBytes: 0 });
    await reopened.close();
    expect(await readAll(path)).toEqual(emitted);
    truncateSync(path, statSync(path).size - 1);
    const recovered = new JsonlAuditSink(path);
    expect(recovered.recovery).toMatchObject({ records: 1, reason: 'no line end (torn write)' });
    await recovered.close();
  });
});
