/**
 * One writer per file across processes: an exclusive OS lock on the open file (an
 * open-file-description lock on Linux, `flock` on macOS, `LockFileEx` on Windows, through
 * `fs-native-extensions`). The kernel releases it when the holder's file is closed or its process
 * dies, however it dies, so a lock is never left behind by a crash. Beside the file, `<path>.owner`
 * names the holder (pid, host, since) for the error the next writer gets; it is only a label.
 */
import { closeSync, constants, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { hostname } from 'node:os';

interface NativeLocks {
  tryLock(fd: number, options?: { shared: boolean }): boolean;
  unlock(fd: number): void;
}

let native: NativeLocks | undefined;

function locks(): NativeLocks {
  // Loaded on first use: a process that opens no audit file never loads the addon.
  native ??= createRequire(import.meta.url)('fs-native-extensions') as NativeLocks;
  return native;
}

export function ownerPath(path: string): string {
  return `${path}.owner`;
}

/** Who holds the lock on `path`, as its owner label says, or why that is unknown. */
export function describeOwner(path: string): string {
  try {
    const owner = JSON.parse(readFileSync(ownerPath(path), 'utf8')) as { pid?: unknown; host?: unknown; since?: unknown };
    return `process ${String(owner.pid)} on ${String(owner.host)}, since ${String(owner.since)}`;
  } catch {
    return 'another process (it left no owner label)';
  }
}

/**
 * Takes the lock on an open file, or returns false when another open file holds it (in this
 * process or another). Writes the owner label once it holds the lock.
 */
export function tryLockFile(fd: number, path: string, mode: number): boolean {
  if (!locks().tryLock(fd)) return false;
  try {
    // Never through a symbolic link, like the trail itself.
    const label = openSync(ownerPath(path), constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, mode);
    try {
      writeSync(label, `${JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() })}\n`);
    } finally {
      closeSync(label);
    }
  } catch {
    // The label only helps a second writer's error message; the lock holds without it.
  }
  return true;
}

/** Whether some open file (in this process or another) holds the writer's lock on this one's file. */
export function hasWriter(fd: number): boolean {
  // A shared lock is refused while a writer holds its exclusive one; taken, it is let go at once.
  if (!locks().tryLock(fd, { shared: true })) return true;
  locks().unlock(fd);
  return false;
}

/** Removes the owner label; call before closing the file, which releases the lock. */
export function removeOwnerLabel(path: string): void {
  rmSync(ownerPath(path), { force: true });
}
