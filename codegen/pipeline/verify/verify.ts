/**
 * Stage 5: parse every rendered file with ts-morph before anything is written. A syntax error in
 * generated code is a bug in eventspec, never the user's: it aborts as an internal error.
 * Full type-checking of the output belongs to the test suite (it would cost seconds here).
 */
import { createRequire } from 'node:module';
import { assertParses } from './generated-code-error.ts';
import type { RenderedFiles } from '../render/files.ts';

// Loaded with require, not import: an ESM import of this CommonJS package scans the whole
// TypeScript compiler for export names first, which costs a tenth of a second on every run.
const { ts } = createRequire(import.meta.url)('ts-morph') as typeof import('ts-morph');

/**
 * The syntax errors of one file, as `path:line:column message`. Parsing goes straight to the
 * compiler that ts-morph carries: ts-morph's own wrappers would walk every node of a large output
 * again, for nothing a parse check needs. A file's syntax does not depend on the others, so each
 * is parsed as it comes.
 */
export function fileSyntaxErrors(path: string, text: string): string[] {
  if (!path.endsWith('.ts')) return [];
  const name = `/generated/${path}`;
  // JSDoc is not parsed: a comment cannot make the code around it fail to parse, and skipping
  // them saves a good part of a large output's parse.
  const source = ts.createSourceFile(name, text, { languageVersion: ts.ScriptTarget.ES2022, jsDocParsingMode: ts.JSDocParsingMode.ParseNone }, false, ts.ScriptKind.TS);
  const options: import('ts-morph').ts.CompilerOptions = { noLib: true, noResolve: true, target: ts.ScriptTarget.ES2022 };
  const host: import('ts-morph').ts.CompilerHost = {
    getSourceFile: (file) => (file === name ? source : undefined),
    getDefaultLibFileName: () => '/lib.d.ts',
    writeFile: () => undefined,
    getCurrentDirectory: () => '/',
    getCanonicalFileName: (file) => file,
    useCaseSensitiveFileNames: () => true,
    getNewLine: () => '\n',
    fileExists: (file) => file === name,
    readFile: () => undefined,
  };
  const program = ts.createProgram({ rootNames: [name], options, host });
  return program.getSyntacticDiagnostics(source).map((diagnostic) => {
    const { line, character } = source.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
    return `${path}:${line + 1}:${character + 1} ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
  });
}

/** Every syntax error in the files. */
export function syntaxErrors(files: RenderedFiles): string[] {
  return [...files].flatMap(([path, text]) => fileSyntaxErrors(path, text));
}

/** Throws `GeneratedCodeError` listing each syntax error, by file, line and column. */
export function verifyFiles(files: RenderedFiles): void {
  assertParses(syntaxErrors(files));
}
