/**
 * The editor's view of the `services:` section: where each event, domain (`domain.*`) and service
 * is named there, for go to definition, references, rename, hover and completion. Read from the
 * text as it is, so it works on half-typed files too.
 */
import type { DocPath } from '../catalogue/diagnostics.ts';
import { domainOf, serviceIdentifier } from '../catalogue/naming.ts';
import type { Span, YamlIndex } from './yaml-index.ts';

/** A name in a service's `produces:` or `consumes:` list. */
export interface ServiceReference {
  readonly service: string;
  readonly list: 'produces' | 'consumes';
  /** The event, or the domain of a `domain.*` entry. */
  readonly name: string;
  readonly wildcard: boolean;
  /** The name's own text, quotes excluded. */
  readonly span: Span;
}

type Record_ = Record<string, unknown>;
const isRecord = (value: unknown): value is Record_ => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The `services:` section as plain data, however broken the rest is. */
export function servicesOf(index: YamlIndex): Record<string, Record_> {
  const data = index.data();
  const services = isRecord(data) ? data['services'] : undefined;
  if (!isRecord(services)) return {};
  return Object.fromEntries(Object.entries(services).filter((entry): entry is [string, Record_] => isRecord(entry[1])));
}

/** Every event and domain named in a service's lists. */
export function serviceReferences(index: YamlIndex): ServiceReference[] {
  const found: ServiceReference[] = [];
  for (const [service, definition] of Object.entries(servicesOf(index))) {
    for (const list of ['produces', 'consumes'] as const) {
      const entries = definition[list];
      if (!Array.isArray(entries)) continue;
      entries.forEach((entry: unknown, position) => {
        const path: DocPath = isRecord(entry) ? ['services', service, list, position, 'event'] : ['services', service, list, position];
        const text = isRecord(entry) ? entry['event'] : entry;
        const span = index.span(path, false);
        if (typeof text !== 'string' || span === undefined) return;
        const quoted = /^['"]/.test(index.text.slice(span.start, span.start + 1)) ? 1 : 0;
        const wildcard = text.endsWith('.*');
        const name = wildcard ? text.slice(0, -2) : text;
        found.push({ service, list, name, wildcard, span: { start: span.start + quoted, end: span.start + quoted + text.length } });
      });
    }
  }
  return found;
}

/** Who produces and who consumes an event, as the section says (wildcards included). */
export function producersAndConsumers(index: YamlIndex, event: string): { produces: string[]; consumes: string[] } {
  const references = serviceReferences(index).filter((each) => (each.wildcard ? each.name === domainOf(event) : each.name === event));
  const services = (list: 'produces' | 'consumes'): string[] => [...new Set(references.filter((each) => each.list === list).map((each) => each.service))];
  return { produces: services('produces'), consumes: services('consumes') };
}

/** The hover of a service's name. */
export function serviceHover(name: string, definition: Record_ | undefined): string[] {
  const count = (list: unknown): number => (Array.isArray(list) ? list.length : 0);
  return [
    `**${name}** — service${typeof definition?.['owner'] === 'string' ? `, owned by ${definition['owner']}` : ''}`,
    ...(typeof definition?.['description'] === 'string' ? [definition['description']] : []),
    `Produces ${count(definition?.['produces'])} and consumes ${count(definition?.['consumes'])} entries; ${definition?.['readsSensitive'] === true ? 'reads sensitive values' : 'receives sensitive values redacted'}. Generated: \`services.${serviceIdentifier(name)}\` (pass it to \`serviceBus\`)`,
  ];
}

/** The line of an event's hover that says who uses it; none when the catalogue declares no services. */
export function usageLine(index: YamlIndex, event: string): string[] {
  if (Object.keys(servicesOf(index)).length === 0) return [];
  const { produces, consumes } = producersAndConsumers(index, event);
  const names = (list: readonly string[]): string => (list.length === 0 ? 'no service' : list.map((each) => `\`${each}\``).join(', '));
  return [`Produced by ${names(produces)} · consumed by ${names(consumes)}`];
}

/** Whether a line being typed is an entry of a service's list: `produces: [pl`, `- pl`, `event: pl`. */
export function completesServiceEntry(before: string, parent: DocPath): boolean {
  if (/\b(?:produces|consumes):\s*\[[^\]]*$/.test(before)) return true;
  const inList = parent[0] === 'services' && (parent[2] === 'produces' || parent[2] === 'consumes');
  return inList && (/^\s*-\s*['"]?[\w.*]*$/.test(before) || /event:\s*['"]?[\w.]*$/.test(before));
}
