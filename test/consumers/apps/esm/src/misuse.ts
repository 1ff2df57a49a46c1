// What the types must refuse; each line would be an unused directive, and an error, if they did not.
import { LoggingEventBus, serviceBus } from 'eventspec';
import { defineUpcasters, emitBookBorrowed, eventRegistry, services, type PayloadMap } from '../generated/index.js';

const bus = new LoggingEventBus<PayloadMap>({ registry: eventRegistry, logger: { info: () => undefined, warn: () => undefined, error: () => undefined } });
// @ts-expect-error: a required field is missing
emitBookBorrowed(bus, { isbn: '9780141036144', dueDays: 3 });
// @ts-expect-error: a number where the ISBN string goes
emitBookBorrowed(bus, { isbn: 9780141036144, member: { memberId: 'x' }, dueDays: 3 });
// @ts-expect-error: no such event type
bus.emit('book.lost', {});
// @ts-expect-error: the step from version 1 of book.returned is missing
defineUpcasters({});
// @ts-expect-error: the step returns version 1's shape
defineUpcasters({ 'book.returned': { v1: (payload) => payload } });
// @ts-expect-error: the reminders service produces nothing
emitBookBorrowed(serviceBus(bus, services.reminders), { isbn: '9780141036144', member: { memberId: 'x' }, dueDays: 3 });
// @ts-expect-error: the circulation service consumes nothing
serviceBus(bus, services.circulation).subscribe('book.borrowed', () => undefined);
export {};
