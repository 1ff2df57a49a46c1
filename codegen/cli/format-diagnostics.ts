/** Renders diagnostics for people (text), for tools (json) and for GitHub Actions annotations. */
import type { Diagnostic } from '../catalogue/diagnostics.ts';
import { paint, type Paint } from './color.ts';

export type DiagnosticFormat = 'text' | 'json' | 'github';
export const DIAGNOSTIC_FORMATS: readonly DiagnosticFormat[] = ['text', 'json', 'github'];

function formatText(diagnostic: Diagnostic, colors: Paint): string {
  const severity = diagnostic.severity === 'error' ? colors.red(diagnostic.severity) : colors.yellow(diagnostic.severity);
  const head = `${colors.bold(`${diagnostic.file}:${diagnostic.line}:${diagnostic.column}`)} ${severity} ${colors.dim(diagnostic.code)} ${diagnostic.message}`;
  return diagnostic.hint === undefined ? head : `${head}\n  ${colors.dim(`hint: ${diagnostic.hint}`)}`;
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
export function formatDiagnostics(diagnostics: readonly Diagnostic[], format: DiagnosticFormat, colors: Paint = paint(false)): string {
  switch (format) {
    case 'json':
      return JSON.stringify({ diagnostics }, null, 2);
    case 'github':
      return diagnostics.map(formatGithub).join('\n');
    case 'text':
      return diagnostics.map((diagnostic) => formatText(diagnostic, colors)).join('\n');
  }
}
