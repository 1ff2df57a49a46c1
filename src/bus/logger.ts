import { createRequire } from 'node:module';

/** The part of pino's API the runtime uses; a pino logger, or anything shaped like one, will do. */
export interface Logger {
  info(object: object, message?: string): void;
  warn(object: object, message?: string): void;
  error(object: object, message?: string): void;
  /** pino's: whether a line of this level would be written. When it says no, the bus builds none. */
  isLevelEnabled?(level: string): boolean;
}

/** A pino logger writing JSON lines to standard output, loaded only when no logger is given. */
export function defaultLogger(): Logger {
  // pino is CommonJS; loading it on demand keeps it off the path of buses given a logger.
  const require = createRequire(import.meta.url);
  const pino = require('pino') as (options?: object) => Logger;
  return pino();
}
