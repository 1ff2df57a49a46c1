/**
 * Stage 6, the only module that touches the output directory: compare it with rendered files
 * (for `check`), or replace it with them, all files or none (for `generate`).
 */
import { existsSync, linkSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { fileErrorReason } from './file-errors.ts';
import { isGeneratedText, type RenderedFiles } from './render/files.ts';

/** The output directory cannot be used as asked; nothing was written. */
export class OutputError extends Error {
  override readonly name = 'OutputError';
}

/**
 * The directory an `--out` path stands for: a symbolic link is followed (the output goes where it
 * points, and the link stays), anything other than a directory is refused.
 */
export function outputDirectory(dir: string): string {
  let stat;
  try {
    stat = statSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      // A dangling link would be replaced by a directory, and its target would never be written.
      if (lstatOrUndefined(dir)?.isSymbolicLink() === true) throw new OutputError(`${dir} is a symbolic link to ${readlinkSync(dir)}, which does not exist; create it or point --out elsewhere`);
      return dir;
    }
    throw error;
  }
  if (!stat.isDirectory()) throw new OutputError(`${dir} is a file, not a directory; point --out at a directory for the generated files`);
  return lstatOrUndefined(dir)?.isSymbolicLink() === true ? realpathSync(dir) : dir;
}

function lstatOrUndefined(path: string): ReturnType<typeof lstatSync> | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

/** Every file under `dir`, by `/`-separated relative path. */
export function readOutput(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const root = outputDirectory(dir);
  if (!existsSync(root)) return files;
  const walk = (relative: string): void => {
    for (const entry of readdirSync(join(root, relative), { withFileTypes: true })) {
      const path = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else files.set(path, readFileSync(join(root, path), 'utf8'));
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

const STAGING = /^\.(.+)\.(tmp|old)-(\d+)$/;

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * What a generate that was killed part-way left beside `dir`: its new tree (`.tmp-<pid>`) is
 * removed; its old tree (`.old-<pid>`) is put back when the kill came between the two renames
 * (so `dir` is missing), and removed otherwise. Those of a generate still running are left alone.
 */
function clearStaging(dir: string): void {
  const parent = dirname(dir);
  const name = basename(dir);
  let entries: string[];
  try {
    entries = readdirSync(parent);
  } catch {
    return;
  }
  for (const entry of entries.sort()) {
    const match = STAGING.exec(entry);
    if (match === null || match[1] !== name) continue;
    const pid = Number(match[3]);
    if (pid !== process.pid && isRunning(pid)) continue;
    const path = join(parent, entry);
    if (match[2] === 'old' && !existsSync(dir)) renameSync(path, dir);
    else rmSync(path, { recursive: true, force: true });
  }
}

function linked(existing: string, target: string): boolean {
  try {
    linkSync(existing, target);
    return true;
  } catch {
    return false;
  }
}

/**
 * Replaces `dir` with exactly `files`. The new tree is written beside it and swapped in by rename,
 * so a failure part-way leaves the old output whole (and a kill part-way is tidied by the next
 * run). Refuses a directory holding files that eventspec did not generate, so a mistaken `--out`
 * cannot delete anyone's work. A symbolic link is followed: the output is written where it points.
 */
export function writeOutput(outDir: string, files: RenderedFiles, current: ReadonlyMap<string, string> = readOutput(outDir)): 'written' | 'unchanged' {
  const dir = outputDirectory(outDir);
  const foreign = [...current].filter(([path, text]) => !isGeneratedText(path, text)).map(([path]) => path);
  if (foreign.length > 0) {
    throw new OutputError(
      `${outDir} holds files that eventspec did not generate (${foreign.slice(0, 5).join(', ')}${foreign.length > 5 ? ', …' : ''}); nothing was written. Choose an empty or generated-only --out directory.`,
    );
  }
  clearStaging(dir);
  if (isFresh(compareOutput(files, current))) return 'unchanged';

  const staging = join(dirname(dir), `.${basename(dir)}.tmp-${process.pid}`);
  const retired = join(dirname(dir), `.${basename(dir)}.old-${process.pid}`);
  try {
    // The staging folder on its own first: a recursive mkdir says ENOENT where the disk is read-only.
    mkdirSync(dirname(dir), { recursive: true });
    mkdirSync(staging);
    const folders = new Set<string>();
    for (const [path, text] of files) {
      const target = join(staging, path);
      if (!folders.has(dirname(target))) {
        mkdirSync(dirname(target), { recursive: true });
        folders.add(dirname(target));
      }
      // A file the same as the one it replaces is linked, not written again: a regenerated site
      // changes a few of its thousands of pages. Where links are refused, it is written.
      if (current.get(path) === text && linked(join(dir, path), target)) continue;
      writeFileSync(target, text);
    }
    if (existsSync(dir)) renameSync(dir, retired);
    renameSync(staging, dir);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(dir) && existsSync(retired)) renameSync(retired, dir);
    const reason = fileErrorReason(error);
    throw reason === undefined ? error : new OutputError(`cannot write ${outDir}: ${reason}; nothing was written`, { cause: error });
  }
  rmSync(retired, { recursive: true, force: true });
  return 'written';
}
