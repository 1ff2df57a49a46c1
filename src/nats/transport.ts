/**
 * Events across processes on NATS JetStream (entry point `eventspec/nats`): a publisher, a
 * durable consumer into a local bus, the streams they share, and the record of handled events
 * that keeps handlers from seeing an event twice. See each module for its guarantees.
 */
export { ensureStreams, resolveStreams, StreamConfigError } from './streams.ts';
export type { ResolvedStreams, StreamOptions, StreamReport } from './streams.ts';
export { NatsEventPublisher, REDACTED_HEADER } from './publisher.ts';
export type { PublisherOptions, RedactOnPublish } from './publisher.ts';
export type { StoreRedacted } from '../audit/redacted.ts';
export { AuditRelay } from './relay.ts';
export type { RelayCloseOptions, RelayOptions, RelayStatus, TrailGap, TrailPosition } from './relay.ts';
export { NatsEventConsumer, StreamNotFoundError, subjectFilters } from './consumer.ts';
export type { ConsumerOptions, EventSelection, IngestTarget, StopOptions } from './consumer.ts';
export { DEAD_LETTER_HEADERS, DeadLetters } from './dead-letters.ts';
export type { DeadLetter, DeadLetterInfo } from './dead-letters.ts';
export { FileHandledEvents, handledKey, KvHandledEvents, MemoryHandledEvents } from './handled.ts';
export type { FileHandledEventsOptions, HandledEvents, KvHandledEventsOptions } from './handled.ts';
export { DEFAULT_SUBJECT_PREFIX, subjectOf } from './subjects.ts';
export type { TraceContext } from '../events/trace-context.ts';
