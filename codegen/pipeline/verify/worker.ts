/** The verify stage on its own thread, so loading the TypeScript compiler overlaps the other stages. */
import { parentPort } from 'node:worker_threads';
import { syntaxErrors } from './verify.ts';

parentPort?.on('message', (files: [string, string][]) => {
  parentPort?.postMessage(syntaxErrors(new Map(files)));
});
