/**
 * `unevaluatedProperties` and `unevaluatedItems` where what is evaluated is known when generating
 * (own keywords, `allOf`, `$ref`, and the `oneOf`/`anyOf` branches that pass): the generated
 * check, the zod schema and ajv (on the exported JSON Schema, default settings) agree on valid
 * values, near misses and random JSON. The dynamic cases are refused, naming the keyword.
 */
import { describe, expect, it } from 'vitest';
import * as z from 'zod/v4';
import { lintCatalogue } from '../codegen/pipeline/index.ts';
import { agree, subjectOfText } from './support/oracle.ts';

const catalogue = (defaults: string): string => `version: 1
${defaults}domains:
  doc: Documents.
types:
  Base:
    type: object
    properties: { id: { type: string }, kind: { type: string } }
    required: [id]
  Named:
    type: object
    properties: { name: { type: string, maxLength: 5 } }
events:
  doc.extended:
    description: allOf a shared type, own properties, nothing else.
    payload:
      type: object
      allOf: [{ $ref: '#/types/Base' }]
      properties: { title: { type: string } }
      unevaluatedProperties: false
  doc.either:
    description: oneOf two shapes; the keys of the one that matched are evaluated.
    payload:
      type: object
      oneOf:
        - { properties: { kind: { const: a }, a: { type: integer } }, required: [kind] }
        - { properties: { kind: { const: b }, b: { type: string } }, required: [kind] }
      unevaluatedProperties: false
  doc.some:
    description: anyOf, patterns and a schema for the rest.
    payload:
      type: object
      anyOf: [{ $ref: '#/types/Named' }, { properties: { size: { type: integer } } }]
      patternProperties: { '^x-': { type: string } }
      unevaluatedProperties: { type: boolean }
  doc.listed:
    description: unevaluatedItems after prefixItems, through allOf.
    payload:
      type: object
      properties:
        pair:
          type: array
          prefixItems: [{ type: string }]
          allOf: [{ prefixItems: [true, { type: integer }] }]
          unevaluatedItems: false
        tagged:
          type: array
          anyOf: [{ prefixItems: [{ const: head }, true] }, { prefixItems: [{ type: integer }] }]
          unevaluatedItems: { type: string, maxLength: 2 }
`;

describe('unevaluatedProperties and unevaluatedItems', () => {
  it.each([['the closed default', ''], ['open objects', 'defaults: { additionalProperties: true }\n']])('agree with ajv under %s', (_name, defaults) => {
    agree(subjectOfText(catalogue(defaults), 'unevaluated.yaml'), 600);
  }, 120_000);

  it('judge the cases that tell evaluation apart, as ajv does', () => {
    const subject = subjectOfText(catalogue('defaults: { additionalProperties: true }\n'), 'open.yaml');
    const cases: [string, unknown, boolean][] = [
      ['doc.extended', { id: 'x', title: 't' }, true],
      ['doc.extended', { id: 'x', kind: 'k' }, true],
      ['doc.extended', { id: 'x', other: 1 }, false],
      ['doc.either', { kind: 'a', a: 1 }, true],
      ['doc.either', { kind: 'a', b: 'x' }, false],
      ['doc.either', { kind: 'b', b: 'x' }, true],
      ['doc.some', { name: 'al', flag: true, 'x-y': 'z' }, true],
      ['doc.some', { name: 'al', flag: 1 }, false],
      ['doc.some', { size: 2, name: 'longer than five' }, false],
      ['doc.listed', { pair: ['a', 1] }, true],
      ['doc.listed', { pair: ['a', 1, 2] }, false],
      ['doc.listed', { tagged: ['head', 9, 'ok'] }, true],
      ['doc.listed', { tagged: [1, 'ok', 'no!'] }, false],
    ];
    for (const [event, value, valid] of cases) {
      const label = `${event} ${JSON.stringify(value)}`;
      expect(subject.references(event)(value), `ajv: ${label}`).toBe(valid);
      expect(subject.fast(event)(value), `fast check: ${label}`).toBe(valid);
      expect(z.safeParse(subject.ours(event), value).success, `zod: ${label}`).toBe(valid);
    }
    // zod names the key that nothing evaluated.
    const result = z.safeParse(subject.ours('doc.extended'), { id: 'x', other: 1 });
    expect(result.error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)).toEqual(['other: Unexpected key']);
  });

  it.each([
    ['if/then/else', "{ type: object, if: { properties: { a: { const: 1 } } }, then: { properties: { b: true } }, unevaluatedProperties: false }", '`if`'],
    ['dependentSchemas', '{ type: object, dependentSchemas: { a: { properties: { b: true } } }, unevaluatedProperties: false }', '`dependentSchemas`'],
    ['contains', '{ type: object, properties: { list: { type: array, contains: { type: string }, unevaluatedItems: false } } }', '`contains`'],
    ['a shared type with if', "{ type: object, allOf: [{ $ref: '#/types/Conditional' }], unevaluatedProperties: false }", '`if` in `Conditional`'],
  ])('refuses %s beneath them, naming it', (_name, payload, blocker) => {
    const text = `version: 1\ndomains:\n  doc: Documents.\ntypes:\n  Conditional: { type: object, if: { required: [a] }, then: { properties: { b: true } } }\nevents:\n  doc.refused:\n    description: Refused.\n    payload: ${payload}\n`;
    const linted = lintCatalogue(text, 'refused.yaml');
    expect(linted.ok).toBe(false);
    expect(linted.diagnostics.filter((each) => each.severity === 'error').map((each) => [each.code, each.message])).toEqual([['unsupported-keyword', expect.stringContaining(`depends on ${blocker}, which decides at run time what is evaluated`)]]);
  });
});
