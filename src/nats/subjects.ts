/** NATS subjects of events, shared by the transport and the AsyncAPI export (no client needed). */

/** Subjects are `<prefix>.<event type>`; this is the prefix unless one is configured. */
export const DEFAULT_SUBJECT_PREFIX = 'events';

/** The subject of an event type: `events.plan.created`. */
export function subjectOf(prefix: string, type: string): string {
  return `${prefix}.${type}`;
}
