/** `eventspec generate --watch`, as a user runs it: a real process, real saves, Ctrl-C. */
import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { readOutput } from '../codegen/pipeline/output.ts';
import { CATALOGUE_PATH } from './support/catalogue.ts';
import { spawnCli } from './support/cli.ts';
import { until as waitUntil } from './support/until.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const scratch = mkdtempSync(join(ROOT, 'test', '.tmp-watch-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('eventspec generate --watch', () => {
  it('regenerates on every save, atomic renames included, reports mistakes, and stops on Ctrl-C', async () => {
    const catalogue = join(scratch, 'catalog.yaml');
    cpSync(CATALOGUE_PATH, catalogue);
    const original = readFileSync(catalogue, 'utf8');
    const child = spawnCli(scratch, ['generate', '--watch']);
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    const until = (check: () => boolean, what: string): Promise<void> => waitUntil(check, what, 20_000, () => `; stdout: ${out}; stderr: ${err}`);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

    await until(() => out.includes('watching catalog.yaml for changes'), 'the first run');
    expect(out).toMatch(/^generated 130 files for 38 events in 8 domains in \d+ ms\n/);

    // An editor's atomic save: write a temporary file, rename it over the catalogue.
    writeFileSync(join(scratch, '.catalog.yaml.swp'), original.replace('An agent or user drafted a new plan.', 'A plan was drafted.'));
    renameSync(join(scratch, '.catalog.yaml.swp'), catalogue);
    await until(() => out.split('\n').filter((line) => line.startsWith('generated 130 files')).length === 2, 'the regeneration after a rename');
    expect(readFileSync(join(scratch, 'generated', 'event-types.ts'), 'utf8')).toContain('/** A plan was drafted. */');

    // A mistake is reported with its location and leaves the output as it was.
    const before = readOutput(join(scratch, 'generated'));
    writeFileSync(catalogue, original.replace('maxLength: 200 }', 'maxLength: -1 }'));
    await until(() => err.includes('error invalid-keyword-value'), 'the diagnostic');
    expect(err).toMatch(/catalog\.yaml:\d+:\d+ error invalid-keyword-value/);
    expect(readOutput(join(scratch, 'generated'))).toEqual(before);

    writeFileSync(catalogue, original);
    await until(() => out.split('\n').filter((line) => line.startsWith('generated 130 files')).length === 3, 'the fix');

    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(out.trimEnd().endsWith('stopped watching')).toBe(true);
  }, 60_000);
});
