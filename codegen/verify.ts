/**
 * Stage 5: parse every rendered file with ts-morph before anything is written. A syntax error in
 * generated code is a bug in eventspec, never the user's: it aborts as an internal error.
 * Full type-checking of the output belongs to the test suite (it would cost seconds here).
 */
import { createRequire } from 'node:module';
import { assertParses } from './generated-code-error.ts';
import type { RenderedFiles } from './render/files.ts';

// Loaded with require, not import: an ESM import of this CommonJS package scans the whole
// TypeScript compiler for export names first, which costs a tenth of a second on every run.
const { Project, ts } = createRequire(import.meta.url)('ts-morph') as typeof import('ts-morph');

/** Every syntax error in the files, as `path:line:column message`. */
export function syntaxErrors(files: RenderedFiles): string[] {
  const project = new Project({
    useInMemoryFileSystem: true,
    skipFileDependencyResolution: true,
    compilerOptions: { noLib: true, noResolve: true, target: ts.ScriptTarget.ES2022 },
  });
  const sources = [...files].filter(([path]) => path.endsWith('.ts')).map(([path, text]) => project.createSourceFile(`/generated/${path}`, text));
  const program = project.getProgram().compilerObject;
  return sources.flatMap((source) =>
    program.getSyntacticDiagnostics(source.compilerNode).map((diagnostic) => {
      const { line, character } = source.compilerNode.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
      return `${source.getFilePath().slice('/generated/'.length)}:${line + 1}:${character + 1} ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
    }),
  );
}

/** Throws `GeneratedCodeError` listing each syntax error, by file, line and column. */
export function verifyFiles(files: RenderedFiles): void {
  assertParses(syntaxErrors(files));
}
