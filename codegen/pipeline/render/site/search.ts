/**
 * What the site's search box searches: one document per event, shared type and service, with
 * the names and descriptions of every field. The reader's browser indexes them with MiniSearch
 * when the box is first used (a prebuilt index is larger than the documents it is built from).
 */
import type { CatalogueModel } from '../../model.ts';
import { fieldId, pagePath } from './html.ts';
import { fieldsOf } from './tree.ts';

export interface SearchDocument {
  readonly id: number;
  readonly kind: 'event' | 'type' | 'service';
  readonly name: string;
  readonly description: string;
  /** Field names and descriptions, one text. */
  readonly fields: string;
  /** The page, from the site's root. */
  readonly url: string;
  /** Field name (lower case) → its anchor on the page, so a hit on a field goes to the field. */
  readonly anchors: Record<string, string>;
}

export function searchDocuments(model: CatalogueModel): SearchDocument[] {
  const documents: SearchDocument[] = [];
  const add = (kind: SearchDocument['kind'], name: string, description: string, url: string, fields: [string, string, string][]): void => {
    const anchors: Record<string, string> = {};
    for (const [path, field] of fields) anchors[field.toLowerCase()] ??= fieldId('', path);
    documents.push({ id: documents.length, kind, name, description, fields: fields.map(([, field, text]) => (text === '' ? field : `${field} ${text}`)).join(' · '), url, anchors });
  };
  for (const event of model.events) add('event', event.name, event.description, pagePath.event(event.name), fieldsOf(event.payload));
  for (const type of model.types) add('type', type.name, type.description ?? '', pagePath.type(type.name), fieldsOf(type.schema));
  for (const service of model.services) add('service', service.name, `${service.description} (owner: ${service.owner})`, pagePath.service(service.name), []);
  return documents;
}
