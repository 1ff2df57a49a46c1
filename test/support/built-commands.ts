/**
 * The two packages compiled once per test run, for the tests that spawn their commands (the CLI,
 * `eventspec-nats`) hundreds of times: a compiled command starts in half the time tsx takes to
 * start the sources, which is most of those tests' cost on a 2-core machine. The build sits in
 * the same layout as an install (the CLI finds the runtime under node_modules by its package
 * name), inside this repository so that every other package resolves from its node_modules; the
 * repository's own dist/ folders are left to `npm pack`, which the consumer tests run meanwhile.
 * The type-check is `npm run typecheck`'s; this build only emits.
 */
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BUILD = join(ROOT, 'test', '.tmp-build');
const RUNTIME = join(BUILD, 'node_modules', 'eventspec');
const CLI = join(BUILD, 'codegen');

/** `eventspec`, compiled. */
export const BUILT_CLI = join(CLI, 'dist', 'cli', 'bin.js');
/** `eventspec-nats`, compiled. */
export const BUILT_NATS_CLI = join(RUNTIME, 'dist', 'nats', 'cli.js');

function emit(project: string, outDir: string): void {
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  execFileSync(process.execPath, [tsc, '-p', project, '--checkers', '1', '--noCheck', '--declaration', 'false', '--declarationMap', 'false', '--sourceMap', 'false', '--outDir', outDir], { cwd: ROOT, stdio: 'inherit' });
}

/** Compiles both packages afresh (a second or two). */
export function buildCommands(): void {
  rmSync(BUILD, { recursive: true, force: true });
  mkdirSync(RUNTIME, { recursive: true });
  mkdirSync(CLI, { recursive: true });
  emit(join(ROOT, 'src', 'tsconfig.build.json'), join(RUNTIME, 'dist'));
  cpSync(join(ROOT, 'src', 'package.json'), join(RUNTIME, 'package.json'));
  emit(join(ROOT, 'codegen', 'tsconfig.build.json'), join(CLI, 'dist'));
  for (const file of ['package.json', 'catalog.schema.json']) cpSync(join(ROOT, 'codegen', file), join(CLI, file));
  cpSync(join(ROOT, 'codegen', 'templates'), join(CLI, 'dist', 'templates'), { recursive: true });
}
