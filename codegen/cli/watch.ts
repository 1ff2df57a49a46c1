/**
 * `eventspec generate --watch`: regenerates when the catalogue changes. It watches the catalogue's
 * directory, not the file, so an editor's atomic save (write a temporary file, rename it over the
 * catalogue) is seen like any other; runs never overlap, and each writes all its files or none.
 */
import { existsSync, watch } from 'node:fs';
import { basename, dirname } from 'node:path';

/** Settle time: editors write a file in bursts. */
const DEBOUNCE_MS = 50;

/** Calls `onChange` after each change to the file at `path`, until `signal` aborts; resolves then. */
export function watchFile(path: string, onChange: () => Promise<void>, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const name = basename(path);
    let timer: NodeJS.Timeout | undefined;
    let running: Promise<void> = Promise.resolve();
    const trigger = (): void => {
      running = running.then(async () => {
        // Mid-rename the catalogue may be briefly absent: the rename's own event follows.
        if (existsSync(path)) await onChange();
      });
    };
    const watcher = watch(dirname(path), (_event, filename) => {
      if (filename !== name) return;
      clearTimeout(timer);
      timer = setTimeout(trigger, DEBOUNCE_MS);
    });
    const stop = (): void => {
      clearTimeout(timer);
      watcher.close();
      void running.then(resolve);
    };
    if (signal.aborted) stop();
    else signal.addEventListener('abort', stop, { once: true });
  });
}
