// Bundled for a browser: the generated validators and the runtime's Node-free subpath only.
import { parsePayload, safeParsePayload } from 'eventspec/payload';
import { eventRegistry } from './generated/registry.js';

const good = parsePayload(eventRegistry, 'book.borrowed', { isbn: '9780141036144', member: { memberId: '3f0c7c3e-8b7a-4b59-9a8e-2c6e8d1f4a10' }, dueDays: 14 });
const bad = safeParsePayload(eventRegistry, 'book.borrowed', { isbn: '9780141036144', member: { memberId: 'nope' }, dueDays: 14 });
const redacted = eventRegistry['book.borrowed'].redact?.({ member: { memberId: 'm', email: 'ada@example.com' } }, () => 'hidden');
(globalThis as { result?: unknown }).result = { isbn: good.isbn, bad: bad.success ? '' : bad.error.issues.map((issue) => issue.path.join('.')).join(','), redacted };
