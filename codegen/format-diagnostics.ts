/** Renders diagnostics for people (text), for tools (json) and for GitHub Actions annotations. */
import type { Diagnostic } from './diagnostics.ts';

export type DiagnosticFormat = 'text' | 'json' | 'github';
export const DIAGNOSTIC_FORMATS: readonly DiagnosticFormat[] = ['text', 'json', 'github'];

function formatText(diagnostic: Diagnostic): string {
  const head = `${diagnostic.file}:${diagnostic.line}:${diagnostic.column} ${diagnostic.severity} ${diagnostic.code} ${diagnostic.message}`;
  return diagnostic.hint === undefined ? head : `${head}\n  hint: ${diagnostic.hint}`;
}

// GitHub's workflow commands need %, CR and LF escaped in the message, and also , and : in properties.
function escapeGithubData(text: string): string {
  return text.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
}
function escapeGithubProperty(text: string): string {
  return escapeGithubData(text).replaceAll(':', '%3A').replaceAll(',', '%2C');
}

function formatGithub(diagnostic: Diagnostic): string {
  const level = diagnostic.severity === 'error' ? 'error' : 'warning';
  const message = diagnostic.hint === undefined ? diagnostic.message : `${diagnostic.message} (hint: ${diagnostic.hint})`;
  return `::${level} file=${escapeGithubProperty(diagnostic.file)},line=${diagnostic.line},col=${diagnostic.column},title=${escapeGithubProperty(`eventspec ${diagnostic.code}`)}::${escapeGithubData(message)}`;
}

/** One string with every diagnostic, ready to print (empty when there are none, except for json). */
export function formatDiagnostics(diagnostics: readonly Diagnostic[], format: DiagnosticFormat): string {
  switch (format) {
    case 'json':
      return JSON.stringify({ diagnostics }, null, 2);
    case 'github':
      return diagnostics.map(formatGithub).join('\n');
    case 'text':
      return diagnostics.map(formatText).join('\n');
  }
}
