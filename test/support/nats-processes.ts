/**
 * Real processes for the NATS tests: nats-servers of a test's own (alone, or three in a
 * JetStream cluster on loopback ports), and the publisher and consumer scripts beside this file.
 * Every process started here is killed by `killAll`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { connect as connectSocket, createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { readAudit } from '../../src/index.ts';
import { eventRegistry } from '../../generated/index.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const children: ChildProcess[] = [];

export function killAll(): void {
  for (const child of children) child.kill('SIGKILL');
}

export interface Run {
  readonly child: ChildProcess;
  lines: () => string[];
  readonly exited: Promise<number | null>;
}

/** Runs one of the support scripts; its standard output is kept line by line. */
export function run(script: string, args: readonly string[]): Run {
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

export async function auditIds(path: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const event of readAudit(path, eventRegistry)) ids.push(event.id);
  return ids;
}

/** A stream name and subject prefix no other run uses. */
export function tag(): { stream: string; prefix: string } {
  const value = `p${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  return { stream: `S${value}`, prefix: value };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

export async function waitForPort(port: number): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connectSocket(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      }).on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nats-server did not listen on ${port}`);
}

/** A nats-server of the test's own, with its own store, on a loopback port; extra arguments join a cluster. */
export function natsServer(port: number, store: string, extra: readonly string[] = []): ChildProcess {
  const server = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', store, ...extra], { stdio: 'ignore' });
  children.push(server);
  return server;
}

/** One node of a three-node JetStream cluster; `restart` starts it again on the same port and store. */
export interface ClusterNode {
  readonly name: string;
  readonly port: number;
  process: ChildProcess;
  restart(): Promise<void>;
}

/** Three nats-servers with JetStream, routed to each other on loopback ports, each with its own store. */
export async function startCluster(dir: string): Promise<ClusterNode[]> {
  const ports = await Promise.all([0, 1, 2].map(() => freePort()));
  const routePorts = await Promise.all([0, 1, 2].map(() => freePort()));
  const nodes = [0, 1, 2].map((index): ClusterNode => {
    const store = mkdtempSync(join(dir, `node${index}-`));
    const port = ports[index] ?? 0;
    const routes = routePorts.filter((_, other) => other !== index).map((routePort) => `nats://127.0.0.1:${routePort}`).join(',');
    const args = ['-n', `n${index}`, '--cluster_name', 'eventspec-test', '--cluster', `nats://127.0.0.1:${routePorts[index]}`, '--routes', routes];
    const node: ClusterNode = {
      name: `n${index}`,
      port,
      process: natsServer(port, store, args),
      restart: async () => {
        node.process = natsServer(port, store, args);
        await waitForPort(port);
      },
    };
    return node;
  });
  for (const node of nodes) await waitForPort(node.port);
  await untilJetStreamReady(nodes.map((node) => `127.0.0.1:${node.port}`));
  return nodes;
}

/** A cluster answers JetStream requests only once it has elected its meta leader. */
async function untilJetStreamReady(servers: string[]): Promise<void> {
  const nc = await connect({ servers, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await jetstreamManager(nc, { timeout: 1000 });
        return;
      } catch (error) {
        if (attempt >= 60) throw new Error(`the cluster's JetStream did not become ready: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  } finally {
    await nc.close();
  }
}
