// What the types must refuse; each line would be an unused directive, and an error, if they did not.
import { LoggingEventBus } from 'eventspec';
import { emitBookBorrowed, eventRegistry, type PayloadMap } from '../generated/index.js';

const bus = new LoggingEventBus<PayloadMap>({ registry: eventRegistry, logger: { info: () => undefined, warn: () => undefined, error: () => undefined } });
// @ts-expect-error: a required field is missing
emitBookBorrowed(bus, { isbn: '9780141036144', dueDays: 3 });
// @ts-expect-error: a number where the ISBN string goes
emitBookBorrowed(bus, { isbn: 9780141036144, member: { memberId: 'x' }, dueDays: 3 });
// @ts-expect-error: no such event type
bus.emit('book.lost', {});
export {};
