/**
 * Random catalogues over the whole payload language (test/support/random-catalogue.ts): lint
 * accepts each, the generated code compiles under strict settings (`exactOptionalPropertyTypes`,
 * `noUncheckedIndexedAccess`; one compiler run for a batch, so it stays fast), and the generated
 * validators agree with ajv on random and near-miss values.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import * as z from 'zod/v4';
import { afterAll, describe, expect, it } from 'vitest';
import { lintCatalogue } from '../codegen/pipeline/index.ts';
import { generateInto, ROOT, scratchDirectory } from './support/generate-fixture.ts';
import { anyJson, RUNS_SCALE, subjectOfText, tripsAjvUniqueProto, valuesFor, type Subject } from './support/oracle.ts';
import { catalogueArbitrary } from './support/random-catalogue.ts';

const scratch = scratchDirectory('generative');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('random catalogues', () => {
  it('lint clean, and generate code that compiles under strict settings', () => {
    const catalogues = fc.sample(catalogueArbitrary, { numRuns: 40 * RUNS_SCALE });
    catalogues.forEach((text, index) => {
      const linted = lintCatalogue(text, `random-${index}.json`);
      expect(linted.ok ? [] : linted.diagnostics, text).toEqual([]);
      const out = generateInto(join(scratch, `c${index}`), text, `random-${index}.json`);
      // The types must also be usable: `{}` fits a payload whose fields are all optional (an
      // optional `constructor: string` alone would refuse it: `{}` inherits a Function there).
      if (linted.ok) {
        const optional = linted.model.events.filter((event) => event.payload.kind === 'object' && event.payload.properties.every((property) => !property.required) && event.payload.requiredOnly.length === 0);
        const names = optional.map((event) => event.names.payloadInterface);
        if (names.length > 0) writeFileSync(join(out, 'usable.ts'), `import type { ${names.join(', ')} } from './index.js';\n${names.map((name) => `export const empty${name}: ${name} = {};\n`).join('')}`);
      }
    });
    // The catalogue of every keyword too, with the type-level checks of its constructs.
    const keywords = generateInto(join(scratch, 'c-keywords'), readFileSync(join(ROOT, 'test', 'fixtures', 'keywords.yaml'), 'utf8'), 'keywords.yaml');
    copyFileSync(join(ROOT, 'test', 'fixtures', 'keyword-types.ts'), join(keywords, 'keyword-types.ts'));
    writeFileSync(join(scratch, 'tsconfig.json'), JSON.stringify({ extends: '../../tsconfig.json', include: ['c*/generated'], exclude: [] }));
    const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(scratch, 'tsconfig.json'), '--checkers', '1'], { encoding: 'utf8' });
    const report = tsc.stdout + tsc.stderr;
    // Name the catalogue of the first error, so a failure can be reproduced from it.
    const failing = /c(\d+)\/generated/.exec(report)?.[1];
    expect(report, failing === undefined ? '' : catalogues[Number(failing)]).toBe('');
    expect(tsc.status).toBe(0);
  }, 120_000);

  it('have validators that agree with ajv on random and near-miss values', () => {
    const subjects = new Map<string, Subject>();
    const subjectOf = (text: string): Subject => {
      let found = subjects.get(text);
      if (found === undefined) {
        found = subjectOfText(text, 'random.json');
        subjects.set(text, found);
      }
      return found;
    };
    const cases = catalogueArbitrary.chain((text) => {
      const { model } = subjectOf(text);
      return fc.constantFrom(...model.events).chain((event) =>
        fc.tuple(fc.constant(text), fc.constant(event.name), fc.array(fc.oneof(valuesFor(event.payload, model, 'valid'), valuesFor(event.payload, model, 'near'), anyJson), { minLength: 10, maxLength: 10 })),
      );
    });
    fc.assert(
      fc.property(cases, ([text, event, values]) => {
        const { ours, fast, references } = subjectOf(text);
        const validator = ours(event);
        const check = fast(event);
        const reference = references(event);
        for (const value of values) {
          if (tripsAjvUniqueProto(value)) continue;
          const verdict = reference(value);
          expect(z.safeParse(validator, value).success, `${event} in ${text}\nvalue: ${JSON.stringify(value)}`).toBe(verdict);
          expect(check(value), `${event} (fast check) in ${text}\nvalue: ${JSON.stringify(value)}`).toBe(verdict);
        }
      }),
      { numRuns: 150 * RUNS_SCALE },
    );
  }, 120_000);
});
