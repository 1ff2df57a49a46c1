import type { Logger } from '../../src/index.ts';

export interface LogEntry {
  readonly level: 'info' | 'warn' | 'error';
  readonly object: object;
  readonly message: string | undefined;
}

/** A logger implementing the runtime's Logger interface that keeps every entry for assertions. */
export class CapturingLogger implements Logger {
  readonly entries: LogEntry[] = [];

  info(object: object, message?: string): void {
    this.entries.push({ level: 'info', object, message });
  }

  warn(object: object, message?: string): void {
    this.entries.push({ level: 'warn', object, message });
  }

  error(object: object, message?: string): void {
    this.entries.push({ level: 'error', object, message });
  }
}
