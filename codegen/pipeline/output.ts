/**
 * Stage 6, the only module that touches the output directory: compare it with rendered files
 * (for `check`), or replace it with them, all files or none (for `generate`).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { isGeneratedText, type RenderedFiles } from './render/files.ts';

/** The output directory cannot be used as asked; nothing was written. */
export class OutputError extends Error {
  override readonly name = 'OutputError';
}

/** Every file under `dir`, by `/`-separated relative path. */
export function readOutput(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  if (!existsSync(dir)) return files;
  const walk = (relative: string): void => {
    for (const entry of readdirSync(join(dir, relative), { withFileTypes: true })) {
      const path = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else files.set(path, readFileSync(join(dir, path), 'utf8'));
    }
  };
  walk('');
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export interface Drift {
  readonly changed: readonly { readonly path: string; readonly onDisk: string; readonly expected: string }[];
  readonly missing: readonly string[];
  readonly extra: readonly string[];
}

export function isFresh(drift: Drift): boolean {
  return drift.changed.length === 0 && drift.missing.length === 0 && drift.extra.length === 0;
}

/** How `actual` (on disk) differs from `expected` (rendered); cheap, no diffs computed. */
export function compareOutput(expected: RenderedFiles, actual: ReadonlyMap<string, string>): Drift {
  const changed: { path: string; onDisk: string; expected: string }[] = [];
  const missing: string[] = [];
  for (const [path, text] of expected) {
    const onDisk = actual.get(path);
    if (onDisk === undefined) missing.push(path);
    else if (onDisk !== text) changed.push({ path, onDisk, expected: text });
  }
  const extra = [...actual.keys()].filter((path) => !expected.has(path));
  return { changed, missing, extra };
}

/** How long one file's diff may take: two very different large files would otherwise take minutes. */
const DIFF_TIMEOUT_MS = 2000;

/** A unified diff of one changed file, or a note when the files are too different to diff in time. */
export function unifiedDiff(change: Drift['changed'][number], outName: string): string {
  const name = `${outName}/${change.path}`;
  const patch = createTwoFilesPatch(name, name, change.onDisk, change.expected, 'on disk', 'from the catalogue', { timeout: DIFF_TIMEOUT_MS });
  return patch ?? `--- ${name}\ton disk\n+++ ${name}\tfrom the catalogue\n(too different to show as a diff; run \`eventspec generate\` and compare)`;
}

/**
 * Replaces `dir` with exactly `files`. The new tree is written beside it and swapped in by rename,
 * so a failure part-way leaves the old output whole. Refuses a directory holding files that
 * eventspec did not generate, so a mistaken `--out` cannot delete anyone's work.
 */
export function writeOutput(dir: string, files: RenderedFiles, current: ReadonlyMap<string, string> = readOutput(dir)): 'written' | 'unchanged' {
  const foreign = [...current].filter(([path, text]) => !isGeneratedText(path, text)).map(([path]) => path);
  if (foreign.length > 0) {
    throw new OutputError(
      `${dir} holds files that eventspec did not generate (${foreign.slice(0, 5).join(', ')}${foreign.length > 5 ? ', …' : ''}); nothing was written. Choose an empty or generated-only --out directory.`,
    );
  }
  if (isFresh(compareOutput(files, current))) return 'unchanged';

  const staging = join(dirname(dir), `.${basename(dir)}.tmp-${process.pid}`);
  const retired = join(dirname(dir), `.${basename(dir)}.old-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  try {
    for (const [path, text] of files) {
      mkdirSync(dirname(join(staging, path)), { recursive: true });
      writeFileSync(join(staging, path), text);
    }
    if (existsSync(dir)) renameSync(dir, retired);
    renameSync(staging, dir);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(dir) && existsSync(retired)) renameSync(retired, dir);
    throw error;
  }
  rmSync(retired, { recursive: true, force: true });
  return 'written';
}
