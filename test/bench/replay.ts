/**
 * `npm run bench:replay`: reading a large audit file (100,000 `session.message_sent` events),
 * side by side, rounds alternated: the records alone (line, checksum, sequence, JSON; no
 * catalogue), `readAudit` of events written at the current version, `readAudit` of the same
 * events written under version 1 (each validated as version 1, upcast through two steps,
 * validated as versions 2 and 3), and `replayAudit` of the version 1 file into a bus with one
 * handler. A benchmark, not a test: it prints figures only.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonlAuditSink, LoggingEventBus, readAudit, readAuditRecords, replayAudit, type Logger } from '../../src/index.ts';
import { eventRegistry, type PayloadMap } from '../../generated/index.ts';
import { upcaster } from '../../src/app/upcasters.ts';

const EVENTS = Number(process.env['REPLAY_EVENTS'] ?? 100_000);
const ROUNDS = 5;
const quiet: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const dir = mkdtempSync(join(tmpdir(), 'eventspec-replay-'));
const sessionId = '01JDQC1D2E3F4G5H6J7K8M9N0P';
const messageId = '01JDQC3F4G5H6J7K8M9N0P1Q2R';

/** A file of `EVENTS` events as written by version `version` of session.message_sent. */
async function writeFile(name: string, version: 1 | 3): Promise<string> {
  const path = join(dir, name);
  const sink = new JsonlAuditSink(path, { durability: 'batched' });
  for (let index = 0; index < EVENTS; index++) {
    const id = `01JDQD${String(index).padStart(20, '0')}`;
    const payload = version === 1 ? { sessionId, messageId, text: `message ${index} of the replay benchmark`, tokens: index % 500 } : { sessionId, messageId, content: `message ${index} of the replay benchmark`, tokens: index % 500 };
    sink.append({ id, type: 'session.message_sent', domain: 'session', timestamp: '2026-11-26T03:00:00.000Z', correlationId: id, version, payload });
  }
  await sink.close();
  return path;
}

const current = await writeFile('current.jsonl', 3);
const old = await writeFile('v1.jsonl', 1);

const cases: Record<string, () => Promise<number>> = {
  'records only': async () => {
    let count = 0;
    for await (const _record of readAuditRecords(old)) count++;
    return count;
  },
  'readAudit, current version': async () => {
    let count = 0;
    for await (const _event of readAudit(current, eventRegistry)) count++;
    return count;
  },
  'readAudit, version 1 upcast': async () => {
    let count = 0;
    for await (const _event of readAudit(old, eventRegistry, { upcaster })) count++;
    return count;
  },
  'replayAudit, version 1 into a bus': async () => {
    const bus = new LoggingEventBus<PayloadMap>({ registry: eventRegistry, upcaster, logger: quiet });
    let words = 0;
    bus.subscribe('session.message_sent', (event) => {
      words += event.payload.content.length;
    });
    const report = await replayAudit(old, bus);
    return words > 0 ? report.events : 0;
  },
};

const times = new Map<string, number[]>(Object.keys(cases).map((name) => [name, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, run] of Object.entries(cases)) {
    const started = performance.now();
    const count = await run();
    times.get(name)?.push(performance.now() - started);
    if (count !== EVENTS) throw new Error(`${name} read ${count} events, not ${EVENTS}`);
  }
}
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const anchor = median(times.get('records only') ?? []);
console.log(`${EVENTS.toLocaleString('en')} events, median of ${ROUNDS} alternated rounds`);
for (const [name, values] of times) {
  const ms = median(values);
  console.log(`${name.padEnd(36)} ${ms.toFixed(0).padStart(6)} ms  ${Math.round((EVENTS / ms) * 1000).toLocaleString('en').padStart(9)} events/s  ${(ms / anchor).toFixed(2)}x records`);
}
rmSync(dir, { recursive: true, force: true });
