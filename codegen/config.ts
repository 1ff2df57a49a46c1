/** Options from the CLI or the API, resolved once into a fully defaulted configuration. */
import { basename, resolve } from 'node:path';
import type { DiagnosticFormat } from './format-diagnostics.ts';

/** Compatibility modes of `eventspec diff` (see diff.ts). */
export type CompatibilityMode = 'backward' | 'forward' | 'full';
export const COMPATIBILITY_MODES: readonly CompatibilityMode[] = ['backward', 'forward', 'full'];

export type ExportFormat = 'jsonschema' | 'asyncapi';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['jsonschema', 'asyncapi'];

export interface UserOptions {
  readonly catalog?: string;
  readonly out?: string;
  readonly format?: DiagnosticFormat;
  readonly exportFormat?: ExportFormat;
  readonly baseUri?: string;
  readonly cwd?: string;
}

export interface Config {
  /** Absolute path of the catalogue. */
  readonly cataloguePath: string;
  /** How diagnostics and headers name the catalogue: the path as given, never made absolute. */
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
}

export const DEFAULT_CATALOGUE = 'catalog.yaml';
export const DEFAULT_OUT = 'generated';
/** Where `export` writes when no --out is given. */
export const DEFAULT_EXPORT_OUT: { readonly [F in ExportFormat]: string } = { jsonschema: 'jsonschema', asyncapi: 'asyncapi' };
export const DEFAULT_BASE_URI = 'urn:eventspec:';

export function resolveConfig(options: UserOptions): Config {
  const cwd = options.cwd ?? process.cwd();
  const catalog = options.catalog ?? DEFAULT_CATALOGUE;
  const exportFormat = options.exportFormat ?? 'jsonschema';
  const out = options.out ?? (options.exportFormat === undefined ? DEFAULT_OUT : DEFAULT_EXPORT_OUT[exportFormat]);
  return {
    cataloguePath: resolve(cwd, catalog),
    catalogueName: catalog,
    headerName: basename(catalog),
    outDir: resolve(cwd, out),
    outName: out.replace(/\/+$/, '') || basename(resolve(cwd, out)),
    format: options.format ?? 'text',
    exportFormat,
    baseUri: options.baseUri ?? DEFAULT_BASE_URI,
  };
}
