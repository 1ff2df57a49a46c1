/**
 * The real `eventspec` command, compiled from this repository's sources for this test run (see
 * built-commands.ts). The consumer tests run the packed and installed command instead.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams, type SpawnSyncReturns } from 'node:child_process';
import { BUILT_CLI } from './built-commands.ts';

// Colour is the test's to choose: none is inherited from the test runner's environment.
const { FORCE_COLOR: _force, NO_COLOR: _no, ...env } = process.env;

/** Runs `eventspec ...args` in `cwd` to its end (a minute at most: a command that hangs fails the test). */
export function runCli(cwd: string, args: readonly string[], extraEnv: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [BUILT_CLI, ...args], { cwd, env: { ...env, ...extraEnv }, encoding: 'utf8', timeout: 60_000 });
}

/** Starts `eventspec ...args` in `cwd` and leaves it running. */
export function spawnCli(cwd: string, args: readonly string[]): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [BUILT_CLI, ...args], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
}
