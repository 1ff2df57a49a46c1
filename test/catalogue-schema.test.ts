/**
 * The catalogue's own JSON Schema, for editors: made from the zod description that validates the
 * catalogue, committed in the CLI package (`codegen/catalog.schema.json`), and agreeing with lint
 * on what is a well-formed catalogue.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { lintCatalogue } from '../codegen/pipeline/index.ts';
import { catalogueJsonSchema } from '../codegen/pipeline/validate/structure.ts';
import { CATALOGUE_PATH } from './support/catalogue.ts';

const committed = readFileSync(new URL('../codegen/catalog.schema.json', import.meta.url), 'utf8');

describe('the catalogue JSON Schema', () => {
  it('describes every keyword of the payload language for hovers, and offers the formats for completion', () => {
    const schema = JSON.parse(committed) as { $defs: { schemaObject: { properties: Record<string, { description?: string; anyOf?: { enum?: string[] }[] }> } } };
    const keywords = schema.$defs.schemaObject.properties;
    expect(Object.values(keywords).every((keyword) => typeof keyword.description === 'string' && keyword.description.length > 10)).toBe(true);
    expect(Object.keys(keywords)).toEqual(expect.arrayContaining(['prefixItems', 'dependentSchemas', 'if', 'x-sensitive']));
    expect(keywords['format']?.anyOf?.[0]?.enum).toEqual(expect.arrayContaining(['uri-template', 'ulid', 'int32']));
  });

  it('is fresh: the committed file is what the zod description gives (npm run catalogue-schema writes it)', () => {
    expect(committed).toBe(`${JSON.stringify(catalogueJsonSchema(), null, 2)}\n`);
  });

  it('accepts every catalogue lint accepts, and refuses what lint refuses for its structure', () => {
    const validate = new Ajv2020({ strict: false }).compile(JSON.parse(committed) as object);
    const catalogues = [CATALOGUE_PATH, new URL('./fixtures/keywords.yaml', import.meta.url), new URL('./fixtures/sensitive.yaml', import.meta.url), new URL('./consumers/catalog.yaml', import.meta.url)];
    for (const path of catalogues) {
      const text = readFileSync(path, 'utf8');
      expect(lintCatalogue(text, 'catalog.yaml').ok).toBe(true);
      expect(validate(parse(text)), `${path.pathname}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
    const catalogue = parse(readFileSync(CATALOGUE_PATH, 'utf8')) as Record<string, unknown>;
    // One event only: the services, which name the others, stay out.
    const { services: _services, ...good } = catalogue;
    const payloadWith = (schema: Record<string, unknown>): Record<string, unknown> => ({ ...good, events: { 'plan.created': { description: 'Created.', payload: { type: 'object', properties: { x: schema } } } } });
    // The payload language, keyword by keyword: a misspelt or refused keyword is refused by both.
    for (const schema of [{ type: 'string', minLenght: 1 }, { type: 'object', $dynamicRef: '#meta' }, { type: 'strng' }, { type: 'array', items: [{ type: 'string' }] }, { type: 'integer', minimum: 'one' }]) {
      expect(validate(payloadWith(schema)), JSON.stringify(schema)).toBe(false);
      expect(lintCatalogue(JSON.stringify(payloadWith(schema)), 'catalog.yaml').ok, JSON.stringify(schema)).toBe(false);
    }
    for (const schema of [{ type: 'string', 'x-sensitive': true, 'x-note': 'n' }, { not: true }, { type: 'array', prefixItems: [{ const: { a: 1 } }], items: false }]) {
      expect(validate(payloadWith(schema)), JSON.stringify(schema)).toBe(true);
      expect(lintCatalogue(JSON.stringify(payloadWith(schema)), 'catalog.yaml').ok, JSON.stringify(schema)).toBe(true);
    }
    for (const bad of [{ ...good, version: 2 }, { ...good, descripton: 'x' }, { ...good, events: { 'plan.x': { payload: { type: 'object' } } } }]) {
      expect(validate(bad)).toBe(false);
      expect(lintCatalogue(JSON.stringify(bad), 'catalog.yaml').ok).toBe(false);
    }
    const serviceWith = (service: Record<string, unknown>): Record<string, unknown> => ({ ...catalogue, services: { notifier: { description: 'Tells.', owner: 'team', ...service } } });
    for (const bad of [{ readsSensitive: 'yes' }, { consumes: [{ event: 'plan.created', versions: [] }] }, { produces: 'plan.created' }, { owner: '' }, { consumes: [{ versions: [1] }] }]) {
      expect(validate(serviceWith(bad)), JSON.stringify(bad)).toBe(false);
      expect(lintCatalogue(JSON.stringify(serviceWith(bad)), 'catalog.yaml').ok, JSON.stringify(bad)).toBe(false);
    }
    expect(validate(serviceWith({ consumes: ['plan.*', { event: 'plan.created', versions: [1] }], 'x-tier': 1 }))).toBe(true);
    expect(validate({ ...good, $schema: './catalog.schema.json', 'x-owner': 'team' })).toBe(true);
    expect(lintCatalogue(JSON.stringify({ ...good, $schema: './catalog.schema.json', 'x-owner': 'team' }), 'catalog.yaml').ok).toBe(true);
  });
});
