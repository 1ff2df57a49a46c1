/**
 * Runs the verify stage in a worker thread that starts loading ts-morph at once. Loading the
 * compiler is most of a small catalogue's generate time; on another core it overlaps the rest.
 */
import { Worker } from 'node:worker_threads';
import { assertParses } from './generated-code-error.ts';
import type { RenderedFiles } from '../render/files.ts';

export interface Verifier {
  /** Resolves when every file parses; rejects with `GeneratedCodeError` otherwise. */
  verify(files: RenderedFiles): Promise<void>;
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
  return {
    verify: (files) => {
      if (files.size === 0) return Promise.resolve();
      const answered = new Promise<string[]>((resolve) => worker.once('message', resolve));
      worker.postMessage([...files]);
      return Promise.race([answered, failed]).then(assertParses);
    },
    close: async () => {
      await worker.terminate();
    },
  };
}
