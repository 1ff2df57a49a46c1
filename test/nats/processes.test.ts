/**
 * Across real processes: a publisher and a consumer through JetStream, 10,000 events compared
 * end to end; then faults injected on a server of the test's own (killed and restarted
 * mid-stream) and on the consumer (killed and restarted). Nothing lost, nothing recorded twice.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, describe, expect, it } from 'vitest';
import { until } from '../support/until.ts';
import { auditIds, freePort, killAll, natsServer, run, tag, waitForPort } from '../support/nats-processes.ts';

const dir = mkdtempSync(join(tmpdir(), 'eventspec-nats-'));
const streamsOnSharedServer: string[] = [];
afterAll(async () => {
  killAll();
  rmSync(dir, { recursive: true, force: true });
  // The machine's own server outlives the test: leave nothing behind on it.
  const nc = await connect({ servers: '127.0.0.1:4222' });
  const jsm = await jetstreamManager(nc);
  for (const stream of streamsOnSharedServer) await jsm.streams.delete(stream).catch(() => false);
  await nc.close();
});

describe('two processes through JetStream', () => {
  it('carries 10,000 events from a publisher process to a consumer process, each exactly once', async () => {
    const { stream, prefix } = tag();
    streamsOnSharedServer.push(stream, `${stream}_DLQ`, `KV_eventspec_handled_${stream}_tenk`);
    const audit = join(dir, 'ten-thousand.jsonl');
    const consumer = run('nats-consumer.ts', ['127.0.0.1:4222', stream, prefix, 'tenk', audit, '10000']);
    // The consumer creates the stream; give it a moment before publishing into it.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const publisher = run('nats-publisher.ts', ['127.0.0.1:4222', stream, prefix, '10000']);
    expect(await publisher.exited).toBe(0);
    expect(await consumer.exited).toBe(0);
    const published = publisher.lines().map((line) => line.split(' ')[0]);
    const received = await auditIds(audit);
    expect(published).toHaveLength(10_000);
    expect(new Set(received).size).toBe(received.length);
    expect([...received].sort()).toEqual([...published].sort());
  }, 180_000);

  it('loses nothing and records nothing twice when the server and then the consumer are killed mid-stream', async () => {
    const port = await freePort();
    const store = mkdtempSync(join(dir, 'store-'));
    const server = `127.0.0.1:${port}`;
    let nats = natsServer(port, store);
    await waitForPort(port);
    const { stream, prefix } = tag();
    const audit = join(dir, 'faults.jsonl');
    const total = 3000;
    let consumer = run('nats-consumer.ts', [server, stream, prefix, 'faults', audit, String(total)]);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const publisher = run('nats-publisher.ts', [server, stream, prefix, String(total)]);

    // Sized for a loaded 2-core machine (a stall still fails); the count so far says how far it got.
    const progress = (): string => ` (the consumer has ${consumer.lines().length})`;
    await until(() => consumer.lines().length >= 500, '500 events before the server is killed', 90_000, progress);
    nats.kill('SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 500));
    nats = natsServer(port, store);
    await waitForPort(port);

    await until(() => consumer.lines().length >= 1500, '1,500 events before the consumer is killed', 90_000, progress);
    consumer.child.kill('SIGKILL');
    await consumer.exited;
    consumer = run('nats-consumer.ts', [server, stream, prefix, 'faults', audit, String(total)]);

    expect(await publisher.exited).toBe(0);
    expect(await consumer.exited).toBe(0);
    const published = publisher.lines().map((line) => line.split(' ')[0]);
    const received = await auditIds(audit);
    const missing = published.filter((id) => !received.includes(id ?? ''));
    if (missing.length > 0) console.error(`missing ${missing.length}: first at ${published.indexOf(missing[0])}, last at ${published.indexOf(missing.at(-1))}`);
    expect(published).toHaveLength(total);
    expect(new Set(received).size).toBe(received.length);
    expect([...received].sort()).toEqual([...published].sort());
    nats.kill('SIGTERM');
  }, 240_000);
});
