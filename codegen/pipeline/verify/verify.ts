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
 * Every syntax error in the files, as `path:line:column message`. Parsing goes straight to the
 * compiler that ts-morph carries: ts-morph's own wrappers would walk every node of a large
 * output again, for nothing a parse check needs.
 */
export function syntaxErrors(files: RenderedFiles): string[] {
  const sources = new Map(
    [...files].filter(([path]) => path.endsWith('.ts')).map(([path, text]) => [`/generated/${path}`, ts.createSourceFile(`/generated/${path}`, text, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS)]),
  );
  const options: import('ts-morph').ts.CompilerOptions = { noLib: true, noResolve: true, target: ts.ScriptTarget.ES2022 };
  const host: import('ts-morph').ts.CompilerHost = {
    getSourceFile: (name) => sources.get(name),
    getDefaultLibFileName: () => '/lib.d.ts',
    writeFile: () => undefined,
    getCurrentDirectory: () => '/',
    getCanonicalFileName: (name) => name,
    useCaseSensitiveFileNames: () => true,
    getNewLine: () => '\n',
    fileExists: (name) => sources.has(name),
    readFile: () => undefined,
  };
  const program = ts.createProgram({ rootNames: [...sources.keys()], options, host });
  return [...sources.values()].flatMap((source) =>
    program.getSyntacticDiagnostics(source).map((diagnostic) => {
      const { line, character } = source.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
      return `${source.fileName.slice('/generated/'.length)}:${line + 1}:${character + 1} ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
    }),
  );
}

/** Throws `GeneratedCodeError` listing each syntax error, by file, line and column. */
export function verifyFiles(files: RenderedFiles): void {
  assertParses(syntaxErrors(files));
}
