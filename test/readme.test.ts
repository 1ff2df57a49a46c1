/**
 * The README as a manual stays true: each entry point's list of exports is what the entry point
 * exports, no more and no less, and the snippets marked `<!-- compiles:<file> -->` compile against
 * this repository's generated code under its strict tsconfig. (The quickstart and the
 * cross-process example run in the consumer tests, from the packed packages.)
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { Project } from 'ts-morph';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './support/generate-fixture.ts';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const ENTRY_POINTS: Record<string, string> = {
  eventspec: 'src/index.ts',
  'eventspec/payload': 'src/payload.ts',
  'eventspec/reactive': 'src/reactive-bus.ts',
  'eventspec/nats': 'src/nats/transport.ts',
  'eventspec/postgres': 'src/postgres/index.ts',
};
const scratch = mkdtempSync(join(ROOT, 'test', '.tmp-readme-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The names the README lists for `entry`: every backticked identifier of its section, after its bold title. */
function listedExports(entry: string): string[] {
  const start = readme.indexOf(`<!-- exports:${entry} -->`);
  expect(start, `the README's section for ${entry}`).toBeGreaterThan(-1);
  const end = readme.indexOf('<!-- ', start + 1);
  const section = readme.slice(readme.indexOf('\n', start), end).replace(`**\`${entry}\`**`, '');
  return [...section.matchAll(/`([A-Za-z_$][\w$]*)`/g)].map((match) => match[1] ?? '');
}

describe('the README', () => {
  it('lists every export of each entry point, once, and nothing else', () => {
    const project = new Project({ tsConfigFilePath: join(ROOT, 'tsconfig.json'), skipAddingFilesFromTsConfig: true });
    for (const [entry, path] of Object.entries(ENTRY_POINTS)) {
      const exported = [...project.addSourceFileAtPath(join(ROOT, path)).getExportedDeclarations().keys()].sort();
      const listed = listedExports(entry);
      expect(listed.filter((name, index) => listed.indexOf(name) !== index), `${entry}: listed twice`).toEqual([]);
      expect([...listed].sort(), entry).toEqual(exported);
    }
  });

  it('has runtime snippets that compile against the generated code as written', () => {
    const blocks = [...readme.matchAll(/<!-- compiles:(\S+) -->\n```ts\n([\s\S]*?)```/g)];
    expect(blocks.length).toBeGreaterThan(0);
    for (const [, file = '', code = ''] of blocks) {
      mkdirSync(dirname(join(scratch, file)), { recursive: true });
      writeFileSync(join(scratch, file), code);
    }
    symlinkSync(join(ROOT, 'generated'), join(scratch, 'generated'));
    writeFileSync(join(scratch, 'tsconfig.json'), JSON.stringify({ extends: relative(scratch, join(ROOT, 'tsconfig.json')), compilerOptions: { noUnusedLocals: false }, include: ['src'], exclude: [] }));
    const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(scratch, 'tsconfig.json'), '--checkers', '1'], { encoding: 'utf8' });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  });
});
