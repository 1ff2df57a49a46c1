/**
 * `eventspec <command>`: the command line over the pipeline.
 * Exit codes: 0 ok, 1 diagnostics or stale output, 2 usage, 3 internal error (a bug in eventspec).
 */
import { fileProblemOf } from './files.ts';
import { OutputError } from '../pipeline/output.ts';
import { GeneratedCodeError } from '../pipeline/verify/generated-code-error.ts';
import { startVerifier, type Verifier } from '../pipeline/verify/verifier.ts';
import { CatalogueNotFound } from './find-catalogue.ts';
import { formatDiagnostics } from './format-diagnostics.ts';
import { runImport } from './import.ts';
import { EXIT, paints, processConsole, type Console } from './console.ts';
import { parse, UsageError, type Parsed } from './arguments.ts';
import { init, runBump, runDiff, ownPackage } from './catalogue-commands.ts';
import { run, runWatch, stopOnSignals } from './output-commands.ts';

export { EXIT, type Console } from './console.ts';
export { USAGE } from './arguments.ts';

/**
 * Runs the CLI; resolves to the exit code. Never throws for a user's mistake, and closes the
 * verifier (which the caller may have started early, to overlap it with start-up) on every path.
 */
export async function main(argv: readonly string[], io: Console = processConsole, verifier?: Verifier, stop?: AbortSignal, cwd: string = process.cwd()): Promise<number> {
  let started = verifier;
  try {
    let parsed: Parsed;
    try {
      parsed = parse(argv, cwd);
    } catch (error) {
      if (error instanceof UsageError || error instanceof CatalogueNotFound) {
        io.err(`eventspec: ${error.message}`);
        return EXIT.usage;
      }
      throw error;
    }
    switch (parsed.kind) {
      case 'help':
        io.out(parsed.text);
        return EXIT.ok;
      case 'version':
        io.out(ownPackage().version);
        return EXIT.ok;
      case 'init':
        return init(parsed.path, io);
      case 'lsp': {
        const { startServer } = await import('../lsp/server.ts');
        await startServer();
        return EXIT.ok;
      }
      case 'import':
        return runImport(parsed.request, io, (diagnostics, text) => formatDiagnostics(diagnostics, 'text', paints(io).err, () => text));
      case 'diff':
        return await runDiff(parsed, io, paints(io).err);
      case 'bump':
        return await runBump(parsed, io);
      case 'run': {
        const getVerifier = (): Verifier => (started ??= startVerifier());
        if (parsed.watch) {
          if (parsed.command !== 'generate') throw new UsageError('--watch goes with generate');
          return await runWatch(parsed.config, io, getVerifier, stop ?? stopOnSignals());
        }
        return await run(parsed.command, parsed.config, io, getVerifier);
      }
    }
    const unreachable: never = parsed;
    return unreachable;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`eventspec: ${error.message}`);
      return EXIT.usage;
    }
    if (error instanceof OutputError) {
      io.err(`eventspec: ${error.message}`);
      return EXIT.problems;
    }
    // The file system refused something (a read-only disk, a full one, a path that is a file):
    // the user's environment, not a bug.
    const problem = fileProblemOf(error);
    if (problem !== undefined) {
      io.err(`eventspec: ${problem.message}`);
      return EXIT.usage;
    }
    const detail = error instanceof GeneratedCodeError ? error.message : ((error as Error).stack ?? String(error));
    io.err(`eventspec: internal error (a bug in eventspec, not in your catalogue; please report it):\n${detail}`);
    return EXIT.internal;
  } finally {
    await started?.close();
  }
}
