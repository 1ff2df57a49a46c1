/**
 * `eventspec generate | check | lint`: the command line over the pipeline.
 * Exit codes: 0 ok, 1 diagnostics or stale output, 2 usage, 3 internal error (a bug in eventspec).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { resolveConfig, COMPATIBILITY_MODES, DEFAULT_CATALOGUE, DEFAULT_OUT, EXPORT_FORMATS, type CompatibilityMode, type Config, type ExportFormat } from './config.ts';
import type { Diagnostic } from './diagnostics.ts';
import { DIAGNOSTIC_FORMATS, formatDiagnostics, type DiagnosticFormat } from './format-diagnostics.ts';
import { compareOutput, isFresh, OutputError, readOutput, unifiedDiff, writeOutput } from './output.ts';

const MAX_DIFFS = 20;
import { GeneratedCodeError } from './generated-code-error.ts';
import { lintCatalogue, renderCatalogue, type LintResult } from './pipeline.ts';
import { ASYNCAPI_PATH, renderAsyncApi } from './render/asyncapi.ts';
import { renderJsonSchemas } from './render/json-schema.ts';
import { startVerifier, type Verifier } from './verifier.ts';

export const USAGE = `Usage: eventspec <command> [options]

Commands:
  generate   lint the catalogue and write the generated TypeScript
  check      lint, generate in memory and compare with the output directory (for CI)
  lint       report the catalogue's problems only
  export     write the catalogue for other tools: --format jsonschema (one schema per event and a
             bundle) or --format asyncapi (an AsyncAPI 3.0 document)
  diff       compare two catalogues and report breaking changes: diff <old.yaml> <new.yaml>,
             or diff --against <git-ref> (the catalogue at that commit against --catalog)

Options:
  --catalog <file>   the catalogue (default: ${DEFAULT_CATALOGUE})
  --out <dir>        the output directory (default: ${DEFAULT_OUT})
  --format <f>       diagnostics as text (default), json or github (Actions annotations);
                     for export, what to write: jsonschema or asyncapi
  --base-uri <uri>   export: the base of every schema's $id (default: urn:eventspec:)
  --against <ref>    diff: the git commit, branch or tag to compare with
  --mode <m>         diff: backward (default), forward or full compatibility
  --watch            generate: regenerate whenever the catalogue changes (Ctrl-C to stop)
  -h, --help         show this help

Exit codes: 0 ok, 1 problems in the catalogue or stale output, 2 usage, 3 internal error.`;

export const EXIT = { ok: 0, problems: 1, usage: 2, internal: 3 } as const;

/** Where the CLI writes; tests pass their own to capture output. */
export interface Console {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

const processConsole: Console = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

class UsageError extends Error {}

interface Parsed {
  readonly command: string;
  readonly config: Config;
  readonly watch?: boolean;
  /** diff: the two catalogues, as [name, reader] pairs. */
  readonly diff?: { readonly old: DiffSide; readonly new: DiffSide; readonly mode: CompatibilityMode };
}

interface DiffSide {
  readonly name: string;
  readonly read: () => string;
}

function parse(argv: readonly string[]): Parsed | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        catalog: { type: 'string' },
        out: { type: 'string' },
        format: { type: 'string' },
        'base-uri': { type: 'string' },
        against: { type: 'string' },
        watch: { type: 'boolean' },
        mode: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help === true) return 'help';
  const [command, ...rest] = positionals;
  if (command === undefined) throw new UsageError('missing command');
  if (!['generate', 'check', 'lint', 'export', 'diff'].includes(command)) throw new UsageError(`unknown command '${command}'`);
  if (command === 'diff') return parseDiff(values, rest);
  if (rest.length > 0) throw new UsageError(`unexpected argument '${rest[0]}'`);
  const formats: readonly string[] = command === 'export' ? EXPORT_FORMATS : DIAGNOSTIC_FORMATS;
  if (values.format !== undefined && !formats.includes(values.format)) {
    throw new UsageError(`--format must be one of ${formats.join(', ')}`);
  }
  if (command === 'export' && values.format === undefined) throw new UsageError(`export needs --format (${EXPORT_FORMATS.join(', ')})`);
  const config = resolveConfig({
    ...(values.catalog === undefined ? {} : { catalog: values.catalog }),
    ...(values.out === undefined ? {} : { out: values.out }),
    ...(values.format === undefined || command === 'export' ? {} : { format: values.format as DiagnosticFormat }),
    ...(command === 'export' ? { exportFormat: values.format as ExportFormat } : {}),
    ...(values['base-uri'] === undefined ? {} : { baseUri: values['base-uri'] }),
  });
  if (values.watch === true && command !== 'generate') throw new UsageError('--watch goes with generate');
  return { command, config, watch: values.watch === true };
}

function parseDiff(values: { catalog?: string; against?: string; mode?: string; format?: string }, files: readonly string[]): Parsed {
  if (values.mode !== undefined && !(COMPATIBILITY_MODES as readonly string[]).includes(values.mode)) throw new UsageError(`--mode must be one of ${COMPATIBILITY_MODES.join(', ')}`);
  if (values.format !== undefined && values.format !== 'text' && values.format !== 'json') throw new UsageError('--format must be one of text, json');
  const mode = (values.mode ?? 'backward') as CompatibilityMode;
  const config = resolveConfig({ ...(values.catalog === undefined ? {} : { catalog: values.catalog }), ...(values.format === undefined ? {} : { format: values.format as DiagnosticFormat }) });
  const fromFile = (name: string): DiffSide => ({ name, read: () => readFileSync(name, 'utf8') });
  if (values.against !== undefined) {
    if (files.length > 0) throw new UsageError('give either --against <ref> or two catalogue files, not both');
    const ref = values.against;
    const old: DiffSide = { name: `${ref}:${config.catalogueName}`, read: () => readAtRef(ref, config.catalogueName) };
    return { command: 'diff', config, diff: { old, new: fromFile(config.catalogueName), mode } };
  }
  const [before, after, extra] = files;
  if (before === undefined || after === undefined) throw new UsageError('diff needs <old.yaml> <new.yaml>, or --against <git-ref>');
  if (extra !== undefined) throw new UsageError(`unexpected argument '${extra}'`);
  return { command: 'diff', config, diff: { old: fromFile(before), new: fromFile(after), mode } };
}

/**
 * The catalogue as it was at a git commit. git runs in the catalogue's own directory and `./`
 * names the file relative to it, so a relative or absolute path, inside the repository or in
 * another one, works alike.
 */
function readAtRef(ref: string, path: string): string {
  const absolute = resolve(path);
  try {
    return execFileSync('git', ['-C', dirname(absolute), 'show', `${ref}:./${basename(absolute)}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28 });
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
    throw new UsageError(`cannot read ${path} at ${ref} through git: ${stderr === '' ? (error as Error).message : stderr}`);
  }
}

async function runDiff(parsed: Parsed, io: Console): Promise<number> {
  const { diffCatalogues } = await import('./diff.ts');
  const { formatDiffJson, formatDiffText, locateChanges } = await import('./format-diff.ts');
  const { diff, config } = parsed;
  if (diff === undefined) return EXIT.usage;
  const lint = (side: DiffSide): LintResult | undefined => {
    let text: string;
    try {
      text = side.read();
    } catch (error) {
      if (error instanceof UsageError) throw error;
      io.err(`eventspec: cannot read the catalogue ${side.name}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      return undefined;
    }
    const linted = lintCatalogue(text, side.name);
    if (!linted.ok) io.err(formatDiagnostics(linted.diagnostics, 'text'));
    return linted;
  };
  const before = lint(diff.old);
  const after = lint(diff.new);
  if (before === undefined || after === undefined) return EXIT.usage;
  if (!before.ok || !after.ok) return EXIT.problems;
  const result = diffCatalogues(before.model, after.model, diff.mode);
  const changes = locateChanges(result, diff.new.name, (change) => after.locate(change.path));
  io.out(config.format === 'json' ? formatDiffJson(result, changes) : formatDiffText(result, changes));
  return result.failed ? EXIT.problems : EXIT.ok;
}

/** Aborts on Ctrl-C or SIGTERM, so a watch stops cleanly. */
function stopOnSignals(): AbortSignal {
  const controller = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => controller.abort());
  return controller.signal;
}

async function runWatch(config: Config, io: Console, verifier: () => Verifier, stop: AbortSignal): Promise<number> {
  const once = async (started: number): Promise<void> => {
    try {
      await run('generate', config, io, verifier, started);
    } catch (error) {
      // A bad output directory or an internal error ends this run, not the watch.
      io.err(`eventspec: ${(error as Error).message}`);
    }
  };
  const { watchFile } = await import('./watch.ts');
  await once(0);
  io.out(`watching ${config.catalogueName} for changes (Ctrl-C to stop)`);
  await watchFile(config.cataloguePath, () => once(performance.now()), stop);
  io.out('stopped watching');
  return EXIT.ok;
}

function report(diagnostics: readonly Diagnostic[], config: Config, io: Console): void {
  if (config.format === 'json') {
    io.out(formatDiagnostics(diagnostics, 'json'));
  } else if (diagnostics.length > 0) {
    (config.format === 'github' ? io.out : io.err)(formatDiagnostics(diagnostics, config.format));
  }
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** Time since `since` (default: process start, so a one-off run's figure includes start-up, as users feel it). */
function elapsed(since = 0): string {
  return `${Math.round(performance.now() - since)} ms`;
}

async function run(command: string, config: Config, io: Console, verifier: () => Verifier, started = 0): Promise<number> {
  let text: string;
  try {
    text = readFileSync(config.cataloguePath, 'utf8');
  } catch (error) {
    io.err(`eventspec: cannot read the catalogue ${config.catalogueName}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    return EXIT.usage;
  }

  if (command === 'lint') {
    const linted = lintCatalogue(text, config.catalogueName);
    report(linted.diagnostics, config, io);
    if (!linted.ok) return EXIT.problems;
    if (config.format !== 'json') io.out(`${config.catalogueName}: ${plural(linted.model.events.length, 'event')} in ${plural(linted.model.domains.length, 'domain')}, no errors (${elapsed()})`);
    return EXIT.ok;
  }

  if (command === 'export') {
    const linted = lintCatalogue(text, config.catalogueName);
    report(linted.diagnostics, config, io);
    if (!linted.ok) return EXIT.problems;
    const asyncApi = config.exportFormat === 'asyncapi';
    const files = asyncApi
      ? new Map([[ASYNCAPI_PATH, renderAsyncApi(linted.model, config.headerName)]])
      : renderJsonSchemas(linted.model, { catalogueName: config.headerName, baseUri: config.baseUri });
    const outcome = writeOutput(config.outDir, files);
    const what = asyncApi ? `an AsyncAPI 3.0 document (${plural(linted.model.events.length, 'channel')})` : `${plural(files.size, 'JSON Schema')} (${plural(linted.model.events.length, 'event')} and a bundle)`;
    io.out(`${outcome === 'written' ? 'exported' : 'unchanged:'} ${what} in ${config.outName}/ (${elapsed()})`);
    return EXIT.ok;
  }

  const generated = renderCatalogue(text, { file: config.catalogueName, headerName: config.headerName });
  report(generated.diagnostics, config, io);
  if (!generated.ok) return EXIT.problems;
  const { files, model } = generated;
  const onDisk = readOutput(config.outDir);
  // A file identical to the one on disk parsed when it was written (every write is verified
  // first), so only new and changed files are parsed again.
  await verifier().verify(new Map([...files].filter(([path, text]) => onDisk.get(path) !== text)));
  const counts = `${plural(files.size, 'file')} for ${plural(model.events.length, 'event')} in ${plural(model.domains.length, 'domain')}`;

  if (command === 'check') {
    const drift = compareOutput(files, onDisk);
    if (isFresh(drift)) {
      if (config.format !== 'json') io.out(`${config.outName}/ is fresh: ${counts} (${elapsed()})`);
      return EXIT.ok;
    }
    // The first files' diffs say enough; hundreds would bury the summary.
    for (const change of drift.changed.slice(0, MAX_DIFFS)) io.out(unifiedDiff(change, config.outName));
    if (drift.changed.length > MAX_DIFFS) io.out(`(diffs of ${drift.changed.length - MAX_DIFFS} more changed files not shown)`);
    const parts = [
      ...drift.changed.map(({ path }) => `changed: ${path}`),
      ...drift.missing.map((path) => `missing: ${path}`),
      ...drift.extra.map((path) => `extra: ${path}`),
    ];
    io.err(`${config.outName}/ is stale or was edited by hand:\n  ${parts.join('\n  ')}\nRun \`eventspec generate\` and commit the result.`);
    return EXIT.problems;
  }

  const outcome = writeOutput(config.outDir, files, onDisk);
  if (config.format !== 'json') io.out(`${outcome === 'written' ? 'generated' : 'unchanged:'} ${counts} in ${elapsed(started)}`);
  return EXIT.ok;
}

/**
 * Runs the CLI; resolves to the exit code. Never throws for a user's mistake.
 * `verifier` may be started by the caller before this module loads, to overlap the two.
 */
export async function main(argv: readonly string[], io: Console = processConsole, verifier?: Verifier, stop?: AbortSignal): Promise<number> {
  let parsed;
  try {
    parsed = parse(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`eventspec: ${error.message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  if (parsed === 'help') {
    io.out(USAGE);
    return EXIT.ok;
  }
  let started = verifier;
  const getVerifier = (): Verifier => (started ??= startVerifier());
  try {
    if (parsed.command === 'diff') return await runDiff(parsed, io);
    if (parsed.watch === true) return await runWatch(parsed.config, io, getVerifier, stop ?? stopOnSignals());
    return await run(parsed.command, parsed.config, io, getVerifier);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`eventspec: ${error.message}`);
      return EXIT.usage;
    }
    if (error instanceof OutputError) {
      io.err(`eventspec: ${error.message}`);
      return EXIT.problems;
    }
    const detail = error instanceof GeneratedCodeError ? error.message : ((error as Error).stack ?? String(error));
    io.err(`eventspec: internal error (a bug in eventspec, not in your catalogue; please report it):\n${detail}`);
    return EXIT.internal;
  } finally {
    await started?.close();
  }
}
