/**
 * The set-up the NATS tests share: one connection to the server of this machine (or
 * `$NATS_URL`) for the file, streams of each test's own, and all of them deleted afterwards.
 */
import type { NatsConnection } from '@nats-io/nats-core';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll } from 'vitest';

export const SERVER = process.env['NATS_URL'] ?? '127.0.0.1:4222';

export interface NatsTestKit {
  /** The file's connection (open between beforeAll and afterAll). */
  readonly nc: NatsConnection;
  /** A stream and subject tree no other test uses; with it, its dead-letter stream and the handled buckets of `durables`, deleted after the file. */
  isolated(durables?: readonly string[]): { stream: string; subjectPrefix: string };
}

/** Registers the file's beforeAll and afterAll; `letter` starts each stream's tag. */
export function natsTestKit(letter: string, cleanup: () => void = () => undefined): NatsTestKit {
  let connection: NatsConnection | undefined;
  const streams: string[] = [];
  beforeAll(async () => {
    connection = await connect({ servers: SERVER, maxReconnectAttempts: -1 });
  });
  afterAll(async () => {
    if (connection !== undefined) {
      const jsm = await jetstreamManager(connection);
      for (const stream of streams) await jsm.streams.delete(stream).catch(() => false);
      await connection.close();
    }
    cleanup();
  });
  return {
    get nc(): NatsConnection {
      if (connection === undefined) throw new Error('the NATS connection opens in beforeAll');
      return connection;
    },
    isolated(durables = []) {
      const tag = `${letter}${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
      streams.push(`S${tag}`, `S${tag}_DLQ`, ...durables.map((durable) => `KV_eventspec_handled_S${tag}_${durable}`));
      return { stream: `S${tag}`, subjectPrefix: tag };
    },
  };
}
