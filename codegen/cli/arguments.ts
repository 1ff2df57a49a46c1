/** The command line as the CLI reads it: options, commands, their help, and the parsed request. */
import { execFileSync, spawnSync } from 'node:child_process';
import { basename, dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { closest } from '../catalogue/suggest.ts';
import { readRegularFile } from './files.ts';
import { COMPATIBILITY_MODES, type CompatibilityMode } from '../diff/modes.ts';
import { EXPORT_FORMATS, resolveConfig, type Config, type ExportFormat } from './config.ts';
import { CATALOGUE_FILE } from './find-catalogue.ts';
import { DIAGNOSTIC_FORMATS, type DiagnosticFormat } from './format-diagnostics.ts';
import { displayed, type ImportRequest } from './import.ts';

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

export class UsageError extends Error {}

export interface DiffSide {
  readonly name: string;
  readonly read: () => string;
}

export type Parsed =
  | { readonly kind: 'help'; readonly text: string }
  | { readonly kind: 'version' }
  | { readonly kind: 'init'; readonly path: string }
  | { readonly kind: 'import'; readonly request: ImportRequest }
  | { readonly kind: 'lsp' }
  | { readonly kind: 'bump'; readonly config: Config; readonly event: string; readonly upcast?: string }
  | { readonly kind: 'run'; readonly command: 'generate' | 'check' | 'lint' | 'export'; readonly config: Config; readonly watch: boolean }
  | { readonly kind: 'diff'; readonly config: Config; readonly old: DiffSide; readonly new: DiffSide; readonly mode: CompatibilityMode };

const parseOptions = Object.fromEntries(Object.entries(OPTIONS).map(([name, spec]) => [name, 'short' in spec ? { type: spec.type, short: spec.short } : { type: spec.type }]));

export function parse(argv: readonly string[], cwd: string): Parsed {
  // Not strict: unknown options are answered below, in one line and with a did-you-mean.
  const { values, positionals, tokens } = parseArgs({ args: [...argv], allowPositionals: true, strict: false, tokens: true, options: parseOptions });
  if (values['version'] === true) return { kind: 'version' };
  const [command, ...rest] = positionals;
  if (command === undefined) {
    if (values['help'] === true) return { kind: 'help', text: USAGE };
    throw new UsageError('missing command; run `eventspec --help` for the commands');
  }
  const spec = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (spec === undefined && command === 'watch') throw new UsageError('there is no `watch` command: `eventspec generate --watch` regenerates on every save');
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

export function parseDiff(values: { catalog: string | undefined; against: string | undefined; mode: string | undefined; format: string | undefined }, files: readonly string[], cwd: string): Parsed {
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
export function readAtRef(ref: string, absolute: string, name: string): string {
  try {
    return execFileSync('git', ['-C', dirname(absolute), 'show', `${ref}:./${basename(absolute)}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28 });
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
    // CI checkouts are shallow by default: the commit asked for is not there to read.
    const shallow = spawnSync('git', ['-C', dirname(absolute), 'rev-parse', '--is-shallow-repository'], { encoding: 'utf8' }).stdout.trim() === 'true';
    const hint = shallow ? `; this is a shallow clone, so ${ref} may not be in it: fetch the history (\`git fetch --unshallow\`, or \`fetch-depth: 0\` in actions/checkout)` : '';
    throw new UsageError(`cannot read ${name} at ${ref} through git: ${stderr === '' ? (error as Error).message : stderr.split('\n')[0]}${hint}`);
  }
}
