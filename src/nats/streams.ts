/**
 * The JetStream streams events live in: the event stream (`<prefix>.>`) and its dead-letter
 * stream (`<prefix>-dlq.>`), with retention, replicas and a duplicate window. An existing stream
 * configured differently is reported, and changed only when asked.
 */
import { nanos, type NatsConnection } from '@nats-io/nats-core';
import { jetstreamManager, RetentionPolicy, StorageType, type JetStreamManager, type StreamConfig, type StreamInfo } from '@nats-io/jetstream';
import { retryTransient } from './retry.ts';
import { DEFAULT_SUBJECT_PREFIX } from './subjects.ts';

const DAY_MS = 86_400_000;

export interface StreamOptions {
  /** The JetStream stream (default `EVENTS`); its dead letters go to `<stream>_DLQ`. */
  readonly stream?: string;
  /** Subjects are `<subjectPrefix>.<event type>` (default `events`). */
  readonly subjectPrefix?: string;
  /** How long the stream remembers message ids to drop duplicates (default 2 minutes). */
  readonly duplicateWindowMs?: number;
  /** How long the stream keeps an event (default 7 days; 0 keeps it for as long as `maxBytes` allows). */
  readonly maxAgeMs?: number;
  /** The most bytes the stream holds before the oldest events go (default -1: no limit). */
  readonly maxBytes?: number;
  /** How long the dead-letter stream keeps a message (default 30 days). */
  readonly deadLetterMaxAgeMs?: number;
  /** Copies of each stream across a cluster (default 1; 3 on a three-node cluster). */
  readonly replicas?: number;
  /**
   * An existing stream whose settings differ from these: `error` (the default) refuses to start
   * and names every difference; `update` changes the stream to these settings.
   */
  readonly onStreamMismatch?: 'error' | 'update';
}

/** Every stream setting, defaults applied. */
export interface ResolvedStreams {
  readonly stream: string;
  readonly prefix: string;
  readonly deadLetterStream: string;
  readonly deadLetterPrefix: string;
  readonly duplicateWindowMs: number;
  readonly maxAgeMs: number;
  readonly maxBytes: number;
  readonly deadLetterMaxAgeMs: number;
  readonly replicas: number;
  readonly onStreamMismatch: 'error' | 'update';
}

export function resolveStreams(options: StreamOptions): ResolvedStreams {
  const stream = options.stream ?? 'EVENTS';
  const prefix = options.subjectPrefix ?? DEFAULT_SUBJECT_PREFIX;
  return {
    stream,
    prefix,
    deadLetterStream: `${stream}_DLQ`,
    deadLetterPrefix: `${prefix}-dlq`,
    duplicateWindowMs: options.duplicateWindowMs ?? 120_000,
    maxAgeMs: options.maxAgeMs ?? 7 * DAY_MS,
    maxBytes: options.maxBytes ?? -1,
    deadLetterMaxAgeMs: options.deadLetterMaxAgeMs ?? 30 * DAY_MS,
    replicas: options.replicas ?? 1,
    onStreamMismatch: options.onStreamMismatch ?? 'error',
  };
}

/** An existing stream does not have the settings asked for, and was not to be changed. */
export class StreamConfigError extends Error {
  override readonly name = 'StreamConfigError';
  readonly stream: string;
  readonly differences: readonly string[];

  constructor(stream: string, differences: readonly string[], hint: string) {
    super(`stream ${stream} exists with other settings: ${differences.join('; ')}. ${hint}`);
    this.stream = stream;
    this.differences = differences;
  }
}

/** What `ensureStreams` found and did for one stream. */
export interface StreamReport {
  readonly stream: string;
  readonly action: 'created' | 'unchanged' | 'updated';
  /** The settings that differed (before an update), as `max_age 0s, wanted 7d`. */
  readonly differences: readonly string[];
}

type Wanted = Pick<StreamConfig, 'name' | 'subjects' | 'duplicate_window' | 'max_age' | 'max_bytes' | 'num_replicas'>;

function wantedStreams(resolved: ResolvedStreams): Wanted[] {
  const common = { duplicate_window: nanos(resolved.duplicateWindowMs), max_bytes: resolved.maxBytes, num_replicas: resolved.replicas };
  return [
    { name: resolved.stream, subjects: [`${resolved.prefix}.>`], max_age: nanos(resolved.maxAgeMs), ...common },
    { name: resolved.deadLetterStream, subjects: [`${resolved.deadLetterPrefix}.>`], max_age: nanos(resolved.deadLetterMaxAgeMs), ...common },
  ];
}

function duration(nanoseconds: number): string {
  const ms = nanoseconds / 1e6;
  if (ms === 0) return 'none';
  if (ms % DAY_MS === 0) return `${ms / DAY_MS}d`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/** What differs between a stream and the settings wanted for it; the first list cannot be changed by an update. */
function differences(config: StreamConfig, wanted: Wanted): { fixed: string[]; changeable: string[] } {
  const fixed: string[] = [];
  if (config.storage !== 'file') fixed.push(`storage ${config.storage}, wanted file`);
  if (config.retention !== 'limits') fixed.push(`retention ${config.retention}, wanted limits`);
  const changeable: string[] = [];
  const missing = (wanted.subjects ?? []).filter((subject) => !(config.subjects ?? []).includes(subject));
  if (missing.length > 0) changeable.push(`subjects ${(config.subjects ?? []).join(', ')}, wanted also ${missing.join(', ')}`);
  if (config.max_age !== wanted.max_age) changeable.push(`max_age ${duration(config.max_age)}, wanted ${duration(wanted.max_age ?? 0)}`);
  if (config.max_bytes !== wanted.max_bytes) changeable.push(`max_bytes ${config.max_bytes}, wanted ${wanted.max_bytes ?? -1}`);
  if (config.num_replicas !== wanted.num_replicas) changeable.push(`replicas ${config.num_replicas}, wanted ${wanted.num_replicas ?? 1}`);
  if (config.duplicate_window !== wanted.duplicate_window) changeable.push(`duplicate_window ${duration(config.duplicate_window ?? 0)}, wanted ${duration(wanted.duplicate_window ?? 0)}`);
  return { fixed, changeable };
}

async function streamInfo(jsm: JetStreamManager, name: string): Promise<StreamInfo | undefined> {
  try {
    return await retryTransient(() => jsm.streams.info(name));
  } catch (error) {
    if (/stream not found/i.test((error as Error).message)) return undefined;
    throw error;
  }
}

/**
 * Creates the event stream and its dead-letter stream, or checks that they have the settings
 * asked for (file storage, limits retention, the subject tree, retention limits, replicas, the
 * duplicate window). A stream that differs is updated when `onStreamMismatch` is `update`;
 * otherwise `StreamConfigError` names each difference. Storage and retention cannot be changed.
 */
export async function ensureStreams(connection: NatsConnection | JetStreamManager, options: StreamOptions = {}): Promise<StreamReport[]> {
  const jsm = 'streams' in connection ? connection : await retryTransient(() => jetstreamManager(connection));
  const resolved = resolveStreams(options);
  const reports: StreamReport[] = [];
  for (const wanted of wantedStreams(resolved)) {
    const info = await streamInfo(jsm, wanted.name);
    if (info === undefined) {
      await retryTransient(() => jsm.streams.add({ ...wanted, storage: StorageType.File, retention: RetentionPolicy.Limits }));
      reports.push({ stream: wanted.name, action: 'created', differences: [] });
      continue;
    }
    const { fixed, changeable } = differences(info.config, wanted);
    if (fixed.length > 0) throw new StreamConfigError(wanted.name, [...fixed, ...changeable], 'Storage and retention cannot be changed: use another stream name, or remove this stream.');
    if (changeable.length === 0) {
      reports.push({ stream: wanted.name, action: 'unchanged', differences: [] });
      continue;
    }
    if (resolved.onStreamMismatch !== 'update') throw new StreamConfigError(wanted.name, changeable, "Pass onStreamMismatch: 'update' to change it, or configure the transport as the stream is.");
    const subjects = [...new Set([...(info.config.subjects ?? []), ...(wanted.subjects ?? [])])];
    await retryTransient(() => jsm.streams.update(wanted.name, { ...info.config, ...wanted, subjects }));
    reports.push({ stream: wanted.name, action: 'updated', differences: changeable });
  }
  return reports;
}
