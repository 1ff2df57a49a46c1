/** `EVENTS.md`: the catalogue as a document people would rather read than the YAML. */
import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import type { CatalogueModel, EventModel, PropertyNode, SchemaNode } from '../model.ts';
import { constraints as constraintsOf, typeLabel as labelOf, type LabelFormat } from './schema-labels.ts';

const template = Handlebars.compile(readFileSync(new URL('../../templates/events-md.hbs', import.meta.url), 'utf8'), { noEscape: true, strict: true });

/** Catalogue text as Markdown: no HTML, no table breaks, no line breaks inside a cell. */
function text(value: string): string {
  return value.replace(/\r\n|[\r\n\u2028\u2029]/g, ' ').replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('|', '\\|').trim();
}

function code(value: string): string {
  return `\`${value.replaceAll('`', "'").replaceAll('|', '\\|')}\``;
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces as hyphens. */
export function anchor(heading: string): string {
  return heading.toLowerCase().replace(/[^a-z0-9 _-]/g, '').replaceAll(' ', '-');
}

/** Markdown labels: code in backticks, shared types linked to their headings. */
const MARKDOWN: LabelFormat = { code, ref: (type) => `[${type}](#${anchor(type)})`, or: ' \\| ' };
const typeLabel = (node: SchemaNode): string => labelOf(node, MARKDOWN);
const constraints = (node: SchemaNode): string[] => constraintsOf(node, MARKDOWN);

interface Row {
  readonly field: string;
  readonly type: string;
  readonly required: boolean;
  readonly constraints: string[];
  readonly sensitive: boolean;
  readonly description: string;
}

/** One row per field, nested objects and array items flattened into `a.b` and `a[].b`. */
function rows(node: SchemaNode, prefix: string, out: Row[]): Row[] {
  const target = node.kind === 'array' ? node.items : node;
  if (target.kind === 'object') {
    for (const property of target.properties) out.push(...fieldRows(property, prefix));
  }
  return out;
}

function fieldRows(property: PropertyNode, prefix: string): Row[] {
  const field = prefix === '' ? property.name : `${prefix}.${property.name}`;
  const row: Row = {
    field,
    type: typeLabel(property.schema),
    required: property.required,
    constraints: constraints(property.schema),
    sensitive: property.sensitive === true,
    description: (property.description ?? '') + (property.deprecated === true ? ' (deprecated)' : ''),
  };
  const nested = property.schema.kind === 'array' ? rows(property.schema, `${field}[]`, []) : rows(property.schema, field, []);
  return [row, ...nested];
}

function table(node: SchemaNode): string {
  const list = rows(node, '', []);
  if (list.length === 0) return node.kind === 'object' ? '_No fields._' : `A value of type ${typeLabel(node)}${constraints(node).length === 0 ? '' : ` (${constraints(node).join(', ')})`}.`;
  return [
    '| field | type | required | constraints | sensitive | description |',
    '| --- | --- | --- | --- | --- | --- |',
    ...list.map((row) => `| ${code(row.field)} | ${row.type} | ${row.required ? 'yes' : 'no'} | ${row.constraints.join(', ')} | ${row.sensitive ? 'yes' : ''} | ${text(row.description)} |`),
  ].join('\n');
}

function meta(event: EventModel): string {
  const parts = [`Version ${event.version}`];
  if (event.deprecated !== false) parts.push(`**Deprecated**${typeof event.deprecated === 'string' ? `: ${text(event.deprecated)}` : ''}`);
  if (event.redaction !== undefined) parts.push('sensitive values redacted in logs');
  if (event.previous.length > 0) parts.push(`earlier versions kept: ${event.previous.map((previous) => previous.version).join(', ')} (read and upcast to ${event.version})`);
  return parts.join(' · ');
}

/** Each kept version: how its events become the next version's, and its fields. */
function history(event: EventModel): { heading: string; steps: string; table: string }[] {
  return event.previous.map((previous, index) => {
    const next = event.previous[index + 1]?.version ?? event.version;
    return {
      heading: `${event.name} version ${previous.version}`,
      steps: previous.upcast === undefined ? `Read as version ${next} as it is (compatible).` : `Upcast to version ${next}: ${text(previous.upcast)}`,
      table: table(previous.payload),
    };
  });
}

const serviceHeading = (name: string): string => `service: ${name}`;
const serviceLink = (name: string): string => `[${name}](#${anchor(serviceHeading(name))})`;
const eventLink = (name: string): string => `[${name}](#${anchor(name)})`;

function versionNote(versions: readonly number[] | undefined): string {
  return versions === undefined ? '' : ` (${versions.length === 1 ? 'version' : 'versions'} ${versions.join(', ')})`;
}

/** Who produces and who consumes an event, when the catalogue declares services. */
function usedBy(model: CatalogueModel, event: EventModel): string {
  if (model.services.length === 0) return '';
  const producers = model.services.filter((service) => service.produces.includes(event.name)).map((service) => serviceLink(service.name));
  const consumers = model.services.flatMap((service) => {
    const entry = service.consumes.find((each) => each.event === event.name);
    return entry === undefined ? [] : [`${serviceLink(service.name)}${versionNote(entry.versions)}${service.readsSensitive || event.redaction === undefined ? '' : ', redacted'}`];
  });
  return `Produced by ${producers.length === 0 ? 'no service' : producers.join(', ')} · consumed by ${consumers.length === 0 ? 'no service' : consumers.join(', ')}`;
}

function servicePages(model: CatalogueModel): Record<string, string>[] {
  return model.services.map((service) => ({
    heading: serviceHeading(service.name),
    description: text(service.description),
    meta: `Owner: ${text(service.owner)} · ${service.readsSensitive ? 'reads sensitive values' : 'receives sensitive values redacted'} · contract \`services.${service.identifier}\``,
    produces: service.produces.length === 0 ? 'nothing' : service.produces.map(eventLink).join(', '),
    consumes: service.consumes.length === 0 ? 'nothing' : service.consumes.map((each) => `${eventLink(each.event)}${versionNote(each.versions)}`).join(', '),
  }));
}

export function renderDocs(model: CatalogueModel, catalogueName: string): string {
  const domains = model.domains.filter((domain) => domain.events.length > 0);
  return template({
    header: `<!-- Generated by eventspec from ${catalogueName.replaceAll('--', '- -')}. Do not edit by hand: change the catalogue and run \`eventspec generate\`. -->`,
    summary: `${model.events.length} events in ${domains.length} domains, from ${code(catalogueName)}. Payload objects accept only the fields listed unless marked open.`,
    domains: domains.map((domain) => ({
      name: domain.name,
      anchor: anchor(domain.name),
      description: text(domain.description),
      eventList: domain.events.map((event) => `[${event.name}](#${anchor(event.name)})`).join(', '),
      events: domain.events.map((event) => ({
        name: event.name,
        description: text(event.description),
        meta: meta(event),
        usedBy: usedBy(model, event),
        table: table(event.payload),
        example: event.examples.length === 0 ? '' : JSON.stringify(event.examples[0], null, 2),
        history: history(event),
      })),
    })),
    services: servicePages(model),
    serviceTable: model.services.map((service) => `| ${serviceLink(service.name)} | ${text(service.owner)} | ${service.produces.length} | ${service.consumes.length} | ${service.readsSensitive ? 'yes' : 'redacted'} |`),
    types: model.types.map((type) => ({ name: type.name, description: text(type.description ?? ''), table: table(type.schema) })),
  });
}
