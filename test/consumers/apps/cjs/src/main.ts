// A CommonJS app: compiled to require() calls, the generated code included.
import { EventValidationError, LoggingEventBus } from 'eventspec';
import { emitBookBorrowed, eventRegistry, type PayloadMap } from '../generated/index.js';

const lines: string[] = [];
const bus = new LoggingEventBus<PayloadMap>({ registry: eventRegistry, logger: { info: (entry: object) => void lines.push(JSON.stringify(entry)), warn: () => undefined, error: () => undefined } });
const event = emitBookBorrowed(bus, { isbn: '9780141036144', member: { memberId: '3f0c7c3e-8b7a-4b59-9a8e-2c6e8d1f4a10' }, dueDays: 7, format: 'ebook' });
let rejected = '';
try {
  emitBookBorrowed(bus, { isbn: '123', member: { memberId: '3f0c7c3e-8b7a-4b59-9a8e-2c6e8d1f4a10' }, dueDays: 7 });
} catch (error) {
  if (error instanceof EventValidationError) rejected = error.issues.map((issue) => issue.path.join('.')).join(',');
}
console.log(JSON.stringify({ module: typeof module, type: event.type, logged: lines.length, rejected }));
