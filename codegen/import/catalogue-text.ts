/** What an import found, written as a catalogue a person goes on to edit. */
import { stringify } from 'yaml';
import { domainOf } from '../catalogue/naming.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface ImportedEvent {
  readonly name: string;
  readonly description: string;
  readonly payload: Json;
  readonly examples?: readonly Json[];
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
      imported.events.map((event) => [event.name, { description: event.description, payload: event.payload, ...(event.examples === undefined || event.examples.length === 0 ? {} : { examples: event.examples }) }]),
    ),
  };
  const header = [
    `# Imported from ${imported.source} by \`eventspec import\`.`,
    ...(imported.notes.length === 0 ? [] : ['# To keep what the schemas accept and reject, the import:', ...imported.notes.map((note) => `#  - ${note}`)]),
  ].map((line) => line.replace(/[\r\n\u2028\u2029]/g, ' '));
  return `${header.join('\n')}\n${stringify(document, { lineWidth: 0, aliasDuplicateObjects: false })}`;
}
