/**
 * Across real processes: a publisher and a consumer through JetStream, 10,000 events compared
 * end to end; then faults injected on a server of the test's own (killed and restarted
 * mid-stream) and on the consumer (killed and restarted). Nothing lost, nothing recorded twice.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, describe, expect, it } from 'vitest';
import { readAudit } from '../../src/index.ts';
import { eventRegistry } from '../../generated/index.ts';
import { until } from '../support/until.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'eventspec-nats-'));
const children: ChildProcess[] = [];
const streamsOnSharedServer: string[] = [];
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
  // The machine's own server outlives the test: leave nothing behind on it.
  const nc = await connect({ servers: '127.0.0.1:4222' });
  const jsm = await jetstreamManager(nc);
  for (const stream of streamsOnSharedServer) await jsm.streams.delete(stream).catch(() => false);
  await nc.close();
});

interface Run {
  readonly child: ChildProcess;
  lines: () => string[];
  readonly exited: Promise<number | null>;
}

function run(script: string, args: readonly string[]): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test', 'support', script), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => {
    if (code !== 0 && code !== null) console.error(`${script} exited ${code}: ${err}`);
    resolve(code);
  }));
  return { child, lines: () => out.split('\n').filter(Boolean), exited };
}

async function auditIds(path: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const event of readAudit(path, eventRegistry)) ids.push(event.id);
  return ids;
}

function tag(): { stream: string; prefix: string } {
  const value = `p${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  return { stream: `S${value}`, prefix: value };
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

/** A nats-server of this test's own, with its own store, on a free loopback port. */
function natsServer(port: number, store: string): ChildProcess {
  const server = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', store], { stdio: 'ignore' });
  children.push(server);
  return server;
}

async function waitForPort(port: number): Promise<void> {
  const { connect } = await import('node:net');
  for (let attempt = 0; attempt < 200; attempt++) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      }).on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nats-server did not listen on ${port}`);
}

describe('two processes through JetStream', () => {
  it('carries 10,000 events from a publisher process to a consumer process, each exactly once', async () => {
    const { stream, prefix } = tag();
    streamsOnSharedServer.push(stream, `${stream}_DLQ`);
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

    await until(() => consumer.lines().length >= 500, '500 events before the server is killed');
    nats.kill('SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 500));
    nats = natsServer(port, store);
    await waitForPort(port);

    await until(() => consumer.lines().length >= 1500, '1,500 events before the consumer is killed');
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
