/**
 * Runs the verify stage in a worker thread that starts loading ts-morph at once. Loading the
 * compiler is most of a small catalogue's generate time; on another core it overlaps the rest.
 */
import { Worker } from 'node:worker_threads';
import { assertParses } from './generated-code-error.ts';

export interface Verifier {
  /** Hands one file over; the worker parses it at once, while the caller goes on. */
  add(path: string, text: string): void;
  /** Resolves when every file handed over since the last call parses; rejects with `GeneratedCodeError` otherwise. */
  done(): Promise<void>;
  close(): Promise<void>;
}

function spawnWorker(): Worker {
  const compiled = import.meta.url.endsWith('.js');
  const entry = new URL(`./worker.${compiled ? 'js' : 'ts'}`, import.meta.url);
  if (compiled) return new Worker(entry);
  // From source, the worker registers the same TypeScript loader as this thread first.
  const boot = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})
    .then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(boot, { eval: true });
}

/** Whether a command line will need the verify stage, so the caller can start it early. */
export function needsVerifier(argv: readonly string[]): boolean {
  return argv.includes('generate') || argv.includes('check');
}

export function startVerifier(): Verifier {
  const worker = spawnWorker();
  // A worker that fails before it is asked anything must still not crash the process.
  const failed = new Promise<never>((_, reject) => worker.once('error', reject));
  failed.catch(() => undefined);
  let pending = 0;
  const verifier: Verifier = {
    add: (path, text) => {
      if (!path.endsWith('.ts')) return;
      pending++;
      worker.postMessage({ path, text });
    },
    done: () => {
      if (pending === 0) return Promise.resolve();
      pending = 0;
      const answered = new Promise<string[]>((resolve) => worker.once('message', resolve));
      worker.postMessage('end');
      return Promise.race([answered, failed]).then(assertParses);
    },
    close: async () => {
      await worker.terminate();
    },
  };
  return verifier;
}
