/** Renders diagnostics for people (text), for tools (json) and for GitHub Actions annotations. */
import type { Diagnostic } from '../catalogue/diagnostics.ts';
import { paint, type Paint } from './color.ts';

export type DiagnosticFormat = 'text' | 'json' | 'github';
export const DIAGNOSTIC_FORMATS: readonly DiagnosticFormat[] = ['text', 'json', 'github'];

/** The text of each file diagnostics name, for the code frame under each; absent, no frame. */
export type SourceText = (file: string) => string | undefined;

const MAX_FRAME = 100;
/** A key, a plain or quoted scalar, or else one character: what a caret line underlines. */
const TOKEN = /^(?:"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s:,{}[\]#]+)/;

/**
 * The line a diagnostic points at and a caret line under its token:
 * `   6 |     descripton: Created.` / `     |     ^^^^^^^^^^`. Control characters and line or
 * paragraph separators print as spaces, so the frame stays two lines; long lines are cut
 * around the column.
 */
export function codeFrame(text: string, line: number, column: number, colors: Paint): string | undefined {
  const raw = text.split(/\r?\n/)[line - 1];
  if (raw === undefined || raw.trim() === '') return undefined;
  const clean = raw.replace(/[\u0000-\u0008\u000b-\u001f\u007f\u0085\u2028\u2029]/g, ' ');
  const at = Math.max(0, Math.min(column - 1, clean.length));
  const start = at > MAX_FRAME - 20 ? at - 20 : 0;
  const shown = clean.slice(start, start + MAX_FRAME);
  const length = Math.max(1, Math.min((TOKEN.exec(clean.slice(at))?.[0] ?? ' ').length, shown.length - (at - start)));
  const gutter = String(line).padStart(4);
  // Tabs stay tabs under the line, so the carets land where the characters are.
  const pad = shown.slice(0, at - start).replace(/[^\t]/g, ' ');
  return `${colors.dim(`${gutter} |`)} ${start > 0 ? '…' : ''}${shown}\n${colors.dim(`${' '.repeat(gutter.length)} |`)} ${start > 0 ? ' ' : ''}${pad}${colors.red('^'.repeat(length))}`;
}

function formatText(diagnostic: Diagnostic, colors: Paint, source: SourceText | undefined): string {
  const severity = diagnostic.severity === 'error' ? colors.red(diagnostic.severity) : colors.yellow(diagnostic.severity);
  const head = `${colors.bold(`${diagnostic.file}:${diagnostic.line}:${diagnostic.column}`)} ${severity} ${colors.dim(diagnostic.code)} ${diagnostic.message}`;
  const text = source?.(diagnostic.file);
  const frame = text === undefined ? undefined : codeFrame(text, diagnostic.line, diagnostic.column, colors);
  return [head, ...(frame === undefined ? [] : [frame]), ...(diagnostic.hint === undefined ? [] : [`  ${colors.dim(`hint: ${diagnostic.hint}`)}`])].join('\n');
}

/** A GitHub Actions workflow command (`::error file=…,line=…::message`), shown inline on a pull request. */
export interface Annotation {
  readonly level: 'error' | 'warning' | 'notice';
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
  readonly title: string;
  readonly message: string;
}

// GitHub's workflow commands need %, CR and LF escaped in the message, and also , and : in properties.
function escapeGithubData(text: string): string {
  return text.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
}
function escapeGithubProperty(text: string): string {
  return escapeGithubData(text).replaceAll(':', '%3A').replaceAll(',', '%2C');
}

export function formatAnnotation(annotation: Annotation): string {
  const where = [`file=${escapeGithubProperty(annotation.file)}`, ...(annotation.line === undefined ? [] : [`line=${annotation.line}`]), ...(annotation.column === undefined ? [] : [`col=${annotation.column}`])];
  return `::${annotation.level} ${[...where, `title=${escapeGithubProperty(annotation.title)}`].join(',')}::${escapeGithubData(annotation.message)}`;
}

function formatGithub(diagnostic: Diagnostic): string {
  const message = diagnostic.hint === undefined ? diagnostic.message : `${diagnostic.message} (hint: ${diagnostic.hint})`;
  return formatAnnotation({ level: diagnostic.severity === 'error' ? 'error' : 'warning', file: diagnostic.file, line: diagnostic.line, column: diagnostic.column, title: `eventspec ${diagnostic.code}`, message });
}

/** One string with every diagnostic, ready to print (empty when there are none, except for json). */
export function formatDiagnostics(diagnostics: readonly Diagnostic[], format: DiagnosticFormat, colors: Paint = paint(false), source?: SourceText): string {
  switch (format) {
    case 'json':
      return JSON.stringify({ diagnostics }, null, 2);
    case 'github':
      return diagnostics.map(formatGithub).join('\n');
    case 'text':
      return diagnostics.map((diagnostic) => formatText(diagnostic, colors, source)).join('\n');
  }
}
