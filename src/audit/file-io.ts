/**
 * Small file operations the trail's modules share. Kept out of every module whose types the
 * packages export, so that a user's compiler never needs Node's types (`Buffer`) for ours.
 */
import { closeSync, fsyncSync, openSync, readSync } from 'node:fs';

/** Makes a directory's entries (a file created or renamed in it) durable. */
export function syncDirectory(directory: string): void {
  const fd = openSync(directory, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Up to `length` bytes of the file from `position` (fewer at its end). */
export function readAt(fd: number, position: number, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  let read = 0;
  while (read < length) {
    const got = readSync(fd, buffer, read, length - read, position + read);
    if (got === 0) break;
    read += got;
  }
  return buffer.subarray(0, read);
}
