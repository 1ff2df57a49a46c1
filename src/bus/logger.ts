import { createRequire } from 'node:module';

/** The part of pino's API the runtime uses; a pino logger, or anything shaped like one, will do. */
export interface Logger {
  info(object: object, message?: string): void;
  warn(object: object, message?: string): void;
  error(object: object, message?: string): void;
  /** pino's: whether a line of this level would be written. When it says no, the bus builds none. */
  isLevelEnabled?(level: string): boolean;
}

/** A pino logger writing JSON lines to standard output, loaded only when `user` (what the error names) is given no logger. */
export function defaultLogger(user = 'a bus'): Logger {
  // pino is CommonJS; loading it on demand keeps it off the path of buses given a logger.
  const require = createRequire(import.meta.url);
  let pino: (options?: object) => Logger;
  try {
    pino = require('pino') as typeof pino;
  } catch (error) {
    // pino is an optional peer: say what to do, not "Cannot find module".
    if ((error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') throw new Error(`install pino to use ${user} without a \`logger\` (npm install pino), or pass a \`logger\` of your own`, { cause: error });
    throw error;
  }
  return pino();
}
