// An ESM TypeScript app, compiled by tsc and run by plain node.
import { EventValidationError, LoggingEventBus, MemoryAuditSink, parsePayload, safeParsePayload, serviceBus } from 'eventspec';
import { ReactiveEventBus } from 'eventspec/reactive';
import { defineUpcasters, emitBookBorrowed, eventRegistry, services, type BookBorrowedPayload, type PayloadMap } from '../generated/index.js';

const lines: string[] = [];
const logger = { info: (entry: object) => void lines.push(JSON.stringify(entry)), warn: () => undefined, error: () => undefined };
const audit = new MemoryAuditSink();
const logging = new LoggingEventBus<PayloadMap>({ registry: eventRegistry, audit, logger });
const reactive = new ReactiveEventBus<PayloadMap>({ registry: eventRegistry, logger });
const seen: string[] = [];
reactive.on('book.borrowed').subscribe((event) => seen.push(event.payload.isbn));

// The catalogue's services: the reminders service receives the member's email redacted, typed so.
const reminded: string[] = [];
serviceBus(logging, services.reminders).subscribe('book.borrowed', (event) => {
  const email: '[REDACTED]' | undefined = event.payload.member.email;
  reminded.push(`${event.payload.isbn}:${email ?? ''}`);
});
const circulation = serviceBus(logging, services.circulation);

const payload: BookBorrowedPayload = { isbn: '9780141036144', member: { memberId: '3f0c7c3e-8b7a-4b59-9a8e-2c6e8d1f4a10', email: 'ada@example.com' }, dueDays: 21, tags: [['classic']] };
const logged = emitBookBorrowed(circulation, payload);
emitBookBorrowed(reactive, payload);
let rejected = '';
try {
  emitBookBorrowed(logging, { ...payload, dueDays: 0 });
} catch (error) {
  if (error instanceof EventValidationError) rejected = error.issues.map((issue) => issue.path.join('.')).join(',');
}
// Untrusted input, typed by the event's name.
const parsed: BookBorrowedPayload = parsePayload(eventRegistry, 'book.borrowed', JSON.parse(JSON.stringify(payload)));
const refused = safeParsePayload(eventRegistry, 'book.returned', { isbn: '9780141036144' });

// A version 1 event from an older deployment, delivered as version 2.
const upcaster = defineUpcasters({ 'book.returned': { v1: ({ late, ...rest }) => ({ ...rest, lateDays: late ? 1 : 0 }) } });
const upcasting = new LoggingEventBus<PayloadMap>({ registry: eventRegistry, upcaster, logger: { info: () => undefined, warn: () => undefined, error: () => undefined } });
const returned: string[] = [];
upcasting.subscribe('book.returned', (event) => void returned.push(`v${event.writtenVersion ?? event.version}→v${event.version}:${event.payload.lateDays}`));
await upcasting.ingest({ id: 'old-1', type: 'book.returned', domain: 'book', timestamp: '2026-01-01T00:00:00.000Z', correlationId: 'old-1', version: 1, payload: { isbn: '9780141036144', late: true } });

console.log(JSON.stringify({
  returned,
  reminded,
  logged: lines.length,
  secretInLog: lines.join('').includes('ada@example.com'),
  seen,
  rejected,
  parsed: parsed.isbn,
  refused: refused.success ? '' : refused.error.issues.map((issue) => issue.path.join('.')).join(','),
  audited: audit.events.length,
  id: logged.id.length,
  returnedVersion: eventRegistry['book.returned'].version,
}));
