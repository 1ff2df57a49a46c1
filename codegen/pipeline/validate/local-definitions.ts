/**
 * Local definitions: a payload or shared type may carry `$defs` and refer to them as
 * `$ref: "#/$defs/Name"` (a shared type may refer to itself as `"#"`), as JSON Schema files do.
 * Once their references are known to resolve, each definition becomes a shared type of its own,
 * named after its owner (`Step` in the payload of `plan.created` → `PlanCreatedStep`), so the later
 * stages know one kind of reference.
 */
import type { DocPath, Finding } from '../../catalogue/diagnostics.ts';
import { pascalCase } from '../../catalogue/naming.ts';
import { holdsData, type CatalogueDocument, type EventDocument, type JsonSchema, type SubSchema } from '../../catalogue/types.ts';

const LOCAL = /^#\/\$defs\/([^/]+)$/;

/** A `$defs` key as a JSON Pointer token in a `$ref` (RFC 6901 escapes, then percent-encoding). */
function decodeToken(token: string): string | undefined {
  try {
    return decodeURIComponent(token).replaceAll('~1', '/').replaceAll('~0', '~');
  } catch {
    return undefined;
  }
}

/** The `$defs` key a local reference names, or undefined when it is not `#/$defs/<key>`. */
export function localDefinition(ref: string): string | undefined {
  const token = LOCAL.exec(ref)?.[1];
  return token === undefined ? undefined : decodeToken(token);
}

/** The schema a path into the catalogue lies in: a shared type, or an event's payload. */
export function resourceOf(document: CatalogueDocument, path: DocPath): { readonly root: JsonSchema; readonly kind: 'type' | 'payload'; readonly path: DocPath } | undefined {
  if (path[0] === 'types' && typeof path[1] === 'string') {
    const root = document.types?.[path[1]];
    return root === undefined ? undefined : { root, kind: 'type', path: path.slice(0, 2) };
  }
  if (path[0] === 'events' && typeof path[1] === 'string' && path[2] === 'payload') {
    const root = document.events[path[1]]?.payload;
    return root === undefined ? undefined : { root, kind: 'payload', path: path.slice(0, 3) };
  }
  if (path[0] === 'events' && typeof path[1] === 'string' && path[2] === 'previous' && typeof path[3] === 'number' && path[4] === 'payload') {
    const root = document.events[path[1]]?.previous?.[path[3]]?.payload;
    return root === undefined ? undefined : { root, kind: 'payload', path: path.slice(0, 5) };
  }
  return undefined;
}

/** `step_info` → `StepInfo`: letters and digits, each word capitalised. */
function definitionName(key: string): string {
  const words = key.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const name = words.map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join('');
  return /^[A-Z]/.test(name) ? name : `Def${name}`;
}

function rewrite(schema: SubSchema, refs: (ref: string) => string): SubSchema {
  const convert = (value: unknown, key: string | undefined): unknown => {
    if (Array.isArray(value)) return value.map((item) => convert(item, undefined));
    if (typeof value !== 'object' || value === null) return value;
    if (holdsData(key)) return value;
    return Object.fromEntries(
      Object.entries(value).filter(([name]) => name !== '$defs').map(([name, child]) => [name, name === '$ref' && typeof child === 'string' ? refs(child) : convert(child, name)]),
    );
  };
  return convert(schema, undefined) as SubSchema;
}

export interface LiftedDocument {
  readonly document: CatalogueDocument;
  /** Where each new shared type was defined, for diagnostics about it. */
  readonly origins: ReadonlyMap<string, DocPath>;
  readonly findings: readonly Finding[];
}

/** Turns every `$defs` entry into a shared type and every local reference into a reference to it. */
export function liftDefinitions(document: CatalogueDocument): LiftedDocument {
  const types: Record<string, JsonSchema> = {};
  const origins = new Map<string, DocPath>();
  const findings: Finding[] = [];
  const taken = new Set(Object.keys(document.types ?? {}));

  const lift = (owner: string, root: JsonSchema, path: DocPath, self: string | undefined): SubSchema => {
    // Most schemas have no definitions and no `#`: they stay as they are, uncopied.
    if (root.$defs === undefined && (self === undefined || !JSON.stringify(root).includes('"$ref":"#"'))) return root;
    const names = new Map<string, string>();
    for (const key of Object.keys(root.$defs ?? {})) {
      const name = `${owner}${definitionName(key)}`;
      if (taken.has(name)) {
        findings.push({ code: 'identifier-collision', path: [...path, '$defs', key], atKey: true, message: `the definition \`${key}\` would become the shared type \`${name}\`, which exists already`, hint: 'rename the definition or the other type' });
        continue;
      }
      taken.add(name);
      names.set(key, name);
    }
    const refs = (ref: string): string => {
      if (ref === '#' && self !== undefined) return `#/types/${self}`;
      const key = localDefinition(ref);
      const name = key === undefined ? undefined : names.get(key);
      return name === undefined ? ref : `#/types/${name}`;
    };
    for (const [key, definition] of Object.entries(root.$defs ?? {})) {
      const name = names.get(key);
      if (name === undefined) continue;
      // A boolean definition becomes an object schema that says the same.
      types[name] = (typeof definition === 'boolean' ? (definition ? {} : { not: {} }) : rewrite(definition, refs)) as JsonSchema;
      origins.set(name, [...path, '$defs', key]);
    }
    return rewrite(root, refs);
  };

  for (const [name, schema] of Object.entries(document.types ?? {})) types[name] = lift(name, schema, ['types', name], name) as JsonSchema;
  const events: Record<string, EventDocument> = {};
  for (const [name, event] of Object.entries(document.events)) {
    const payload = lift(pascalCase(name), event.payload, ['events', name, 'payload'], undefined) as JsonSchema;
    // An earlier version's definitions are its own: `Step` of version 1 becomes `PlanCreatedV1Step`.
    const previous = event.previous?.map((entry, index) => ({ ...entry, payload: lift(`${pascalCase(name)}V${entry.version}`, entry.payload, ['events', name, 'previous', index, 'payload'], undefined) as JsonSchema }));
    events[name] = previous === undefined ? { ...event, payload } : { ...event, payload, previous };
  }
  // Definitions follow the catalogue's own types, in the order they were met.
  const ordered = Object.fromEntries([...Object.keys(document.types ?? {}), ...origins.keys()].map((name) => [name, types[name] as JsonSchema]));
  return { document: { ...document, types: ordered, events }, origins, findings };
}
