/**
 * What operators and other programs do to an audit file, done for real: a file that is not a
 * trail, a symbolic link, a second process on one trail, logrotate's copytruncate and rename,
 * deletion, another program writing into it, a trail over 2 GiB, a burst and then an exit, a
 * read-only and a full file system.
 */
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, closeSync, copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, truncateSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { AuditError, JsonlAuditSink, LoggingEventBus, readAudit, readAuditRecords, type TrailChange } from '../../src/index.ts';
import { encodeRecordBody, frameRecord } from '../../src/audit/record.ts';
import { eventRegistry, type PayloadMap } from '../../generated/index.ts';
import { until } from '../support/until.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'eventspec-audit-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;
const freshPath = (): string => join(dir, `trail-${++counter}.jsonl`);
const quiet = { info() {}, warn() {}, error() {} };
const isRoot = process.getuid?.() === 0;

function open(path: string, changes: TrailChange[] = []): { sink: JsonlAuditSink; emit: (n: number) => string } {
  const sink = new JsonlAuditSink(path, { onTrailChange: (change) => changes.push(change) });
  const bus = new LoggingEventBus<PayloadMap>({ registry: eventRegistry, audit: sink, logger: quiet });
  const emit = (n: number): string => bus.emit('plan.paused', { planId: '01JDQ8Z1X4N6V7W8Y9ZAB2C3DE', pausedBy: { kind: 'user', id: 'op' }, reason: `r${n}` }).id;
  return { sink, emit };
}

async function ids(path: string): Promise<string[]> {
  const found: string[] = [];
  for await (const event of readAudit(path, eventRegistry)) found.push(event.id);
  return found;
}

function header(path: string): { trail: string; previous?: { trail: string; seq: number } } {
  return JSON.parse(readFileSync(path, 'utf8').split('\n')[0] ?? '') as { trail: string; previous?: { trail: string; seq: number } };
}

function writer(args: readonly string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test', 'support', 'audit-writer.ts'), ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, lines: () => out.split('\n').filter(Boolean), exited };
}

describe('a file that is not the sink’s own', () => {
  it('refuses a file that is not a trail and changes nothing: not its bytes, its mode or its directory', () => {
    const path = join(dir, 'settings.json');
    writeFileSync(path, '{"theme":"dark"}\n');
    chmodSync(path, 0o644);
    expect(() => new JsonlAuditSink(path)).toThrow(/settings\.json is not an audit trail \(it starts "\{\\"theme\\":\\"dark\\"\}\\n"\)/);
    expect(readFileSync(path, 'utf8')).toBe('{"theme":"dark"}\n');
    expect(statSync(path).mode & 0o777).toBe(0o644);
    expect(existsSync(`${path}.owner`)).toBe(false);
  });

  it('never follows a symbolic link at its path', () => {
    const target = join(dir, 'precious.txt');
    writeFileSync(target, 'keep me\n');
    chmodSync(target, 0o644);
    const link = freshPath();
    symlinkSync(target, link);
    expect(() => new JsonlAuditSink(link)).toThrow(/is a symbolic link: the audit sink never follows one/);
    expect(readFileSync(target, 'utf8')).toBe('keep me\n');
    expect(statSync(target).mode & 0o777).toBe(0o644);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
  });

  it('reports a directory it cannot make as AuditError naming the path and the cause', () => {
    const blocker = join(dir, 'a-file');
    writeFileSync(blocker, '');
    expect(() => new JsonlAuditSink(join(blocker, 'audit.jsonl'))).toThrow(/cannot open the audit trail .*a-file\/audit\.jsonl: EEXIST: file already exists, mkdir '.*a-file'/);
  });

  it.skipIf(!isRoot)('on a read-only file system: AuditError naming the path and EROFS', () => {
    const mount = join(dir, 'read-only');
    mkdirSync(mount);
    expect(spawnSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', mount]).status).toBe(0);
    try {
      expect(() => new JsonlAuditSink(join(mount, 'audit.jsonl'))).toThrow(AuditError);
      expect(() => new JsonlAuditSink(join(mount, 'audit.jsonl'))).toThrow(/cannot open the audit trail .*read-only\/audit\.jsonl: EROFS/);
    } finally {
      spawnSync('umount', [mount]);
    }
  });

  it.skipIf(!isRoot)('on a full file system: the emit that does not fit throws AuditError, and every event before it is kept', async () => {
    const mount = join(dir, 'full');
    mkdirSync(mount);
    expect(spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mount]).status).toBe(0);
    try {
      const path = join(mount, 'audit.jsonl');
      const { sink, emit } = open(path);
      const kept: string[] = [];
      let failure: unknown;
      for (let n = 0; n < 10_000 && failure === undefined; n++) {
        try {
          kept.push(emit(n));
        } catch (error) {
          failure = error;
        }
      }
      expect(failure).toBeInstanceOf(AuditError);
      expect(String(failure)).toMatch(/ENOSPC/);
      await sink.close();
      // A record cut short by the full disk is the torn tail that reopening cuts off.
      rmSync(join(mount, 'spare'), { force: true });
      new JsonlAuditSink(path).close();
      expect(await ids(path)).toEqual(kept);
    } finally {
      spawnSync('umount', [mount]);
    }
  });
});

describe('one writer per trail', () => {
  it('refuses a second writer in another process, naming the holder; the holder’s events are all kept', async () => {
    const path = freshPath();
    const holder = writer([path, '0', 'sync', 'hold']);
    await until(() => holder.lines().includes('open'), 'the first writer');
    const second = writer([path, '0', 'sync', 'hold']);
    expect(await second.exited).toBe(3);
    expect(second.lines()[0]).toMatch(new RegExp(`^refused .*is already being written by process ${holder.child.pid} on .+, since \\d{4}-`));
    expect(() => new JsonlAuditSink(path)).toThrow(/is already being written by process/);
    for (let n = 0; n < 300; n++) holder.child.stdin.write('emit\n');
    await until(() => holder.lines().filter((line) => line.startsWith('ok ')).length === 300, '300 events');
    holder.child.stdin.end();
    expect(await holder.exited).toBe(0);
    expect(await ids(path)).toEqual(holder.lines().filter((line) => line.startsWith('ok ')).map((line) => line.slice(3)));
    // The lock went with the holder: the trail opens again.
    await new JsonlAuditSink(path).close();
  });

  it('is released by the kernel when the holder is killed', async () => {
    const path = freshPath();
    const holder = writer([path, '0', 'sync', 'hold']);
    await until(() => holder.lines().includes('open'), 'the writer');
    holder.child.kill('SIGKILL');
    await holder.exited;
    const { sink } = open(path);
    expect(sink.recovery.records).toBe(0);
    await sink.close();
  });

  it('refuses a second sink in the same process too', async () => {
    const path = freshPath();
    const first = new JsonlAuditSink(path);
    expect(() => new JsonlAuditSink(path)).toThrow(new RegExp(`already being written by process ${process.pid}`));
    await first.close();
    await new JsonlAuditSink(path).close();
  });
});

describe('rotation and other changes under a running sink', () => {
  it('copytruncate: the copy keeps the trail, the emptied file goes on as a new trail linked to it, and no complete record is cut', async () => {
    const path = freshPath();
    const changes: TrailChange[] = [];
    const { sink, emit } = open(path, changes);
    const before = [0, 1, 2, 3, 4].map(emit);
    const first = header(path).trail;
    copyFileSync(path, `${path}.1`);
    truncateSync(path, 0);
    const after = [emit(5)];
    expect(changes).toMatchObject([{ reason: 'truncated', previous: { trail: first, seq: 5 } }]);
    expect(header(path)).toMatchObject({ previous: { trail: first, seq: 5 } });
    // Reopened now, with one record after the truncation: that record is complete and stays.
    await sink.close();
    const reopened = open(path);
    expect(reopened.sink.recovery).toEqual({ records: 1, truncatedBytes: 0 });
    after.push(reopened.emit(6));
    await reopened.sink.close();
    expect(await ids(`${path}.1`)).toEqual(before);
    expect(await ids(path)).toEqual(after);
  });

  it('rename: the sink notices on its next write and starts a new trail at the path, linked to the old one', async () => {
    const path = freshPath();
    const changes: TrailChange[] = [];
    const { sink, emit } = open(path, changes);
    const before = [0, 1, 2].map(emit);
    const first = header(path).trail;
    renameSync(path, `${path}.1`);
    const after = [emit(3), emit(4)];
    await sink.close();
    expect(changes).toMatchObject([{ reason: 'renamed', previous: { trail: first, seq: 3 }, trail: header(path).trail }]);
    expect(header(path).previous).toEqual({ trail: first, seq: 3 });
    expect(await ids(`${path}.1`)).toEqual(before);
    expect(await ids(path)).toEqual(after);
  });

  it('rename with a new empty file created at the path (logrotate create): the sink takes the empty file', async () => {
    const path = freshPath();
    const changes: TrailChange[] = [];
    const { sink, emit } = open(path, changes);
    emit(0);
    renameSync(path, `${path}.1`);
    writeFileSync(path, '', { mode: 0o640 });
    const after = [emit(1)];
    await sink.close();
    expect(changes.map((change) => change.reason)).toEqual(['renamed']);
    expect(await ids(path)).toEqual(after);
    expect(statSync(path).mode & 0o777).toBe(0o640);
  });

  it('delete: the loss is reported, and every later event goes to a new trail at the path', async () => {
    const path = freshPath();
    const changes: TrailChange[] = [];
    const { sink, emit } = open(path, changes);
    [0, 1, 2].map(emit);
    unlinkSync(path);
    const after = [emit(3), emit(4)];
    await sink.close();
    expect(changes).toMatchObject([{ reason: 'deleted', message: expect.stringMatching(/was deleted while the sink wrote it: its 3 records are gone from the disk/) }]);
    expect(await ids(path)).toEqual(after);
  });

  it('by default, a change is a process warning the application can see', async () => {
    const path = freshPath();
    const sink = new JsonlAuditSink(path);
    const bus = new LoggingEventBus<PayloadMap>({ registry: eventRegistry, audit: sink, logger: quiet });
    const warnings: Error[] = [];
    const listener = (warning: Error): void => {
      warnings.push(warning);
    };
    process.on('warning', listener);
    try {
      renameSync(path, `${path}.1`);
      bus.emit('plan.approved', { planId: '01JDQ8Z1X4N6V7W8Y9ZAB2C3DE', approvedBy: { kind: 'user', id: 'op' } });
      await until(() => warnings.length > 0, 'the warning');
    } finally {
      process.off('warning', listener);
      await sink.close();
    }
    expect(warnings[0]).toMatchObject({ name: 'AuditTrailWarning', code: 'EVENTSPEC_AUDIT_RENAMED' });
  });

  it('another program writing into the trail stops the sink with AuditError rather than interleave', async () => {
    const path = freshPath();
    const { sink, emit } = open(path);
    emit(0);
    appendFileSync(path, 'hello from a shell\n');
    expect(() => emit(1)).toThrow(/grew by 19 bytes that this sink did not write/);
    expect(() => emit(2)).toThrow(/failed earlier/);
    await sink.close();
  });
});

describe('a batched sink and the end of its process', () => {
  it.each(['exit', 'throw'])('keeps every event of a synchronous burst followed by %s', async (ending) => {
    const path = freshPath();
    const child = writer([path, '1000', 'batched', ending]);
    const code = await child.exited;
    expect(code).toBe(ending === 'exit' ? 0 : 1);
    const records = [];
    for await (const record of readAuditRecords(path)) records.push(record);
    expect(records).toHaveLength(1000);
  });
});

describe('a trail over 2 GiB', () => {
  it('reopens, reading from its end in constant memory, and takes more events', { timeout: 120_000 }, async () => {
    const path = freshPath();
    // A trail as a sink writes it: the header, then records of 1 MiB each (one event body,
    // numbered again and again: recovery judges the records at the end, the reader all of them).
    await new JsonlAuditSink(path).close();
    const event = { id: '01JDQ8Z1X4N6V7W8Y9ZAB2C3DE', type: 'plan.paused', domain: 'plan', timestamp: '2026-12-03T00:00:00.000Z', correlationId: '01JDQ8Z1X4N6V7W8Y9ZAB2C3DE', version: 1, payload: { planId: '01JDQ8Z1X4N6V7W8Y9ZAB2C3DE', pausedBy: { kind: 'user', id: 'op' }, reason: 'x'.repeat(1 << 20) } };
    const body = encodeRecordBody(event);
    const fd = openSync(path, 'a');
    const count = 2100;
    try {
      for (let seq = 1; seq <= count; seq++) writeSync(fd, frameRecord(seq, body));
    } finally {
      closeSync(fd);
    }
    expect(statSync(path).size).toBeGreaterThan(2 ** 31);
    const before = process.memoryUsage().rss;
    const { sink, emit } = open(path);
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 2 ** 20);
    expect(sink.recovery).toEqual({ records: count, truncatedBytes: 0 });
    emit(0);
    await sink.close();
    const reopened = new JsonlAuditSink(path);
    expect(reopened.recovery).toEqual({ records: count + 1, truncatedBytes: 0 });
    await reopened.close();
    rmSync(path);
  });
});
