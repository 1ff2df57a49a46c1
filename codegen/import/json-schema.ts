/**
 * `eventspec import` of JSON Schemas: a directory of files, one event each (its path names it:
 * `issues/opened.json` → `issues.opened`), or one file whose top is a `oneOf`/`anyOf` of its own
 * definitions (a bundle: each definition it lists is an event, `issues$opened` → `issues.opened`,
 * through definitions that are themselves such lists). Every other definition a schema refers to
 * becomes a shared type; definitions that several files hold alike become one.
 */
import { eventNameOf, typeNameOf, unique } from './names.ts';
import { referencedName, resolvePointer, SchemaSources, type SourceFile } from './sources.ts';
import type { ImportedCatalogue, ImportedEvent } from './catalogue-text.ts';
import { isRecord } from '../pipeline/validate/schema-keywords.ts';


/** A file's definitions (`$defs`, or draft-07's `definitions`). */
function definitionsOf(data: unknown): Record<string, unknown> {
  if (!isRecord(data)) return {};
  for (const keyword of ['$defs', 'definitions']) if (isRecord(data[keyword])) return data[keyword];
  return {};
}

const LOCAL_DEFINITION = /^#\/(\$defs|definitions)\/([^/]+)$/;

/** The definitions a bundle lists as its events, through definitions that only list others. */
function bundleEvents(file: SourceFile): string[] | undefined {
  const data = file.data;
  if (!isRecord(data)) return undefined;
  const listed = (schema: unknown): string[] | undefined => {
    if (!isRecord(schema)) return undefined;
    const members = schema['oneOf'] ?? schema['anyOf'];
    if (!Array.isArray(members) || members.length === 0) return undefined;
    const pointers = members.map((member) => (isRecord(member) && typeof member['$ref'] === 'string' ? LOCAL_DEFINITION.exec(member['$ref'])?.[0] : undefined));
    return pointers.every((pointer) => pointer !== undefined) ? (pointers as string[]) : undefined;
  };
  const top = listed(data);
  if (top === undefined) return undefined;
  const events: string[] = [];
  const seen = new Set<string>();
  const expand = (ref: string): void => {
    if (seen.has(ref)) return;
    seen.add(ref);
    const nested = listed(resolvePointer(data, ref.slice(1)));
    if (nested === undefined || Object.keys(resolvePointer(data, ref.slice(1)) as object).some((key) => !['oneOf', 'anyOf', 'title', 'description', '$schema', '$comment'].includes(key))) events.push(ref);
    else nested.forEach(expand);
  };
  top.forEach(expand);
  return events;
}

/** Keys a file of definitions may have besides them: a schema of its own has any other. */
const ABOUT_A_FILE: ReadonlySet<string> = new Set(['$schema', '$id', 'id', 'title', 'description', '$comment', '$defs', 'definitions']);

/**
 * A file that only holds definitions for others to refer to (`{ $defs: {...} }`, as `eventspec
 * export` writes catalogue.json), or that says so (`x-eventspec: { definitions: true }`).
 */
function definitionsOnly(data: unknown): boolean {
  if (!isRecord(data)) return false;
  const extension = data['x-eventspec'];
  if (isRecord(extension) && extension['definitions'] === true) return true;
  return Object.keys(definitionsOf(data)).length > 0 && Object.keys(data).every((key) => ABOUT_A_FILE.has(key) || key.startsWith('x-'));
}

/** A schema's own `examples` are payloads of its event: lint checks each against the payload. */
function examplesOf(schema: unknown): { examples?: NonNullable<ImportedEvent['examples']> } {
  return isRecord(schema) && Array.isArray(schema['examples']) && schema['examples'].length > 0 ? { examples: schema['examples'] as NonNullable<ImportedEvent['examples']> } : {};
}

function withoutExamples(schema: unknown): unknown {
  if (!isRecord(schema) || !('examples' in schema)) return schema;
  const { examples: _examples, ...rest } = schema;
  return rest;
}

function descriptionOf(schema: unknown, fallback: string): string {
  if (isRecord(schema)) {
    for (const key of ['description', 'title']) if (typeof schema[key] === 'string' && schema[key] !== '') return schema[key];
  }
  return fallback;
}

/** What an exported earlier version says its upcaster does (`x-eventspec.upcast`, as `eventspec export` writes it). */
function upcastOf(schema: unknown): string | undefined {
  const extension = isRecord(schema) ? schema['x-eventspec'] : undefined;
  const upcast = isRecord(extension) ? extension['upcast'] : undefined;
  return typeof upcast === 'string' && upcast !== '' ? upcast : undefined;
}

/** Every `$ref` string inside a schema, at any depth. */
function refsIn(schema: unknown, found: string[] = []): string[] {
  const stack: unknown[] = [schema];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (Array.isArray(node)) stack.push(...(node as unknown[]));
    else if (isRecord(node)) {
      for (const [key, value] of Object.entries(node)) {
        if (key === '$ref' && typeof value === 'string') found.push(value);
        else stack.push(value);
      }
    }
  }
  return found;
}

/**
 * What a definition means once its references are followed: its text and the text of everything
 * it reaches, each reached schema named by its file (`''` for its own) and pointer. Two files'
 * definitions are one type only when these are equal: the same text whose `#/$defs/Inner` points
 * to a different `Inner` in each file is two types (Google's event schemas are written so).
 */
function resolvedIdentity(files: ReadonlyMap<string, SourceFile>, file: SourceFile, pointer: string): string {
  const reached = new Map<string, string>();
  const stack: [SourceFile, string][] = [[file, pointer]];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const [where, at] = next;
    // The definition itself, and draft-07's `definitions` read as `$defs`: keyed by meaning, not spelling.
    const key = where === file && at === pointer ? '(this definition)' : `${where === file ? '' : where.name}#${at.replace(/^\/definitions\//, '/$defs/')}`;
    if (reached.has(key)) continue;
    const target = resolvePointer(where.data, at);
    reached.set(key, JSON.stringify(target) ?? 'undefined');
    for (const ref of refsIn(target)) {
      const hash = ref.indexOf('#');
      const location = hash < 0 ? ref : ref.slice(0, hash);
      const fragment = hash < 0 ? '' : ref.slice(hash + 1);
      const other = location === '' ? where : files.get(referencedName(where.name, location));
      let decoded: string;
      try {
        decoded = decodeURIComponent(fragment);
      } catch {
        decoded = fragment;
      }
      if (other === undefined) reached.set(`unresolved:${ref}`, '');
      else stack.push([other, decoded]);
    }
  }
  return JSON.stringify([...reached].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** A catalogue of the events in these JSON Schema files. */
export function importJsonSchemas(files: readonly SourceFile[], source: string): ImportedCatalogue {
  const single = files.length === 1 ? files[0] : undefined;
  const bundle = single === undefined ? undefined : bundleEvents(single);
  // Definitions that several files hold alike are one type, named after the definition; others
  // are named after their file too.
  const contents = new Map<string, Set<string>>();
  const byName = new Map(files.map((file) => [file.name, file]));
  for (const file of files) {
    const keyword = isRecord(file.data) && isRecord(file.data['$defs']) ? '$defs' : 'definitions';
    for (const name of Object.keys(definitionsOf(file.data))) {
      const pointer = `/${keyword}/${name.replaceAll('~', '~0').replaceAll('/', '~1')}`;
      contents.set(name, (contents.get(name) ?? new Set()).add(resolvedIdentity(byName, file, pointer)));
    }
  }
  const sources = new SchemaSources(files, {
    identify: (file, pointer) => {
      const token = /^\/(?:\$defs|definitions)\/([^/]+)$/.exec(pointer)?.[1];
      if (token === undefined) return undefined;
      const name = token.replaceAll('~1', '/').replaceAll('~0', '~');
      if (single !== undefined || contents.get(name)?.size === 1) return { key: `definition#${name}`, name: typeNameOf(name) };
      return { name: typeNameOf(`${file.name.replace(/\.(json|ya?ml)$/i, '')}_${name}`) };
    },
  });
  const events: ImportedEvent[] = [];
  const eventNames = new Set<string>();
  if (single !== undefined && bundle !== undefined) {
    for (const ref of bundle) {
      const definition = (ref.split('/').at(-1) ?? ref).replaceAll('~1', '/').replaceAll('~0', '~');
      const schema = resolvePointer(single.data, ref.slice(1));
      const name = unique(eventNameOf(definition), eventNames, '_');
      events.push({ name, description: descriptionOf(schema, `Imported from ${source}${ref}.`), payload: sources.convert(single, withoutExamples(schema)), ...examplesOf(schema) });
    }
  } else {
    // `plan.created.v2.json`, as `eventspec export` names files: the event and its version.
    // Several versions of one event become one event at the highest, the others its history.
    const byEvent = new Map<string, { file: SourceFile; version?: number }[]>();
    for (const file of files) {
      if (definitionsOnly(file.data)) {
        sources.note(`files that hold only definitions (such as \`${file.name}\`) are no events: their definitions became shared types where events refer to them`);
        continue;
      }
      const stem = file.name.replace(/\.(schema\.)?(json|ya?ml)$/i, '');
      const versioned = /^(.*)\.v([1-9]\d*)$/.exec(stem);
      const base = eventNameOf((versioned?.[1] ?? stem).replaceAll('/', '.'));
      const entry = versioned === null ? { file } : { file, version: Number(versioned[2]) };
      const group = byEvent.get(base);
      const clash = group !== undefined && (entry.version === undefined || group.some((each) => each.version === undefined || each.version === entry.version));
      if (group === undefined || clash) byEvent.set(clash ? `${base}\u0000${files.indexOf(file)}` : base, [entry]);
      else group.push(entry);
    }
    for (const [key, group] of byEvent) {
      const ordered = [...group].sort((a, b) => (a.version ?? 0) - (b.version ?? 0));
      const current = ordered.at(-1) ?? { file: files[0] as SourceFile };
      const name = unique(key.split('\u0000')[0] ?? key, eventNames, '_');
      const previous = ordered.slice(0, -1).map(({ file, version }) => {
        const upcast = upcastOf(file.data);
        return { version: version ?? 1, payload: sources.convert(file, withoutExamples(file.data)), ...(upcast === undefined ? {} : { upcast }) };
      });
      events.push({
        name,
        description: descriptionOf(current.file.data, `Imported from ${current.file.name}.`),
        ...(current.version === undefined ? {} : { version: current.version }),
        payload: sources.convert(current.file, withoutExamples(current.file.data)),
        ...examplesOf(current.file.data),
        ...(previous.length === 0 ? {} : { previous }),
      });
    }
  }
  return { source, events, types: sources.types(), notes: sources.notes };
}
