/** Options from the command line, resolved once into a fully defaulted configuration. */
import { basename, dirname, resolve } from 'node:path';
import { displayPath, findCatalogue } from './find-catalogue.ts';
import { DEFAULT_BASE_URI } from '../pipeline/render/json-schema.ts';
import type { DiagnosticFormat } from './format-diagnostics.ts';

export type ExportFormat = 'jsonschema' | 'asyncapi';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['jsonschema', 'asyncapi'];

export interface UserOptions {
  readonly catalog?: string;
  readonly out?: string;
  readonly format?: DiagnosticFormat;
  readonly exportFormat?: ExportFormat;
  readonly baseUri?: string;
  /** Warnings fail, as errors do (`--strict`). */
  readonly strict?: boolean;
  readonly cwd?: string;
}

export interface Config {
  /** Absolute path of the catalogue. */
  readonly cataloguePath: string;
  /** How diagnostics name the catalogue: relative to the current directory when shorter. */
  readonly catalogueName: string;
  /** How generated headers name the catalogue: its file name only, the same from any directory. */
  readonly headerName: string;
  /** Absolute path of the output directory. */
  readonly outDir: string;
  /** How diagnostics and diffs name the output directory. */
  readonly outName: string;
  readonly format: DiagnosticFormat;
  /** `export`: what to write. */
  readonly exportFormat: ExportFormat;
  /** The base of exported schemas' `$id`s. */
  readonly baseUri: string;
  /** Warnings fail, as errors do (`--strict`, or the catalogue's `defaults.strict`). */
  readonly strict: boolean;
}

export const DEFAULT_OUT = 'generated';
/** Where `export` writes when no --out is given. */
export const DEFAULT_EXPORT_OUT: { readonly [F in ExportFormat]: string } = { jsonschema: 'jsonschema', asyncapi: 'asyncapi' };

/**
 * Without `--catalog`, the catalogue is found from the current directory upward (see
 * find-catalogue.ts). Without `--out`, the output goes beside the catalogue (`generated/`), or
 * where the project's package.json `eventspec` entry says. Throws `CatalogueNotFound`.
 */
export function resolveConfig(options: UserOptions): Config {
  const cwd = options.cwd ?? process.cwd();
  const found = options.catalog === undefined ? findCatalogue(cwd) : { catalogue: resolve(cwd, options.catalog) };
  const exportFormat = options.exportFormat ?? 'jsonschema';
  const defaultOut = options.exportFormat === undefined ? ('out' in found && found.out !== undefined ? found.out : resolve(dirname(found.catalogue), DEFAULT_OUT)) : resolve(cwd, DEFAULT_EXPORT_OUT[exportFormat]);
  const outDir = options.out === undefined ? defaultOut : resolve(cwd, options.out);
  return {
    cataloguePath: found.catalogue,
    catalogueName: options.catalog ?? displayPath(found.catalogue, cwd),
    headerName: basename(found.catalogue),
    outDir,
    outName: options.out?.replace(/\/+$/, '') || displayPath(outDir, cwd),
    format: options.format ?? 'text',
    exportFormat,
    baseUri: options.baseUri ?? DEFAULT_BASE_URI,
    strict: options.strict === true,
  };
}
