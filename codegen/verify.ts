/**
 * Stage 5: parse every rendered file with ts-morph before anything is written. A syntax error in
 * generated code is a bug in eventspec, never the user's: it aborts as an internal error.
 * Full type-checking of the output belongs to the test suite (it would cost seconds here).
 */
import { Project, ts } from 'ts-morph';
import type { RenderedFiles } from './render/files.ts';

export class GeneratedCodeError extends Error {
  override readonly name = 'GeneratedCodeError';
}

/** Throws `GeneratedCodeError` listing each syntax error, by file, line and column. */
export function verifyFiles(files: RenderedFiles): void {
  const project = new Project({
    useInMemoryFileSystem: true,
    skipFileDependencyResolution: true,
    compilerOptions: { noLib: true, noResolve: true, target: ts.ScriptTarget.ES2022 },
  });
  const sources = [...files].map(([path, text]) => project.createSourceFile(`/generated/${path}`, text));
  const program = project.getProgram().compilerObject;
  const problems = sources.flatMap((source) =>
    program.getSyntacticDiagnostics(source.compilerNode).map((diagnostic) => {
      const { line, character } = source.compilerNode.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
      return `${source.getFilePath().slice('/generated/'.length)}:${line + 1}:${character + 1} ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
    }),
  );
  if (problems.length > 0) {
    throw new GeneratedCodeError(`eventspec produced code that does not parse (a bug in eventspec, please report it):\n${problems.join('\n')}`);
  }
}
