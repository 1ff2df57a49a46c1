/**
 * The language server lints as the user types by parsing only the sections and events an edit
 * changed (`LoadCache`). Whatever the text, that must give exactly what parsing the whole
 * document gives: the same diagnostics at the same places, the same model.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diagnoseCatalogue, lintCatalogue } from '../codegen/pipeline/index.ts';
import { LoadCache } from '../codegen/pipeline/load.ts';
import { toYaml } from '../codegen/pipeline/render/yaml-text.ts';
import { CATALOGUE_PATH } from './support/catalogue.ts';
import { RUNS_SCALE } from './support/oracle.ts';
import { catalogueArbitrary } from './support/random-catalogue.ts';

/** One edit a user might make: a character typed, deleted or replaced, a line dropped or doubled. */
const edit = fc.tuple(fc.nat(), fc.constantFrom('type', 'delete', 'replace', 'drop-line', 'double-line'), fc.constantFrom('x', ' ', ':', '-', '"', '{', '#', '&', '\\t', '\\n', '2'));

function applyEdit(text: string, [at, kind, char]: [number, string, string]): string {
  const index = text.length === 0 ? 0 : at % text.length;
  const lineStart = text.lastIndexOf('\n', index - 1) + 1;
  const lineEnd = text.indexOf('\n', index);
  const end = lineEnd < 0 ? text.length : lineEnd + 1;
  switch (kind) {
    case 'type':
      return text.slice(0, index) + char + text.slice(index);
    case 'delete':
      return text.slice(0, index) + text.slice(index + 1);
    case 'replace':
      return text.slice(0, index) + char + text.slice(index + 1);
    case 'drop-line':
      return text.slice(0, lineStart) + text.slice(end);
    default:
      return text.slice(0, end) + text.slice(lineStart, end) + text.slice(end);
  }
}

function same(text: string, cache: LoadCache): void {
  const whole = lintCatalogue(text, 'catalog.yaml');
  const pieces = lintCatalogue(text, 'catalog.yaml', { cache });
  expect(pieces.diagnostics, text).toEqual(whole.diagnostics);
  // What the language server publishes: the same diagnostics, without the model when no example needs it.
  expect(diagnoseCatalogue(text, 'catalog.yaml', { cache })).toEqual(whole.diagnostics);
  expect(pieces.ok).toBe(whole.ok);
  if (whole.ok && pieces.ok) expect(pieces.model).toEqual(whole.model);
}

describe('linting piece by piece', () => {
  it('parses only what an edit changed', () => {
    const cache = new LoadCache();
    const text = readFileSync(CATALOGUE_PATH, 'utf8');
    lintCatalogue(text, 'catalog.yaml', { cache });
    expect(cache.piecewise).toBe(true);
    expect(cache.parsed).toBeGreaterThan(38);
    lintCatalogue(text.replace('description: An agent or user drafted a new plan.', 'description: An agent or user drafted a new plan!'), 'catalog.yaml', { cache });
    expect([cache.piecewise, cache.parsed]).toEqual([true, 1]);
    // An anchor needs the whole document.
    lintCatalogue(`${text}x-anchored: &a 1\n`, 'catalog.yaml', { cache });
    expect(cache.piecewise).toBe(false);
  });

  it('gives what the whole-document parse gives, edit after edit of this catalogue', () => {
    const original = readFileSync(CATALOGUE_PATH, 'utf8');
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 6 }), (edits) => {
        const cache = new LoadCache();
        let text = original;
        same(text, cache);
        for (const each of edits) {
          text = applyEdit(text, each);
          same(text, cache);
        }
      }),
      { numRuns: 60 * RUNS_SCALE },
    );
    // CPU-bound: on two cores shared with the process-spawning tests it can take past the default 30 s.
  }, 120_000);

  it('gives what the whole-document parse gives on random catalogues written as block YAML, and edits of them', () => {
    fc.assert(
      fc.property(catalogueArbitrary, fc.array(edit, { maxLength: 3 }), (json, edits) => {
        const cache = new LoadCache();
        let text = toYaml(JSON.parse(json) as Record<string, unknown>);
        same(text, cache);
        for (const each of edits) {
          text = applyEdit(text, each);
          same(text, cache);
        }
      }),
      { numRuns: 60 * RUNS_SCALE },
    );
  }, 120_000);
});
