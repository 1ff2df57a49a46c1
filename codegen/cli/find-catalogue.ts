/**
 * Where the catalogue is when `--catalog` is not given, found as git and tsc find their files:
 * from the current directory upward, stopping at the repository's root (the directory with
 * `.git`) or the file system's. In each directory, a package.json with an `eventspec` entry
 * (`{ "catalog": "events/catalog.yaml", "out": "src/generated" }`, paths relative to it) wins over
 * a `catalog.yaml` beside it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

export const CATALOGUE_FILE = 'catalog.yaml';

export interface Found {
  /** Absolute path of the catalogue. */
  readonly catalogue: string;
  /** Absolute path of the output directory the project asks for, if it names one. */
  readonly out?: string;
}

/** The package.json `eventspec` entry of a directory, if it has one. */
function packageEntry(directory: string): { catalog?: unknown; out?: unknown } | undefined {
  const path = join(directory, 'package.json');
  if (!existsSync(path)) return undefined;
  try {
    const entry = (JSON.parse(readFileSync(path, 'utf8')) as { eventspec?: unknown }).eventspec;
    return typeof entry === 'object' && entry !== null ? entry : undefined;
  } catch {
    return undefined;
  }
}

export class CatalogueNotFound extends Error {
  override readonly name = 'CatalogueNotFound';
}

export function findCatalogue(cwd: string): Found {
  const start = resolve(cwd);
  for (let directory = start; ; directory = dirname(directory)) {
    const entry = packageEntry(directory);
    if (entry !== undefined) {
      if (typeof entry.catalog !== 'string' || (entry.out !== undefined && typeof entry.out !== 'string')) {
        throw new CatalogueNotFound(`${join(directory, 'package.json')}: "eventspec" must be { "catalog": "<file>", "out"?: "<directory>" }`);
      }
      return { catalogue: resolve(directory, entry.catalog), ...(typeof entry.out === 'string' ? { out: resolve(directory, entry.out) } : {}) };
    }
    if (existsSync(join(directory, CATALOGUE_FILE))) return { catalogue: join(directory, CATALOGUE_FILE) };
    const top = existsSync(join(directory, '.git')) || dirname(directory) === directory;
    if (top) {
      const searched = directory === start ? start : `${start} and every directory above it up to ${directory}`;
      throw new CatalogueNotFound(`no ${CATALOGUE_FILE} (nor a package.json "eventspec" entry) in ${searched}; run \`eventspec init\` to create one, or pass --catalog <file>`);
    }
  }
}

/** A path as messages show it: relative to the current directory when that is shorter. */
export function displayPath(path: string, cwd: string): string {
  const shown = relative(cwd, path);
  return shown === '' ? '.' : shown.length < path.length ? shown : path;
}
