/**
 * Beyond one machine's single server: a three-node JetStream cluster on loopback ports (three
 * nats-server processes of the installed version, routed to each other), streams with three
 * replicas. The stream's leader is killed mid-stream, then the consumer; every published id
 * must reach the consumer's audit trail exactly once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, describe, expect, it } from 'vitest';
import { until } from '../support/until.ts';
import { auditIds, killAll, run, startCluster, tag } from '../support/nats-processes.ts';

const dir = mkdtempSync(join(tmpdir(), 'eventspec-cluster-'));
afterAll(() => {
  killAll();
  rmSync(dir, { recursive: true, force: true });
});

describe('a three-node JetStream cluster', () => {
  it('loses nothing and records nothing twice when the stream leader and then the consumer are killed', async () => {
    const nodes = await startCluster(dir);
    const servers = nodes.map((node) => `127.0.0.1:${node.port}`).join(',');
    const { stream, prefix } = tag();
    const audit = join(dir, 'cluster.jsonl');
    const total = 3000;
    let consumer = run('nats-consumer.ts', [servers, stream, prefix, 'cluster', audit, String(total), '3']);
    const nc = await connect({ servers: servers.split(','), maxReconnectAttempts: -1, reconnectTimeWait: 100 });
    const jsm = await jetstreamManager(nc);
    // The consumer creates the three-replica streams once the cluster has elected its leaders.
    await until(async () => (await jsm.streams.info(stream).catch(() => undefined))?.cluster?.leader !== undefined, 'the stream and its leader', 60_000);
    const publisher = run('nats-publisher.ts', [servers, stream, prefix, String(total), '3']);

    await until(() => consumer.lines().length >= 500, '500 events before the leader is killed', 60_000);
    const info = await jsm.streams.info(stream);
    expect(info.config.num_replicas).toBe(3);
    const leader = nodes.find((node) => node.name === info.cluster?.leader);
    if (leader === undefined) throw new Error(`no leader among ${nodes.map((node) => node.name).join(', ')}: ${JSON.stringify(info.cluster)}`);
    leader.process.kill('SIGKILL');
    await until(async () => {
      const now = await jsm.streams.info(stream).catch(() => undefined);
      return now?.cluster?.leader !== undefined && now.cluster.leader !== leader.name;
    }, 'a new leader', 60_000);
    await leader.restart();

    await until(() => consumer.lines().length >= 1500, '1,500 events before the consumer is killed', 60_000);
    consumer.child.kill('SIGKILL');
    await consumer.exited;
    consumer = run('nats-consumer.ts', [servers, stream, prefix, 'cluster', audit, String(total), '3']);

    expect(await publisher.exited).toBe(0);
    expect(await consumer.exited).toBe(0);
    const published = publisher.lines().map((line) => line.split(' ')[0]);
    const received = await auditIds(audit);
    expect(published).toHaveLength(total);
    expect(new Set(received).size).toBe(received.length);
    expect([...received].sort()).toEqual([...published].sort());
    await nc.close();
  }, 240_000);
});
