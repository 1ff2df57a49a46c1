/**
 * The relay under fire, with real processes: a service writing its audit trail and the relay
 * (`eventspec-nats relay`) are each killed with SIGKILL at random moments, more than a hundred
 * times, while a nats-server of the test's own is up, then killed and kept down for a minute, then
 * paused with SIGSTOP. Afterwards every event of the trail is in the stream exactly once, and a
 * consumer's audit holds each exactly once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { afterAll, describe, expect, it } from 'vitest';
import { auditIds, freePort, killAll, natsServer, run, waitForPort } from '../support/nats-processes.ts';
import { BUILT_NATS_CLI } from '../support/built-commands.ts';
import { until } from '../support/until.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'eventspec-relay-kills-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  killAll();
  rmSync(dir, { recursive: true, force: true });
});

/** A seeded generator: the same kill schedule every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

/** Starts node with `args`: a TypeScript script of the tests through tsx, a compiled command as it is. */
function spawnTracked(args: readonly string[]): ChildProcess {
  const child = spawn(process.execPath, [...(args[0]?.endsWith('.ts') === true ? ['--import', 'tsx'] : []), ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(child);
  return child;
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('the relay, killed at random', () => {
  it('gets every event of the trail into the stream once, and to a consumer once, through 100+ kills, a broker down for a minute and a paused broker', { timeout: 420_000 }, async () => {
    const port = await freePort();
    const store = mkdtempSync(join(dir, 'store-'));
    let server = natsServer(port, store);
    await waitForPort(port);
    const servers = `127.0.0.1:${port}`;
    const trail = join(dir, 'service.jsonl');
    const stream = 'KILLS';
    const prefix = 'kills';
    const startService = (): ChildProcess => spawnTracked([join(ROOT, 'test', 'support', 'relay-service.ts'), trail]);
    const startRelay = (): ChildProcess => spawnTracked([BUILT_NATS_CLI, 'relay', '--trail', trail, '--source', '/test/kills', '--servers', servers, '--stream', stream, '--subject-prefix', prefix]);
    let service = startService();
    let relay = startRelay();
    const next = random(20261203);
    let kills = 0;
    const killForAWhile = async (ms: number): Promise<void> => {
      const end = Date.now() + ms;
      while (Date.now() < end) {
        // About one kill a second: enough for 100 in the run, while leaving the machine's two cores to the rest.
        await sleep(500 + next() * 900);
        // The relay more often than the service: it is the one whose restarts must resume exactly.
        if (next() < 0.35) {
          await killed(service);
          service = startService();
        } else {
          await killed(relay);
          relay = startRelay();
        }
        kills++;
      }
    };

    await killForAWhile(30_000);
    server.kill('SIGKILL');
    await killForAWhile(60_000);
    server = natsServer(port, store);
    await waitForPort(port);
    await killForAWhile(10_000);
    server.kill('SIGSTOP');
    await killForAWhile(10_000);
    server.kill('SIGCONT');
    await killForAWhile(10_000);
    await killed(service);
    expect(kills).toBeGreaterThanOrEqual(100);

    // The trail as the service left it (its torn tail, if any, is not an event yet).
    const written = await auditIdsOfTrail(trail);
    expect(written.length).toBeGreaterThan(1000);
    const nc = await connect({ servers, maxReconnectAttempts: -1 });
    const jsm = await jetstreamManager(nc);
    let held = 0;
    await until(async () => (held = (await jsm.streams.info(stream).catch(() => undefined))?.state.messages ?? 0) === written.length, `the stream to hold all ${written.length} events`, 120_000, () => ` (it holds ${held})`);
    await killed(relay);
    // Every message id the stream holds, read by an ordered consumer, a fetch at a time.
    const stored: string[] = [];
    const reader = await jetstream(nc).consumers.get(stream);
    while (stored.length < held) {
      for await (const message of await reader.fetch({ max_messages: Math.min(5000, held - stored.length), expires: 5000 })) stored.push(message.headers?.get('Nats-Msg-Id') ?? '');
    }
    expect(new Set(stored).size).toBe(stored.length);
    expect(new Set(stored)).toEqual(new Set(written));

    const consumerAudit = join(dir, 'consumer.jsonl');
    const consumer = run('nats-consumer.ts', [servers, stream, prefix, 'kills', consumerAudit, String(written.length)]);
    expect(await consumer.exited).toBe(0);
    const consumed = await auditIds(consumerAudit);
    expect(consumed).toHaveLength(written.length);
    expect(new Set(consumed)).toEqual(new Set(written));
    process.stdout.write(`relay kill test: ${kills} kills, ${written.length} events, each once in the stream and in the consumer's audit\n`);
    await nc.close();
  });
});

/** The ids of the trail's events; reopening it first cuts a torn tail the last kill may have left. */
async function auditIdsOfTrail(trail: string): Promise<string[]> {
  const { JsonlAuditSink } = await import('../../src/index.ts');
  await new JsonlAuditSink(trail).close();
  return auditIds(trail);
}
