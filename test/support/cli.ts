/**
 * The real `eventspec` command, from this repository's sources (tsx, which resolves the runtime's
 * package name through tsconfig.json's `paths` wherever the command runs). The consumer tests run
 * the packed and installed command instead.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams, type SpawnSyncReturns } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './generate-fixture.ts';

export const CLI_SOURCE = join(ROOT, 'codegen', 'cli', 'bin.ts');
// Colour is the test's to choose: none is inherited from the test runner's environment.
const { FORCE_COLOR: _force, NO_COLOR: _no, ...inherited } = process.env;
const env = { ...inherited, TSX_TSCONFIG_PATH: join(ROOT, 'tsconfig.json') };

/** Runs `eventspec ...args` in `cwd` to its end (a minute at most: a command that hangs fails the test). */
export function runCli(cwd: string, args: readonly string[], extraEnv: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, ['--import', 'tsx', CLI_SOURCE, ...args], { cwd, env: { ...env, ...extraEnv }, encoding: 'utf8', timeout: 60_000 });
}

/** Starts `eventspec ...args` in `cwd` and leaves it running. */
export function spawnCli(cwd: string, args: readonly string[]): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ['--import', 'tsx', CLI_SOURCE, ...args], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
}
