/** What an import found, written as a catalogue a person goes on to edit. */
import { Document, isMap, isScalar, isSeq, visit } from 'yaml';
import { domainOf } from '../catalogue/naming.ts';

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

/** The catalogue as YAML: objects open as in JSON Schema, domains from the event names. */
export function catalogueText(imported: ImportedCatalogue, options: CatalogueTextOptions): string {
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
