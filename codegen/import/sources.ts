/**
 * The schemas an import reads, and the shared types it makes of what they refer to: every target
 * of a `$ref` (a definition, a whole file, any JSON Pointer) becomes one shared type, converted
 * once, named after what the source calls it.
 */
import { posix } from 'node:path';
import { convertSchema, isLegacyDialect } from './convert.ts';
import { typeNameOf, unique } from './names.ts';
import { isRecord } from '../pipeline/validate/schema-keywords.ts';

type Json = ReturnType<typeof convertSchema>;

export interface SourceFile {
  /** Its path relative to what was imported (`issues/opened.json`), `/`-separated. */
  readonly name: string;
  readonly data: unknown;
}


/** The value at a JSON Pointer (`/definitions/user`), or undefined. */
export function resolvePointer(root: unknown, pointer: string): unknown {
  if (pointer === '') return root;
  let current: unknown = root;
  for (const raw of pointer.split('/').slice(1)) {
    const token = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (Array.isArray(current)) current = current[Number(token)];
    else if (isRecord(current) && Object.hasOwn(current, token)) current = current[token];
    else return undefined;
  }
  return current;
}

function decodeFragment(fragment: string): string | undefined {
  try {
    return decodeURIComponent(fragment);
  } catch {
    return undefined;
  }
}

/** Keywords in a JSON Pointer that name no schema of their own: `/properties/a/items` is `AItems`. */
const CONTAINERS: ReadonlySet<string> = new Set(['definitions', '$defs', 'components', 'schemas', 'properties']);

/** A whole file is named after the file; a pointer after its tokens, containers left out. */
function defaultTypeName(file: SourceFile, pointer: string): string {
  const tokens = pointer.split('/').filter((token) => token !== '' && !CONTAINERS.has(token));
  return typeNameOf(tokens.length === 0 ? file.name.replace(/\.(json|ya?ml)$/i, '') : tokens.join('_'));
}

/**
 * The name of the file a reference's location names, from the file it is written in: both
 * relative to what was imported, `/`-separated (`events/a.json` + `../common/b.yaml` →
 * `common/b.yaml`; a name above the import starts with `../`).
 */
export function referencedName(from: string, location: string): string {
  let decoded = location;
  try {
    decoded = decodeURI(location);
  } catch {
    // kept as written
  }
  return posix.normalize(posix.join(posix.dirname(from), decoded));
}

/** How a target is known: `key`, when several targets are one type; `name`, its name. */
export interface Identity {
  readonly key?: string;
  readonly name?: string;
}

export class SchemaSources {
  readonly #files: Map<string, SourceFile>;
  /** Reads a file a reference names that was not given (AsyncAPI documents split into files). */
  readonly #load: ((name: string) => SourceFile | undefined) | undefined;
  /** `file#pointer` → the shared type made of it. */
  readonly #types = new Map<string, string>();
  readonly #converted = new Map<string, Json>();
  readonly #queue: { key: string; file: SourceFile; pointer: string }[] = [];
  readonly #taken: Set<string>;
  readonly #notes = new Set<string>();
  /** How the caller names some targets, and which of them are one type (definitions several files hold alike). */
  readonly #identify: (file: SourceFile, pointer: string) => Identity | undefined;
  /** AsyncAPI's schemas are draft-07 supersets whatever they say. */
  readonly #legacyAlways: boolean;

  constructor(files: readonly SourceFile[], options: { readonly identify?: (file: SourceFile, pointer: string) => Identity | undefined; readonly legacy?: boolean; readonly load?: (name: string) => SourceFile | undefined } = {}) {
    this.#files = new Map(files.map((file) => [file.name, file]));
    this.#load = options.load;
    this.#taken = new Set();
    this.#identify = options.identify ?? (() => undefined);
    this.#legacyAlways = options.legacy === true;
  }

  note(change: string): void {
    this.#notes.add(change);
  }

  get notes(): readonly string[] {
    return [...this.#notes];
  }

  /** Converts a schema found in `file` (its references resolved from that file). */
  convert(file: SourceFile, schema: unknown): Json {
    const legacy = this.#legacyAlways || isLegacyDialect(isRecord(file.data) ? file.data['$schema'] : undefined);
    return convertSchema(schema, { legacy, ref: (ref) => this.#reference(file, ref), note: (change) => this.note(change) });
  }

  /** A file by its name: one given, or one the loader reads (then kept). */
  file(name: string): SourceFile | undefined {
    let found = this.#files.get(name);
    if (found === undefined && this.#load !== undefined) {
      found = this.#load(name);
      if (found !== undefined) this.#files.set(name, found);
    }
    return found;
  }

  /** The shared type for the schema at `pointer` in `file` (made on first use). */
  typeFor(file: SourceFile, pointer: string): string {
    const identity = this.#identify(file, pointer);
    const key = identity?.key ?? `${file.name}#${pointer}`;
    let name = this.#types.get(key);
    if (name === undefined) {
      name = unique(identity?.name ?? defaultTypeName(file, pointer), this.#taken);
      this.#types.set(key, name);
      this.#queue.push({ key, file, pointer });
    }
    return name;
  }

  #reference(file: SourceFile, ref: string): string {
    const hash = ref.indexOf('#');
    const location = hash < 0 ? ref : ref.slice(0, hash);
    const pointer = decodeFragment(hash < 0 ? '' : ref.slice(hash + 1));
    const target = location === '' ? file : this.file(referencedName(file.name, location));
    if (target === undefined || pointer === undefined || (pointer !== '' && !pointer.startsWith('/')) || resolvePointer(target.data, pointer) === undefined) {
      this.note(`references that resolve to nothing here (such as \`${ref}\`) were left as they are: lint reports each`);
      return ref;
    }
    return `#/types/${this.typeFor(target, pointer)}`;
  }

  /** The source schema a shared type was made of. */
  sourceOf(name: string): unknown {
    const entry = this.#queue.find(({ key }) => this.#types.get(key) === name);
    return entry === undefined ? undefined : resolvePointer(entry.file.data, entry.pointer);
  }

  /** Converts every type referred to so far (and what those refer to), in the order they were met. */
  types(): Record<string, Json> {
    for (let index = 0; index < this.#queue.length; index++) {
      const { key, file, pointer } = this.#queue[index] as { key: string; file: SourceFile; pointer: string };
      this.#converted.set(key, this.convert(file, resolvePointer(file.data, pointer)));
    }
    return Object.fromEntries(this.#queue.map(({ key }) => [this.#types.get(key) as string, this.#converted.get(key) as Json]));
  }
}
