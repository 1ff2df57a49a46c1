/**
 * Replay: an audit file fed through the upcasters into a bus, to rebuild a projection (a read
 * model, a search index) from the trail. Each event reaches the bus's handlers at the current
 * version, as `ingest` delivers it, and is not recorded again.
 */
import { stat } from 'node:fs/promises';
import type { BaseEventBus } from '../bus/bus-core.ts';
import { readAuditEvents, type ReadAuditOptions } from './read.ts';

export interface ReplayProgress {
  /** Events delivered so far. */
  readonly events: number;
  /** Of those, events written under an earlier version and upcast. */
  readonly upcast: number;
  /** Events at least one handler failed on (each also went to the bus's `onHandlerError`). */
  readonly failed: number;
  readonly bytesRead: number;
  /** The file's size when the replay started. */
  readonly totalBytes: number;
}

/** `upcaster` defaults to the bus's own. */
export interface ReplayOptions<M> extends ReadAuditOptions<M> {
  /** Hears how far the replay is, every `progressEvery` events and once at the end. */
  readonly onProgress?: (progress: ReplayProgress) => void;
  /** Events between progress reports (default 10,000). */
  readonly progressEvery?: number;
  /** Stops the replay after the event in hand; the report says how far it got. */
  readonly signal?: AbortSignal;
  /** How long each event's handlers may take before they count as failed (default: the bus's `handlerTimeoutMs`). */
  readonly handlerTimeoutMs?: number;
}

export interface ReplayReport extends ReplayProgress {
  /** False when `signal` stopped the replay before the end of the file. */
  readonly complete: boolean;
}

/**
 * Delivers every event of an audit file, in order, to the bus's handlers (`bus.ingest` with
 * `audit: false`), upcast to the current version; resolves with counts once every handler has
 * settled. A damaged record, or an event that cannot be read or upcast, rejects with
 * `AuditReadError` naming its line: the events before it have been delivered.
 */
export async function replayAudit<M>(path: string, bus: BaseEventBus<M>, options: ReplayOptions<M> = {}): Promise<ReplayReport> {
  const totalBytes = (await stat(path)).size;
  const every = Math.max(1, options.progressEvery ?? 10_000);
  let events = 0;
  let upcast = 0;
  let failed = 0;
  let bytesRead = 0;
  const progress = (): ReplayProgress => ({ events, upcast, failed, bytesRead, totalBytes });
  const upcaster = options.upcaster ?? bus.upcaster;
  for await (const { event, record } of readAuditEvents(path, bus.registry, { ...options, ...(upcaster === undefined ? {} : { upcaster }) })) {
    if (options.signal?.aborted === true) return { ...progress(), complete: false };
    const failures = await bus.ingest(event, { audit: false, ...(options.handlerTimeoutMs === undefined ? {} : { timeoutMs: options.handlerTimeoutMs }) });
    events++;
    if (event.writtenVersion !== undefined) upcast++;
    if (failures.length > 0) failed++;
    bytesRead = record.bytesRead;
    if (events % every === 0) options.onProgress?.(progress());
  }
  bytesRead = totalBytes;
  options.onProgress?.(progress());
  return { ...progress(), complete: true };
}
