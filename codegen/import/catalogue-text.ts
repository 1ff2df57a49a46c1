/** What an import found, written as a catalogue a person goes on to edit. */
import { Document, isMap, isScalar, isSeq, visit } from 'yaml';
import { domainOf, eventNames, FIXED_IDENTIFIERS, typeNames, versionNames } from '../catalogue/naming.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface ImportedEvent {
  readonly name: string;
  readonly description: string;
  /** From a file named `<event>.v<N>.json` (as `eventspec export` names them). */
  readonly version?: number;
  readonly payload: Json;
  readonly examples?: readonly Json[];
  /** Earlier versions (files `<event>.v<N>.json` below the highest N), oldest first. */
  readonly previous?: readonly { readonly version: number; readonly payload: Json; readonly upcast?: string }[];
}

export interface ImportedCatalogue {
  /** What was imported, as the user named it. */
  readonly source: string;
  readonly events: readonly ImportedEvent[];
  readonly types: Readonly<Record<string, Json>>;
  /** One line per kind of change the conversion made. */
  readonly notes: readonly string[];
}

export interface CatalogueTextOptions {
  /** `format` asserts (ajv's way, the default here) or annotates (JSON Schema 2020-12's default). */
  readonly formats: 'assert' | 'annotate';
}

/** Every `$ref: '#/types/<from>'` in a schema, pointed at `to`. */
function renamedRefs(schema: Json, renames: ReadonlyMap<string, string>): Json {
  if (Array.isArray(schema)) return schema.map((item) => renamedRefs(item, renames));
  if (typeof schema !== 'object' || schema === null) return schema;
  return Object.fromEntries(Object.entries(schema).map(([key, value]) => {
    if (key === '$ref' && typeof value === 'string' && value.startsWith('#/types/')) return [key, `#/types/${renames.get(value.slice(8)) ?? value.slice(8)}`];
    // `examples`, `enum`, `const` and `default` hold data, never references.
    return [key, ['examples', 'enum', 'const', 'default'].includes(key) ? value : renamedRefs(value, renames)];
  }));
}

/**
 * Shared types renamed where one of their generated identifiers would be one an event generates
 * (a type `LightMeasuredPayload` beside the event `light.measured`, as in 11 of AsyncAPI's own
 * examples) or another type's (`Actor` and `ActorSchema`): `LightMeasuredPayloadType`.
 */
function withoutCollisions(imported: ImportedCatalogue): ImportedCatalogue {
  const taken = new Set<string>(FIXED_IDENTIFIERS);
  for (const event of imported.events) {
    for (const name of Object.values(eventNames(event.name))) taken.add(name);
    for (const kept of event.previous ?? []) for (const name of Object.values(versionNames(event.name, kept.version))) taken.add(name);
  }
  const renames = new Map<string, string>();
  const typeIdentifiers = (name: string): string[] => Object.values(typeNames(name));
  const names = Object.keys(imported.types);
  // A type's own name is its interface: the other types' derived names must not be it.
  const typeNamesTaken = new Set(names);
  for (const name of names) {
    const others = new Set(names.filter((other) => other !== name).flatMap((other) => typeIdentifiers(renames.get(other) ?? other).slice(1)));
    const clashes = (candidate: string): boolean => typeIdentifiers(candidate).some((identifier) => taken.has(identifier) || others.has(identifier)) || (candidate !== name && typeNamesTaken.has(candidate));
    if (!clashes(name)) {
      for (const identifier of typeIdentifiers(name)) taken.add(identifier);
      continue;
    }
    let candidate = `${name}Type`;
    for (let index = 2; clashes(candidate); index++) candidate = `${name}Type${index}`;
    renames.set(name, candidate);
    typeNamesTaken.add(candidate);
    for (const identifier of typeIdentifiers(candidate)) taken.add(identifier);
  }
  if (renames.size === 0) return imported;
  const [first] = renames;
  return {
    ...imported,
    types: Object.fromEntries(Object.entries(imported.types).map(([name, schema]) => [renames.get(name) ?? name, renamedRefs(schema, renames)])),
    events: imported.events.map((event) => ({
      ...event,
      payload: renamedRefs(event.payload, renames),
      ...(event.previous === undefined ? {} : { previous: event.previous.map((kept) => ({ ...kept, payload: renamedRefs(kept.payload, renames) })) }),
    })),
    notes: [...imported.notes, `renamed shared types whose generated names would be an event's or another type's (such as \`${first?.[0]}\` → \`${first?.[1]}\`)`],
  };
}

/** The catalogue as YAML: objects open as in JSON Schema, domains from the event names. */
export function catalogueText(source: ImportedCatalogue, options: CatalogueTextOptions): string {
  const imported = withoutCollisions(source);
  const domains = [...new Set(imported.events.map((event) => domainOf(event.name)))].sort();
  const document = {
    version: 1,
    // JSON Schema objects take keys they do not declare; the catalogue's default is closed.
    defaults: { additionalProperties: true, ...(options.formats === 'annotate' ? { formats: 'annotate' } : {}) },
    domains: Object.fromEntries(domains.map((domain) => [domain, `Events of ${domain}, imported from ${imported.source}.`])),
    ...(Object.keys(imported.types).length === 0 ? {} : { types: imported.types }),
    events: Object.fromEntries(
      imported.events.map((event) => [event.name, { description: event.description, ...(event.version === undefined ? {} : { version: event.version }), payload: event.payload, ...(event.examples === undefined || event.examples.length === 0 ? {} : { examples: event.examples }), ...(event.previous === undefined ? {} : { previous: event.previous }) }]),
    ),
  };
  const header = [
    `# Imported from ${imported.source} by \`eventspec import\`.`,
    ...(imported.notes.length === 0 ? [] : ['# To keep what the schemas accept and reject, the import:', ...imported.notes.map((note) => `#  - ${note}`)]),
  ].map((line) => line.replace(/[\r\n\u2028\u2029]/g, ' '));
  const yaml = new Document(document, { aliasDuplicateObjects: false });
  // Lists of names and small schemas of scalars read best on one line, as in a hand-written
  // catalogue: `required: [id, name]`, `id: { type: string, minLength: 1 }`.
  visit(yaml, {
    Seq(_key, node) {
      if (node.items.every((item) => isScalar(item))) node.flow = true;
    },
    Map(_key, node, path) {
      // The top-level sections stay blocks: `defaults`, `domains`, `types`, `events`.
      if (path.length > 3 && node.items.length <= 4 && node.items.every((pair) => isScalar(pair.value) || (isSeq(pair.value) && pair.value.flow === true) || (isMap(pair.value) && pair.value.flow === true))) node.flow = true;
    },
  });
  return `${header.join('\n')}\n${yaml.toString({ lineWidth: 0, flowCollectionPadding: true })}`;
}
