/** File system errors in words: what a user reads when the system refused an operation. */

const REASONS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a part of the path is a file, not a directory',
  EISDIR: 'it is a directory',
  ENAMETOOLONG: 'the name is too long for the file system',
  ELOOP: 'too many symbolic links',
  EEXIST: 'it exists already',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files',
  EBUSY: 'it is busy',
  EXDEV: 'it is on another file system',
  EIO: 'an input/output error',
};

/** `the file system is read-only (EROFS)` for a Node file system error, or undefined for any other error. */
export function fileErrorReason(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' && Object.hasOwn(REASONS, code) ? `${REASONS[code]} (${code})` : undefined;
}
