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
    const good = parse(readFileSync(CATALOGUE_PATH, 'utf8')) as Record<string, unknown>;
    for (const bad of [{ ...good, version: 2 }, { ...good, descripton: 'x' }, { ...good, events: { 'plan.x': { payload: { type: 'object' } } } }]) {
      expect(validate(bad)).toBe(false);
      expect(lintCatalogue(JSON.stringify(bad), 'catalog.yaml').ok).toBe(false);
    }
    expect(validate({ ...good, $schema: './catalog.schema.json', 'x-owner': 'team' })).toBe(true);
    expect(lintCatalogue(JSON.stringify({ ...good, $schema: './catalog.schema.json', 'x-owner': 'team' }), 'catalog.yaml').ok).toBe(true);
  });
});
