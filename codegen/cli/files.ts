/**
 * The CLI's dealings with the file system, in the user's words: a path that is not what the
 * command needs, or an operation the system refused, is a one-line message naming the path and
 * the reason, never "internal error" with a stack.
 */
import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import { fileErrorReason } from '../pipeline/file-errors.ts';

/** The file system refused what the command needed; nothing was written. */
export class FileProblem extends Error {
  override readonly name = 'FileProblem';
}

/** The user's version of a file system error (`cannot write generated/x.ts: the file system is read-only`), or undefined for any other error. */
export function fileProblemOf(error: unknown): FileProblem | undefined {
  if (error instanceof FileProblem) return error;
  const reason = fileErrorReason(error);
  if (reason === undefined) return undefined;
  const { syscall, path } = error as NodeJS.ErrnoException;
  const verb = syscall === undefined ? 'use' : /^(open|read|stat|lstat|scandir|realpath)/.test(syscall) ? 'read' : 'write';
  return new FileProblem(`cannot ${verb} ${path ?? 'a file'}: ${reason}`);
}

/**
 * The text of a regular file. A FIFO, a device (`/dev/zero`) or a directory is refused before
 * it is read, so a mistaken path can never hang the command or fill its memory.
 */
export function readRegularFile(path: string, shownAs: string): string {
  let fd: number;
  try {
    // Non-blocking, so that opening a FIFO without a writer returns at once.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw new FileProblem(`cannot read ${shownAs}: ${fileErrorReason(error) ?? (error as Error).message}`);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) {
      const kind = stat.isDirectory() ? 'a directory' : stat.isFIFO() ? 'a named pipe' : stat.isCharacterDevice() || stat.isBlockDevice() ? 'a device' : stat.isSocket() ? 'a socket' : 'not a regular file';
      throw new FileProblem(`cannot read ${shownAs}: it is ${kind}, not a regular file`);
    }
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}
