export type {
  DomainEvent,
  EventBus,
  EventDefinition,
  EventEmitterLike,
  EventHandler,
  EventMeta,
  EventRegistry,
  Unsubscribe,
} from './bus.ts';
export { FORMAT_CHECKS, isDate, isDateTime, isEmail, isUlid, isUri, isUuid } from './formats.ts';
export type { FormatName } from './formats.ts';
export {
  codePointLength,
  format,
  integer,
  jsonEqual,
  maxChars,
  minChars,
  multipleOf,
  uniqueItems,
} from './schema-checks.ts';
