#!/usr/bin/env node
// The `eventspec` command. It runs the compiled CLI that `npm ci` builds (the `prepare` script);
// when a source file is newer than that build, it runs the TypeScript source through tsx instead,
// so an edit is never shadowed by a stale build and there is no build step to remember.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const stamp = `${root}dist/.built`;

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && /\.(ts|hbs)$/.test(entry.name)) {
      newest = Math.max(newest, statSync(`${entry.parentPath ?? entry.path}/${entry.name}`).mtimeMs);
    }
  }
  return newest;
}

const built = existsSync(stamp) && statSync(stamp).mtimeMs >= Math.max(newestSource(`${root}codegen`), newestSource(`${root}src`));
const argv = process.argv.slice(2);
let load;
if (built) {
  load = (path) => import(`../dist/codegen/${path}.js`);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  load = (path) => import(`./${path}.ts`);
}
// Start loading the TypeScript compiler for the verify stage on another thread right away.
const { needsVerifier, startVerifier } = await load('verifier');
const verifier = needsVerifier(argv) ? startVerifier() : undefined;
const { main } = await load('cli');
process.exitCode = await main(argv, undefined, verifier);
