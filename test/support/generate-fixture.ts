/**
 * Generates a fixture catalogue's code into a scratch directory inside this repository (so the
 * generated `eventspec` imports resolve as in a user's project) and imports its index.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateFiles } from '../../codegen/pipeline/generate.ts';
import { writeOutput } from '../../codegen/pipeline/output.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A scratch directory under `test/`, which `.gitignore` leaves out; the caller removes it. */
export function scratchDirectory(name: string): string {
  return mkdtempSync(join(ROOT, 'test', `.tmp-${name}-`));
}

/** Generates `catalogue` (YAML text) into `<dir>/generated` and returns that directory. */
export function generateInto(dir: string, catalogue: string, name = 'catalog.yaml'): string {
  const result = generateFiles(catalogue, { file: name, headerName: name });
  if (!result.ok) throw new Error(`the fixture does not lint: ${JSON.stringify(result.diagnostics, null, 2)}`);
  const out = join(dir, 'generated');
  writeOutput(out, result.files);
  return out;
}

/** Generates a fixture from `test/fixtures/` and imports its index module. */
export async function importFixture<T>(dir: string, fixture: string): Promise<T> {
  const out = generateInto(dir, readFileSync(join(ROOT, 'test', 'fixtures', fixture), 'utf8'), fixture);
  return (await import(pathToFileURL(join(out, 'index.ts')).href)) as T;
}

/**
 * Type-checks `<dir>/generated` (and any files there) under this repository's strict tsconfig
 * with the repository's TypeScript; returns what tsc printed (empty when it compiles).
 */
export function typecheckGenerated(dir: string): string {
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ extends: relative(dir, join(ROOT, 'tsconfig.json')), include: ['generated'], exclude: [] }));
  const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(dir, 'tsconfig.json'), '--checkers', '1'], { encoding: 'utf8' });
  return tsc.stdout + tsc.stderr;
}
