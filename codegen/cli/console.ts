/** Where the CLI writes, its exit codes, and how it reports: shared by every command. */
import type { Diagnostic } from '../catalogue/diagnostics.ts';
import { colorEnabled, paint, type Paint } from './color.ts';
import type { Config } from './config.ts';
import { formatDiagnostics } from './format-diagnostics.ts';

export const EXIT = { ok: 0, problems: 1, usage: 2, internal: 3 } as const;

/** Where the CLI writes, and whether each stream takes colour; tests pass their own to capture output. */
export interface Console {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly color?: { readonly out: boolean; readonly err: boolean };
}

export const processConsole: Console = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  color: { out: colorEnabled(process.stdout), err: colorEnabled(process.stderr) },
};

export function paints(io: Console): { out: Paint; err: Paint } {
  return { out: paint(io.color?.out === true), err: paint(io.color?.err === true) };
}

export function report(diagnostics: readonly Diagnostic[], config: Config, io: Console, text?: string): void {
  if (config.format === 'json') {
    io.out(formatDiagnostics(diagnostics, 'json'));
  } else if (diagnostics.length > 0) {
    if (config.format === 'github') io.out(formatDiagnostics(diagnostics, 'github'));
    else io.err(formatDiagnostics(diagnostics, 'text', paints(io).err, (file) => (file === config.catalogueName ? text : undefined)));
  }
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** Time since `since` (default: process start, so a one-off run's figure includes start-up, as users feel it). */
export function elapsed(since = 0): string {
  return `${Math.round(performance.now() - since)} ms`;
}
