/**
 * The verify stage on its own thread, so loading the TypeScript compiler, and parsing each file,
 * overlap the other stages. It parses each file as it arrives and answers `end` with every
 * syntax error found since the last `end`.
 */
import { parentPort } from 'node:worker_threads';
import { fileSyntaxErrors } from './verify.ts';

let errors: string[] = [];
parentPort?.on('message', (message: { readonly path: string; readonly text: string } | 'end') => {
  if (message === 'end') {
    parentPort?.postMessage(errors);
    errors = [];
  } else {
    errors.push(...fileSyntaxErrors(message.path, message.text));
  }
});
