/** `generate` (and `--watch`), `check`, `lint`, `export`: the catalogue through the pipeline to its outputs. */
import { readRegularFile } from './files.ts';
import { compareOutput, isFresh, readOutput, unifiedDiff, writeOutput, type Drift } from '../pipeline/output.ts';
import { isGeneratedText } from '../pipeline/render/files.ts';
import { lintCatalogue, renderCatalogue } from '../pipeline/index.ts';
import { ASYNCAPI_PATH, renderAsyncApi } from '../pipeline/render/asyncapi.ts';
import { renderJsonSchemas } from '../pipeline/render/json-schema.ts';
import type { Verifier } from '../pipeline/verify/verifier.ts';
import type { Config } from './config.ts';
import { formatAnnotation, type Annotation } from './format-diagnostics.ts';
import { EXIT, paints, plural, elapsed, report, type Console } from './console.ts';

const MAX_DIFFS = 20;

/** Set while `generate --watch` runs: its own signal handling ends it. */
let watching = false;

/**
 * Runs a synchronous write with Ctrl-C and SIGTERM held until it is done, so an interrupt never
 * leaves a half-swapped output (the write is a rename of a finished tree). The signal is then
 * acted on as it would have been: it ends the process, or the watch that listens for it.
 */
async function uninterrupted<T>(write: () => T): Promise<T> {
  let held: NodeJS.Signals | undefined;
  const hold = (signal: NodeJS.Signals): void => {
    held ??= signal;
  };
  process.on('SIGINT', hold);
  process.on('SIGTERM', hold);
  try {
    return write();
  } finally {
    // A signal that came during the write is delivered to listeners on the next turn.
    await new Promise((resolve) => setImmediate(resolve));
    process.off('SIGINT', hold);
    process.off('SIGTERM', hold);
    if (held !== undefined && !watching) process.kill(process.pid, held);
  }
}

/** Aborts on Ctrl-C or SIGTERM, so a watch stops cleanly. */
export function stopOnSignals(): AbortSignal {
  const controller = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => controller.abort());
  return controller.signal;
}

export async function runWatch(config: Config, io: Console, verifier: () => Verifier, stop: AbortSignal): Promise<number> {
  const once = async (started: number): Promise<void> => {
    try {
      await run('generate', config, io, verifier, started);
    } catch (error) {
      // A bad output directory or an internal error ends this run, not the watch.
      io.err(`eventspec: ${(error as Error).message}`);
    }
  };
  const { watchFile } = await import('./watch.ts');
  watching = true;
  await once(0);
  io.out(`watching ${config.catalogueName} for changes (Ctrl-C to stop)`);
  await watchFile(config.cataloguePath, () => once(performance.now()), stop);
  io.out('stopped watching');
  return EXIT.ok;
}

/** The first line on which two texts differ, counted from 1. */
function firstDifferentLine(a: string, b: string): number {
  const left = a.split('\n');
  const right = b.split('\n');
  let line = 0;
  while (line < left.length && line < right.length && left[line] === right[line]) line++;
  return line + 1;
}

/** What `check --format github` says of stale output: one annotation per file, where it differs. */
function driftAnnotations(drift: Drift, config: Config): Annotation[] {
  const title = 'eventspec: generated code is stale';
  const advice = `run \`eventspec generate\` and commit the result`;
  return [
    ...drift.changed.map((change): Annotation => {
      const line = firstDifferentLine(change.onDisk, change.expected);
      return { level: 'error', file: `${config.outName}/${change.path}`, line, title, message: `${change.path} differs from what ${config.catalogueName} generates, from line ${line} on (edited by hand, or the catalogue changed since): ${advice}` };
    }),
    ...drift.missing.map((path): Annotation => ({ level: 'error', file: config.catalogueName, title, message: `${config.outName}/${path} is missing: ${config.catalogueName} generates it; ${advice}` })),
    ...drift.extra.map((path): Annotation => ({ level: 'error', file: `${config.outName}/${path}`, title, message: `${path} is not generated from ${config.catalogueName} (an event or type was removed, or the file was added by hand): ${advice}` })),
  ];
}

export async function run(command: 'generate' | 'check' | 'lint' | 'export', config: Config, io: Console, verifier: () => Verifier, started = 0): Promise<number> {
  let text: string;
  try {
    text = readRegularFile(config.cataloguePath, `the catalogue ${config.catalogueName}`);
  } catch (error) {
    io.err(`eventspec: ${(error as Error).message}`);
    return EXIT.usage;
  }

  if (command === 'lint') {
    const linted = lintCatalogue(text, config.catalogueName, { strict: config.strict });
    report(linted.diagnostics, config, io, text);
    if (!linted.ok) return EXIT.problems;
    if (config.format !== 'json') io.out(`${config.catalogueName}: ${plural(linted.model.events.length, 'event')} in ${plural(linted.model.domains.length, 'domain')}, no errors (${elapsed()})`);
    return EXIT.ok;
  }

  if (command === 'export') {
    const linted = lintCatalogue(text, config.catalogueName);
    report(linted.diagnostics, config, io, text);
    if (!linted.ok) return EXIT.problems;
    const asyncApi = config.exportFormat === 'asyncapi';
    const files = asyncApi
      ? new Map([[ASYNCAPI_PATH, renderAsyncApi(linted.model, config.headerName)]])
      : renderJsonSchemas(linted.model, { catalogueName: config.headerName, baseUri: config.baseUri });
    const outcome = writeOutput(config.outDir, files);
    const kept = linted.model.events.reduce((count, event) => count + event.previous.length, 0);
    const what = asyncApi ? `an AsyncAPI 3.0 document (${plural(linted.model.events.length, 'channel')})` : `${plural(files.size, 'JSON Schema')} (${plural(linted.model.events.length, 'event')}${kept === 0 ? '' : `, ${plural(kept, 'earlier version')}`} and a bundle)`;
    io.out(`${outcome === 'written' ? 'exported' : 'unchanged:'} ${what} in ${config.outName}/ (${elapsed()})`);
    return EXIT.ok;
  }

  const onDisk = readOutput(config.outDir);
  const verify = verifier();
  // Each file goes to the verifier as soon as it is rendered, to be parsed while the rest renders.
  // A file identical to the one on disk parsed when it was written (every write is verified
  // first), so only new and changed files are parsed again.
  const onFile = (path: string, rendered: string): void => {
    if (onDisk.get(path) !== rendered) verify.add(path, rendered);
  };
  const generated = renderCatalogue(text, { file: config.catalogueName, headerName: config.headerName, strict: config.strict, onFile });
  report(generated.diagnostics, config, io, text);
  if (!generated.ok) return EXIT.problems;
  const { files, model } = generated;
  await verify.done();
  const counts = `${plural(files.size, 'file')} for ${plural(model.events.length, 'event')} in ${plural(model.domains.length, 'domain')}`;

  if (command === 'check') {
    const drift = compareOutput(files, onDisk);
    if (isFresh(drift)) {
      if (config.format !== 'json') io.out(`${config.outName}/ is fresh: ${counts} (${elapsed()})`);
      return EXIT.ok;
    }
    if (config.format === 'github') io.out(driftAnnotations(drift, config).map(formatAnnotation).join('\n'));
    // The first files' diffs say enough; hundreds would bury the summary.
    for (const change of drift.changed.slice(0, MAX_DIFFS)) io.out(unifiedDiff(change, config.outName));
    if (drift.changed.length > MAX_DIFFS) io.out(`(diffs of ${drift.changed.length - MAX_DIFFS} more changed files not shown)`);
    // A file eventspec did not write is one generate will not delete: say to move it, or generate refuses.
    const foreign = drift.extra.filter((path) => !isGeneratedText(path, onDisk.get(path) ?? ''));
    const parts = [
      ...drift.changed.map(({ path }) => `changed: ${path}`),
      ...drift.missing.map((path) => `missing: ${path}`),
      ...drift.extra.map((path) => (foreign.includes(path) ? `extra: ${path} (not written by eventspec)` : `extra: ${path}`)),
    ];
    const next = foreign.length === 0
      ? 'Run `eventspec generate` and commit the result.'
      : `Move ${foreign.length === 1 ? 'the file' : 'the files'} eventspec did not write out of ${config.outName}/ (generate replaces the whole folder and refuses to delete them), then run \`eventspec generate\` and commit the result.`;
    io.err(`${paints(io).err.red(`${config.outName}/ is stale or was edited by hand:`)}\n  ${parts.join('\n  ')}\n${next}`);
    return EXIT.problems;
  }

  const outcome = await uninterrupted(() => writeOutput(config.outDir, files, onDisk));
  if (config.format !== 'json') io.out(`${outcome === 'written' ? 'generated' : 'unchanged:'} ${counts} in ${elapsed(started)}`);
  return EXIT.ok;
}
