/**
 * `eventspec <command>`: the command line over the pipeline.
 * Exit codes: 0 ok, 1 diagnostics or stale output, 2 usage, 3 internal error (a bug in eventspec).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Diagnostic } from '../catalogue/diagnostics.ts';
import { closest } from '../catalogue/suggest.ts';
import { fileProblemOf, readRegularFile } from './files.ts';
import { compareOutput, isFresh, OutputError, readOutput, unifiedDiff, writeOutput, type Drift } from '../pipeline/output.ts';
import { GeneratedCodeError } from '../pipeline/verify/generated-code-error.ts';
import { lintCatalogue, renderCatalogue, type LintResult } from '../pipeline/index.ts';
import { ASYNCAPI_PATH, renderAsyncApi } from '../pipeline/render/asyncapi.ts';
import { CATALOGUE_SCHEMA_FILE } from '../pipeline/validate/structure.ts';
import { renderJsonSchemas } from '../pipeline/render/json-schema.ts';
import { startVerifier, type Verifier } from '../pipeline/verify/verifier.ts';
import { colorEnabled, paint, type Paint } from './color.ts';
import { COMPATIBILITY_MODES, type CompatibilityMode } from '../diff/modes.ts';
import { keepAdvice } from '../diff/history.ts';
import { EXPORT_FORMATS, resolveConfig, type Config, type ExportFormat } from './config.ts';
import { CATALOGUE_FILE, CatalogueNotFound } from './find-catalogue.ts';
import { DIAGNOSTIC_FORMATS, formatAnnotation, formatDiagnostics, type Annotation, type DiagnosticFormat } from './format-diagnostics.ts';
import { displayed, runImport, type ImportRequest } from './import.ts';
import { STARTER_CATALOGUE } from './starter.ts';

const MAX_DIFFS = 20;

export const EXIT = { ok: 0, problems: 1, usage: 2, internal: 3 } as const;

/** Every option any command takes: its kind and its line of help. */
const OPTIONS = {
  catalog: { type: 'string', help: '--catalog <file>   the catalogue (default: catalog.yaml, found from here upward)' },
  out: { type: 'string', help: '--out <dir>        the output directory (default: generated/ beside the catalogue)' },
  format: { type: 'string', help: '--format <f>       how to print: text (default), json or github (Actions annotations)' },
  'base-uri': { type: 'string', help: '--base-uri <uri>   the base of every schema\'s $id (default: urn:eventspec:)' },
  against: { type: 'string', help: '--against <ref>    the git commit, branch or tag to compare the catalogue with' },
  mode: { type: 'string', help: '--mode <m>         backward (default), forward or full compatibility' },
  watch: { type: 'boolean', help: '--watch            regenerate whenever the catalogue changes (Ctrl-C to stop)' },
  strict: { type: 'boolean', help: '--strict           warnings fail too, as errors do' },
  stdio: { type: 'boolean', help: '--stdio            speak the Language Server Protocol over stdin and stdout (the default)' },
  formats: { type: 'string', help: '--formats <f>      whether `format` asserts (default) or annotates, in the new catalogue' },
  upcast: { type: 'string', help: '--upcast <text>    what the upcaster from the kept version will do (declares that the step takes code)' },
  help: { type: 'boolean', short: 'h', help: '-h, --help         show this help' },
  version: { type: 'boolean', short: 'v', help: '-v, --version      print the version' },
} as const;
type OptionName = keyof typeof OPTIONS;

interface CommandSpec {
  readonly summary: string;
  readonly synopsis: string;
  readonly options: readonly OptionName[];
  readonly more?: string;
}

const COMMANDS: { readonly [name: string]: CommandSpec } = {
  init: { summary: 'write a starter catalogue (one domain, one event) to begin with', synopsis: 'eventspec init [--catalog <file>]', options: ['catalog'] },
  generate: { summary: 'lint the catalogue and write the generated TypeScript', synopsis: 'eventspec generate [--catalog <file>] [--out <dir>] [--format text|json|github] [--strict] [--watch]', options: ['catalog', 'out', 'format', 'strict', 'watch'] },
  check: { summary: 'generate in memory and compare with the output directory (for CI)', synopsis: 'eventspec check [--catalog <file>] [--out <dir>] [--format text|json|github] [--strict]', options: ['catalog', 'out', 'format', 'strict'] },
  lint: { summary: "report the catalogue's problems only", synopsis: 'eventspec lint [--catalog <file>] [--format text|json|github] [--strict]', options: ['catalog', 'format', 'strict'] },
  export: {
    summary: 'write the catalogue for other tools: JSON Schemas or an AsyncAPI document',
    synopsis: 'eventspec export --format jsonschema|asyncapi [--catalog <file>] [--out <dir>] [--base-uri <uri>]',
    options: ['catalog', 'out', 'format', 'base-uri'],
    more: '--format jsonschema writes one schema per event (and per kept earlier version) and a bundle; --format asyncapi an AsyncAPI 3.0 document.',
  },
  import: {
    summary: 'write a catalogue from JSON Schemas (a directory, or a bundle) or an AsyncAPI 2.x/3.x document',
    synopsis: 'eventspec import <directory|schema.json|asyncapi.yaml> [--catalog <file>] [--formats assert|annotate]',
    options: ['catalog', 'formats'],
    more: 'A directory holds one JSON Schema per event (issues/opened.json is issues.opened); a bundle lists its events in a top-level oneOf of its definitions; an AsyncAPI document\'s messages become events. Writes a new catalogue (default catalog.yaml) and lints it.',
  },
  lsp: {
    summary: 'a language server for editors: live diagnostics, hover, definitions, references, rename, completion, quick fixes',
    synopsis: 'eventspec lsp [--stdio]',
    options: ['stdio'],
    more: 'Speaks the Language Server Protocol over stdin and stdout; point an editor\'s LSP client at it for catalog.yaml (the README shows VS Code and Neovim).',
  },
  bump: {
    summary: "move an event's current payload schema into its history and raise its version",
    synopsis: 'eventspec bump <event> [--upcast <text>] [--catalog <file>]',
    options: ['catalog', 'upcast'],
    more: 'The first step of a breaking change: the schema is kept under `previous:` (shared types copied in), `version` goes up by one, and you then change the payload. If the change is breaking, lint asks for `upcast:` on the kept version and the generated `Upcasters` type for its function.',
  },
  diff: {
    summary: 'compare two catalogues and report breaking changes',
    synopsis: 'eventspec diff <old.yaml> <new.yaml> | --against <git-ref> [--catalog <file>] [--mode backward|forward|full] [--format text|json|github]',
    options: ['catalog', 'against', 'mode', 'format'],
  },
};

const EXIT_CODES = 'Exit codes: 0 ok, 1 problems in the catalogue or stale output, 2 usage, 3 internal error.';

export const USAGE = `Usage: eventspec <command> [options]

Commands:
${Object.entries(COMMANDS).map(([name, spec]) => `  ${name.padEnd(10)} ${spec.summary}`).join('\n')}

Run \`eventspec <command> --help\` for a command's options.
  -v, --version      print the version
  -h, --help         show this help

${EXIT_CODES}`;

function commandUsage(spec: CommandSpec): string {
  const options = [...spec.options, 'help' as const].map((option) => `  ${OPTIONS[option].help}`).join('\n');
  return `Usage: ${spec.synopsis}\n\n${spec.summary[0]?.toUpperCase()}${spec.summary.slice(1)}.${spec.more === undefined ? '' : `\n${spec.more}`}\n\nOptions:\n${options}\n\n${EXIT_CODES}`;
}

/** Where the CLI writes, and whether each stream takes colour; tests pass their own to capture output. */
export interface Console {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly color?: { readonly out: boolean; readonly err: boolean };
}

const processConsole: Console = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  color: { out: colorEnabled(process.stdout), err: colorEnabled(process.stderr) },
};

class UsageError extends Error {}

interface DiffSide {
  readonly name: string;
  readonly read: () => string;
}

type Parsed =
  | { readonly kind: 'help'; readonly text: string }
  | { readonly kind: 'version' }
  | { readonly kind: 'init'; readonly path: string }
  | { readonly kind: 'import'; readonly request: ImportRequest }
  | { readonly kind: 'lsp' }
  | { readonly kind: 'bump'; readonly config: Config; readonly event: string; readonly upcast?: string }
  | { readonly kind: 'run'; readonly command: 'generate' | 'check' | 'lint' | 'export'; readonly config: Config; readonly watch: boolean }
  | { readonly kind: 'diff'; readonly config: Config; readonly old: DiffSide; readonly new: DiffSide; readonly mode: CompatibilityMode };

const parseOptions = Object.fromEntries(Object.entries(OPTIONS).map(([name, spec]) => [name, 'short' in spec ? { type: spec.type, short: spec.short } : { type: spec.type }]));

function parse(argv: readonly string[], cwd: string): Parsed {
  // Not strict: unknown options are answered below, in one line and with a did-you-mean.
  const { values, positionals, tokens } = parseArgs({ args: [...argv], allowPositionals: true, strict: false, tokens: true, options: parseOptions });
  if (values['version'] === true) return { kind: 'version' };
  const [command, ...rest] = positionals;
  if (command === undefined) {
    if (values['help'] === true) return { kind: 'help', text: USAGE };
    throw new UsageError('missing command; run `eventspec --help` for the commands');
  }
  const spec = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (spec === undefined) {
    const suggestion = closest(command, Object.keys(COMMANDS));
    throw new UsageError(`unknown command '${command}'${suggestion === undefined ? '' : `; did you mean '${suggestion}'?`} Commands: ${Object.keys(COMMANDS).join(', ')}`);
  }
  if (values['help'] === true) return { kind: 'help', text: commandUsage(spec) };
  const allowed: readonly string[] = [...spec.options, 'help', 'version'];
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    if (!allowed.includes(token.name)) {
      const suggestion = closest(token.name, spec.options);
      throw new UsageError(`unknown option '${token.rawName}' for ${command}${suggestion === undefined ? '' : `; did you mean '--${suggestion}'?`} (\`eventspec ${command} --help\` lists the options)`);
    }
    const kind = OPTIONS[token.name as OptionName].type;
    if (kind === 'string' && token.value === undefined) throw new UsageError(`option '${token.rawName}' needs a value`);
    if (kind === 'boolean' && token.value !== undefined) throw new UsageError(`option '${token.rawName}' takes no value`);
  }
  const text = (name: OptionName): string | undefined => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  const catalog = text('catalog');
  const format = text('format');

  if (command === 'init') {
    if (rest.length > 0) throw new UsageError(`unexpected argument '${rest[0]}'`);
    return { kind: 'init', path: resolve(cwd, catalog ?? CATALOGUE_FILE) };
  }
  if (command === 'lsp') {
    if (rest.length > 0) throw new UsageError(`unexpected argument '${rest[0]}'`);
    return { kind: 'lsp' };
  }
  if (command === 'import') {
    const [source, extra] = rest;
    if (source === undefined) throw new UsageError('import needs what to import: a directory of JSON Schemas, a JSON Schema bundle or an AsyncAPI document');
    if (extra !== undefined) throw new UsageError(`unexpected argument '${extra}'`);
    const formats = text('formats') ?? 'assert';
    if (formats !== 'assert' && formats !== 'annotate') throw new UsageError('--formats must be assert or annotate');
    const catalogue = resolve(cwd, catalog ?? CATALOGUE_FILE);
    return { kind: 'import', request: { source: resolve(cwd, source), sourceName: source, catalogue, catalogueName: displayed(catalogue, cwd), formats } };
  }
  if (command === 'bump') {
    const [event, extra] = rest;
    if (event === undefined) throw new UsageError('bump needs the event whose version goes up, e.g. `eventspec bump plan.created`');
    if (extra !== undefined) throw new UsageError(`unexpected argument '${extra}'`);
    const upcast = text('upcast');
    if (upcast !== undefined && upcast.trim() === '') throw new UsageError('--upcast needs a description of what the upcaster does');
    return { kind: 'bump', config: resolveConfig({ cwd, ...(catalog === undefined ? {} : { catalog }) }), event, ...(upcast === undefined ? {} : { upcast }) };
  }
  if (command === 'diff') return parseDiff({ catalog, against: text('against'), mode: text('mode'), format }, rest, cwd);
  if (rest.length > 0) throw new UsageError(`unexpected argument '${rest[0]}'`);
  const formats: readonly string[] = command === 'export' ? EXPORT_FORMATS : DIAGNOSTIC_FORMATS;
  if (format !== undefined && !formats.includes(format)) throw new UsageError(`--format must be one of ${formats.join(', ')}`);
  if (command === 'export' && format === undefined) throw new UsageError(`export needs --format (${EXPORT_FORMATS.join(', ')})`);
  const config = resolveConfig({
    cwd,
    ...(catalog === undefined ? {} : { catalog }),
    ...(text('out') === undefined ? {} : { out: text('out') as string }),
    ...(format === undefined || command === 'export' ? {} : { format: format as DiagnosticFormat }),
    ...(command === 'export' ? { exportFormat: format as ExportFormat } : {}),
    ...(text('base-uri') === undefined ? {} : { baseUri: text('base-uri') as string }),
    strict: values['strict'] === true,
  });
  return { kind: 'run', command: command as 'generate' | 'check' | 'lint' | 'export', config, watch: values['watch'] === true };
}

function parseDiff(values: { catalog: string | undefined; against: string | undefined; mode: string | undefined; format: string | undefined }, files: readonly string[], cwd: string): Parsed {
  if (values.mode !== undefined && !(COMPATIBILITY_MODES as readonly string[]).includes(values.mode)) throw new UsageError(`--mode must be one of ${COMPATIBILITY_MODES.join(', ')}`);
  if (values.format !== undefined && !(DIAGNOSTIC_FORMATS as readonly string[]).includes(values.format)) throw new UsageError(`--format must be one of ${DIAGNOSTIC_FORMATS.join(', ')}`);
  const mode = (values.mode ?? 'backward') as CompatibilityMode;
  const format = (values.format ?? 'text') as DiagnosticFormat;
  const fromFile = (name: string): DiffSide => ({ name, read: () => readRegularFile(resolve(cwd, name), name) });
  if (values.against !== undefined) {
    if (files.length > 0) throw new UsageError('give either --against <ref> or two catalogue files, not both');
    const config = resolveConfig({ cwd, format, ...(values.catalog === undefined ? {} : { catalog: values.catalog }) });
    const ref = values.against;
    const old: DiffSide = { name: `${ref}:${config.catalogueName}`, read: () => readAtRef(ref, config.cataloguePath, config.catalogueName) };
    return { kind: 'diff', config, old, new: { name: config.catalogueName, read: () => readRegularFile(config.cataloguePath, config.catalogueName) }, mode };
  }
  const [before, after, extra] = files;
  if (before === undefined || after === undefined) throw new UsageError('diff needs <old.yaml> <new.yaml>, or --against <git-ref>');
  if (extra !== undefined) throw new UsageError(`unexpected argument '${extra}'`);
  const config = resolveConfig({ cwd, format, catalog: after });
  return { kind: 'diff', config, old: fromFile(before), new: fromFile(after), mode };
}

/**
 * The catalogue as it was at a git commit. git runs in the catalogue's own directory and `./`
 * names the file relative to it, so a relative or absolute path, inside the repository or in
 * another one, works alike.
 */
function readAtRef(ref: string, absolute: string, name: string): string {
  try {
    return execFileSync('git', ['-C', dirname(absolute), 'show', `${ref}:./${basename(absolute)}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28 });
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
    throw new UsageError(`cannot read ${name} at ${ref} through git: ${stderr === '' ? (error as Error).message : stderr}`);
  }
}

/** This package's root and manifest (found upward from this module: from source or from dist/). */
function ownPackage(): { root: string; version: string } {
  for (let url = new URL('./', import.meta.url); ; url = new URL('../', url)) {
    const candidate = new URL('package.json', url);
    if (existsSync(candidate)) {
      const manifest = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
      if (manifest.name === '@eventspec/cli') return { root: fileURLToPath(url), version: manifest.version ?? 'unknown' };
    }
    if (url.pathname === '/') return { root: fileURLToPath(new URL('../', import.meta.url)), version: 'unknown' };
  }
}

/** The modeline that points editors (yaml-language-server) at the catalogue's JSON Schema in this package. */
function schemaModeline(catalogue: string): string {
  const schema = relative(dirname(catalogue), join(ownPackage().root, CATALOGUE_SCHEMA_FILE)).split(sep).join('/');
  return `# yaml-language-server: $schema=${schema.startsWith('.') ? schema : `./${schema}`}\n`;
}

function init(path: string, io: Console): number {
  if (existsSync(path)) {
    io.err(`eventspec: ${path} exists; init writes a new catalogue and never overwrites one`);
    return EXIT.problems;
  }
  writeFileSync(path, schemaModeline(path) + STARTER_CATALOGUE, { flag: 'wx' });
  const name = basename(path);
  io.out(`created ${name}: one domain (order) and one event (order.placed).

Next:
  1. describe your events in ${name}
  2. npx eventspec generate            writes generated/ beside it
  3. import { emitOrderPlaced, eventRegistry, type PayloadMap } from './generated/index.js';
  4. in CI: npx eventspec check         fails when generated/ is stale`);
  return EXIT.ok;
}

async function runDiff(parsed: Extract<Parsed, { kind: 'diff' }>, io: Console, colors: Paint): Promise<number> {
  const { diffCatalogues } = await import('../diff/diff.ts');
  const { diffAnnotations, formatDiffJson, formatDiffText, locateChanges } = await import('../diff/format-diff.ts');
  const lint = (side: DiffSide): LintResult | undefined => {
    let text: string;
    try {
      text = side.read();
    } catch (error) {
      if (error instanceof UsageError) throw error;
      io.err(`eventspec: ${(fileProblemOf(error) ?? (error as Error)).message}`);
      return undefined;
    }
    const linted = lintCatalogue(text, side.name);
    if (!linted.ok) io.err(formatDiagnostics(linted.diagnostics, 'text', colors, (file) => (file === side.name ? text : undefined)));
    return linted;
  };
  const before = lint(parsed.old);
  const after = lint(parsed.new);
  if (before === undefined || after === undefined) return EXIT.usage;
  if (!before.ok) return EXIT.problems;
  // A new catalogue that is sound but misses a kept version or an upcaster is still compared:
  // what to keep is what diff can tell.
  const newSide = after.ok ? after : after.partial;
  if (newSide === undefined) return EXIT.problems;
  const result = diffCatalogues(before.model, newSide.model, parsed.mode);
  const changes = locateChanges(result, parsed.new.name, (change) => newSide.locate(change.path));
  const advice = keepAdvice(result, before, newSide);
  const format = parsed.config.format;
  if (format === 'json') io.out(formatDiffJson(result, changes, advice));
  else if (format === 'github') {
    const located = advice.map((each) => ({ ...each, file: parsed.new.name, ...newSide.locate(['events', each.event]) }));
    io.out([...diffAnnotations(result, changes, located).map(formatAnnotation), formatDiffText(result, changes, advice)].join('\n'));
  }
  else io.out(formatDiffText(result, changes, advice));
  return result.failed || !after.ok ? EXIT.problems : EXIT.ok;
}

async function runBump(parsed: Extract<Parsed, { kind: 'bump' }>, io: Console): Promise<number> {
  const { bumpEvent } = await import('./bump.ts');
  const { cataloguePath, catalogueName } = parsed.config;
  const text = readRegularFile(cataloguePath, catalogueName);
  const result = bumpEvent(text, catalogueName, parsed.event, parsed.upcast);
  if (!result.ok) {
    if (result.diagnostics !== undefined) io.err(formatDiagnostics(result.diagnostics, 'text', paints(io).err, (file) => (file === catalogueName ? text : undefined)));
    io.err(`eventspec: ${result.message}`);
    return EXIT.problems;
  }
  // Written beside and renamed over: an interrupted bump leaves the old file whole.
  const staging = `${cataloguePath}.eventspec-bump`;
  writeFileSync(staging, result.text);
  renameSync(staging, cataloguePath);
  io.out(`${parsed.event}: version ${result.from} kept under \`previous\`; now at version ${result.to}.

Next:
  1. change the payload of ${parsed.event} in ${catalogueName}
  2. eventspec lint      a breaking step asks for \`upcast: <what changes>\` on version ${result.from}${parsed.upcast === undefined ? '' : ' (declared)'}
  3. eventspec generate  then implement it: defineUpcasters({ '${parsed.event}': { v${result.from}: (payload, event) => ... } })`);
  return EXIT.ok;
}

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
  watching = true;
  await once(0);
  io.out(`watching ${config.catalogueName} for changes (Ctrl-C to stop)`);
  await watchFile(config.cataloguePath, () => once(performance.now()), stop);
  io.out('stopped watching');
  return EXIT.ok;
}

function paints(io: Console): { out: Paint; err: Paint } {
  return { out: paint(io.color?.out === true), err: paint(io.color?.err === true) };
}

function report(diagnostics: readonly Diagnostic[], config: Config, io: Console, text?: string): void {
  if (config.format === 'json') {
    io.out(formatDiagnostics(diagnostics, 'json'));
  } else if (diagnostics.length > 0) {
    if (config.format === 'github') io.out(formatDiagnostics(diagnostics, 'github'));
    else io.err(formatDiagnostics(diagnostics, 'text', paints(io).err, (file) => (file === config.catalogueName ? text : undefined)));
  }
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** Time since `since` (default: process start, so a one-off run's figure includes start-up, as users feel it). */
function elapsed(since = 0): string {
  return `${Math.round(performance.now() - since)} ms`;
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

async function run(command: 'generate' | 'check' | 'lint' | 'export', config: Config, io: Console, verifier: () => Verifier, started = 0): Promise<number> {
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
    const parts = [
      ...drift.changed.map(({ path }) => `changed: ${path}`),
      ...drift.missing.map((path) => `missing: ${path}`),
      ...drift.extra.map((path) => `extra: ${path}`),
    ];
    io.err(`${paints(io).err.red(`${config.outName}/ is stale or was edited by hand:`)}\n  ${parts.join('\n  ')}\nRun \`eventspec generate\` and commit the result.`);
    return EXIT.problems;
  }

  const outcome = await uninterrupted(() => writeOutput(config.outDir, files, onDisk));
  if (config.format !== 'json') io.out(`${outcome === 'written' ? 'generated' : 'unchanged:'} ${counts} in ${elapsed(started)}`);
  return EXIT.ok;
}

/**
 * Runs the CLI; resolves to the exit code. Never throws for a user's mistake, and closes the
 * verifier (which the caller may have started early, to overlap it with start-up) on every path.
 */
export async function main(argv: readonly string[], io: Console = processConsole, verifier?: Verifier, stop?: AbortSignal, cwd: string = process.cwd()): Promise<number> {
  let started = verifier;
  try {
    let parsed: Parsed;
    try {
      parsed = parse(argv, cwd);
    } catch (error) {
      if (error instanceof UsageError || error instanceof CatalogueNotFound) {
        io.err(`eventspec: ${error.message}`);
        return EXIT.usage;
      }
      throw error;
    }
    switch (parsed.kind) {
      case 'help':
        io.out(parsed.text);
        return EXIT.ok;
      case 'version':
        io.out(ownPackage().version);
        return EXIT.ok;
      case 'init':
        return init(parsed.path, io);
      case 'lsp': {
        const { startServer } = await import('../lsp/server.ts');
        await startServer();
        return EXIT.ok;
      }
      case 'import':
        return runImport(parsed.request, io, (diagnostics, text) => formatDiagnostics(diagnostics, 'text', paints(io).err, () => text));
      case 'diff':
        return await runDiff(parsed, io, paints(io).err);
      case 'bump':
        return await runBump(parsed, io);
      case 'run': {
        const getVerifier = (): Verifier => (started ??= startVerifier());
        if (parsed.watch) {
          if (parsed.command !== 'generate') throw new UsageError('--watch goes with generate');
          return await runWatch(parsed.config, io, getVerifier, stop ?? stopOnSignals());
        }
        return await run(parsed.command, parsed.config, io, getVerifier);
      }
    }
    const unreachable: never = parsed;
    return unreachable;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`eventspec: ${error.message}`);
      return EXIT.usage;
    }
    if (error instanceof OutputError) {
      io.err(`eventspec: ${error.message}`);
      return EXIT.problems;
    }
    // The file system refused something (a read-only disk, a full one, a path that is a file):
    // the user's environment, not a bug.
    const problem = fileProblemOf(error);
    if (problem !== undefined) {
      io.err(`eventspec: ${problem.message}`);
      return EXIT.usage;
    }
    const detail = error instanceof GeneratedCodeError ? error.message : ((error as Error).stack ?? String(error));
    io.err(`eventspec: internal error (a bug in eventspec, not in your catalogue; please report it):\n${detail}`);
    return EXIT.internal;
  } finally {
    await started?.close();
  }
}
