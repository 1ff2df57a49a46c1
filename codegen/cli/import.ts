/**
 * `eventspec import <source>`: a catalogue from what a team already has, a directory of JSON
 * Schemas, a JSON Schema bundle or an AsyncAPI document. Writes a new file (never over one),
 * then lints it, so every construct the catalogue cannot take is reported with its location.
 */
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, relative, sep } from 'node:path';
import { FileProblem, fileProblemOf, readRegularFile } from './files.ts';
import { parse as parseYaml } from 'yaml';
import { catalogueText } from '../import/catalogue-text.ts';
import { importAsyncApi, isAsyncApi } from '../import/asyncapi.ts';
import { importJsonSchemas } from '../import/json-schema.ts';
import type { SourceFile } from '../import/sources.ts';
import { lintCatalogue } from '../pipeline/index.ts';
import { hasErrors } from '../catalogue/diagnostics.ts';

export interface ImportRequest {
  /** The directory or file to import, and how the user named it. */
  readonly source: string;
  readonly sourceName: string;
  /** The catalogue to write, and how the user named it. */
  readonly catalogue: string;
  readonly catalogueName: string;
  readonly formats: 'assert' | 'annotate';
}

/** A mistake in what was given to import: reported in one line, exit 1. */
export class ImportError extends Error {}

const SCHEMA_FILE = /\.(json|ya?ml)$/i;

function readSource(path: string, name: string): SourceFile {
  const text = readRegularFile(path, name);
  try {
    return { name, data: extname(path).toLowerCase() === '.json' ? (JSON.parse(text) as unknown) : (parseYaml(text, { maxAliasCount: 1000 }) as unknown) };
  } catch (error) {
    throw new ImportError(`${name} is not valid ${extname(path).toLowerCase() === '.json' ? 'JSON' : 'YAML'}: ${(error as Error).message.split('\n')[0]}`);
  }
}

/** Every schema file under a directory, in a stable order, named by its path from there. */
function filesUnder(directory: string): string[] {
  return readdirSync(directory, { recursive: true, encoding: 'utf8' })
    .filter((entry) => SCHEMA_FILE.test(entry) && statSync(join(directory, entry)).isFile())
    .sort();
}

export interface ImportOutcome {
  readonly text: string;
  readonly events: number;
  readonly types: number;
}

/** Reads the source and writes the catalogue text it makes. */
export function importCatalogue(request: ImportRequest): ImportOutcome {
  if (!existsSync(request.source)) throw new ImportError(`${request.sourceName} does not exist`);
  if (existsSync(request.catalogue)) throw new ImportError(`${request.catalogueName} exists; import writes a new catalogue and never overwrites one (choose another with --catalog)`);
  let imported;
  if (statSync(request.source).isDirectory()) {
    const files = filesUnder(request.source).map((entry) => readSource(join(request.source, entry), entry.split(sep).join('/')));
    if (files.length === 0) throw new ImportError(`${request.sourceName} holds no .json, .yaml or .yml files`);
    imported = importJsonSchemas(files, request.sourceName);
  } else {
    const file = readSource(request.source, basename(request.source));
    // Files the document's references name, by their path from its folder.
    const folder = dirname(request.source);
    const load = (name: string): SourceFile | undefined => {
      const path = join(folder, name);
      return existsSync(path) ? readSource(path, name) : undefined;
    };
    imported = isAsyncApi(file.data) ? importAsyncApi(file, request.sourceName, load) : importJsonSchemas([file], request.sourceName);
  }
  if (imported.events.length === 0) {
    // Say which reason applies: the notes record what was left out and why.
    const reasons = imported.notes.filter((note) => /left out|are no events/.test(note));
    throw new ImportError(`${request.sourceName} has no events to import: ${reasons.length > 0 ? reasons.join('; ') : 'it has no message payloads and no schemas'}`);
  }
  const text = catalogueText(imported, { formats: request.formats });
  // A catalogue in a folder that does not exist yet gets the folder, as `generate --out` does.
  mkdirSync(dirname(request.catalogue), { recursive: true });
  writeFileSync(request.catalogue, text, { flag: 'wx' });
  return { text, events: imported.events.length, types: Object.keys(imported.types).length };
}

/** The command: import, write, lint; 0 when the new catalogue lints clean, 1 otherwise. */
export function runImport(request: ImportRequest, io: { readonly out: (text: string) => void; readonly err: (text: string) => void }, format: (diagnostics: Parameters<typeof hasErrors>[0], text: string) => string): number {
  let outcome: ImportOutcome;
  try {
    outcome = importCatalogue(request);
  } catch (error) {
    if (error instanceof ImportError || error instanceof FileProblem) {
      io.err(`eventspec: ${error.message}`);
      return 1;
    }
    const problem = fileProblemOf(error);
    if (problem !== undefined) {
      io.err(`eventspec: ${problem.message}`);
      return 2;
    }
    // Schemas nested thousands deep exhaust the stack of every step that walks them.
    if (error instanceof RangeError && /call stack/i.test(error.message)) {
      io.err(`eventspec: ${request.sourceName} nests schemas too deeply to import (thousands of levels)`);
      return 1;
    }
    throw error;
  }
  const linted = lintCatalogue(outcome.text, request.catalogueName);
  if (linted.diagnostics.length > 0) io.err(format(linted.diagnostics, outcome.text));
  const what = `${outcome.events} event${outcome.events === 1 ? '' : 's'} and ${outcome.types} shared type${outcome.types === 1 ? '' : 's'}`;
  if (hasErrors(linted.diagnostics)) {
    io.out(`wrote ${request.catalogueName} (${what} from ${request.sourceName}); it needs the fixes above before it generates`);
    return 1;
  }
  io.out(`imported ${what} from ${request.sourceName} into ${request.catalogueName}\n\nNext: npx eventspec generate`);
  return 0;
}

/** How a path is shown: relative to where the command runs, when it is below it. */
export function displayed(path: string, cwd: string): string {
  const shown = relative(cwd, path);
  return shown.startsWith('..') || shown === '' ? path : shown;
}
