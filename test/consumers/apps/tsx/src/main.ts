// Run from TypeScript source by tsx, with no build step.
import { LoggingEventBus } from 'eventspec';
import { emitBookReturned, eventRegistry, type PayloadMap } from '../generated/index.js';

const bus = new LoggingEventBus<PayloadMap>({ registry: eventRegistry, logger: { info: () => undefined, warn: () => undefined, error: () => undefined } });
const event = emitBookReturned(bus, { isbn: '9780141036144', lateDays: 2 });
console.log(JSON.stringify({ type: event.type, version: event.version }));
