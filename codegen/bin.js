#!/usr/bin/env node
// The `eventspec` command: it runs the compiled CLI in dist/. In the eventspec repository, where
// the TypeScript sources sit beside it, it runs them through tsx instead whenever they are newer
// than that build, so an edit is never shadowed by a stale build (published, it has no sources).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = new URL('./', import.meta.url);
const source = new URL('cli/bin.ts', here);
const built = new URL('dist/cli/bin.js', here);

function newestSource() {
  let newest = 0;
  for (const folder of ['cli', 'pipeline', 'diff', 'catalogue', 'templates', '../src']) {
    const dir = fileURLToPath(new URL(folder, here));
    if (!existsSync(dir)) continue;
    for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
      if (entry.isFile() && (/\.(ts|hbs)$/.test(entry.name) || (folder === 'templates' && /\.(css|js)$/.test(entry.name)))) newest = Math.max(newest, statSync(`${entry.parentPath ?? entry.path}/${entry.name}`).mtimeMs);
    }
  }
  return newest;
}

if (existsSync(source) && (!existsSync(built) || newestSource() > statSync(built).mtimeMs)) {
  const { register } = await import('tsx/esm/api');
  register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', here)) });
  await import(source.href);
} else {
  await import(built.href);
}
