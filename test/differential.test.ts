/**
 * The generated validators against a reference JSON Schema validator (ajv, draft 2020-12) on
 * random and near-miss values: both must accept or reject every value alike.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import * as z from 'zod/v4';
import { describe, expect, it } from 'vitest';
import { eventRegistry, type EventType } from '../generated/index.ts';
import { AJV_FORMAT_NAMES, FORMAT_CHECKS, FORMAT_TYPES, NUMBER_FORMAT_CHECKS, type StringFormatName } from '../src/validation/formats.ts';
import { CATALOGUE_PATH } from './support/catalogue.ts';
import { agree, anyDouble, FORMAT_VALUES, nearMiss, oracle, RUNS_SCALE, subject } from './support/oracle.ts';

describe('generated validators agree with ajv', () => {
  it('on every event of catalog.yaml (the committed generated code)', () => {
    agree(subject(CATALOGUE_PATH, (event) => eventRegistry[event as EventType].schema), 400);
  });

  it('on a catalogue that uses every keyword of the payload language', () => {
    agree(subject(new URL('./fixtures/keywords.yaml', import.meta.url)), 1500);
  });

  // One keyword at a time, with values concentrated where the semantics are subtle.
  const KEYWORD_CASES: readonly [string, fc.Arbitrary<unknown>][] = [
    ['{ type: string, minLength: 2, maxLength: 3 }', fc.string({ unit: 'binary', maxLength: 5 })],
    ["{ type: string, pattern: '^a.c$' }", fc.string({ unit: 'binary', maxLength: 4 }).map((middle) => `a${middle}c`)],
    ['{ type: number, multipleOf: 0.1 }', fc.oneof(fc.integer({ min: -1000, max: 1000 }).map((k) => k * 0.1), anyDouble)],
    ['{ type: integer }', fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(2 ** 60, 1.0, -0, 1e21, 1.7976931348623157e308))],
    ['{ type: array, uniqueItems: true, items: {} }', fc.array(fc.constantFrom(1, '1', true, null, [1], { a: 1, b: 2 }, { b: 2, a: 1 }, { a: [1, { c: 1 }] }, { a: [1, { c: 2 }] }), { maxLength: 4 })],
    ['{ oneOf: [{ type: integer, multipleOf: 2 }, { type: integer, multipleOf: 3 }] }', fc.integer({ min: -30, max: 30 })],
    // Names every object inherits: absent means absent, not Object's own member.
    [
      '{ type: object, properties: { constructor: { type: string }, toString: { type: integer }, valueOf: {} }, required: [valueOf] }',
      fc.record({ constructor: fc.oneof(fc.string(), fc.integer()), toString: fc.oneof(fc.integer(), fc.string()), valueOf: fc.jsonValue({ maxDepth: 0 }), other: fc.boolean() }, { requiredKeys: [] }),
    ],
    // A closed object beside a union: a key only a branch knows is still an extra key.
    [
      '{ type: object, properties: { a: { type: string } }, oneOf: [{ type: object, properties: { b: { type: integer } }, additionalProperties: true }, { type: object, properties: { a: { type: string } }, required: [a], additionalProperties: true }] }',
      fc.record({ a: fc.string(), b: fc.oneof(fc.integer(), fc.string()) }, { requiredKeys: [] }),
    ],
  ];
  it.each(KEYWORD_CASES)('on %s', (schema, values) => {
    const yaml = ['version: 1', 'domains: { kw: Keywords. }', 'events:', '  kw.one:', '    description: One keyword.', '    payload:', '      type: object', `      properties: { v: ${schema} }`, '      required: [v]', ''].join('\n');
    const path = join(mkdtempSync(join(tmpdir(), 'eventspec-kw-')), 'catalog.yaml');
    writeFileSync(path, yaml);
    const kw = subject(pathToFileURL(path));
    const ours = kw.ours('kw.one');
    const reference = kw.references('kw.one');
    fc.assert(
      fc.property(values, (value) => {
        expect(z.safeParse(ours, { v: value }).success, JSON.stringify(value)).toBe(reference({ v: value }));
      }),
      { numRuns: 2000 * RUNS_SCALE },
    );
  });

  it('on every format ajv-formats knows, and ulid', () => {
    expect(Object.keys(FORMAT_TYPES).sort()).toEqual([...AJV_FORMAT_NAMES, 'ulid'].sort());
  });

  it.each(Object.keys(NUMBER_FORMAT_CHECKS) as (keyof typeof NUMBER_FORMAT_CHECKS)[])('on the %s number format', (format) => {
    const reference = oracle().compile({ type: 'number', format });
    fc.assert(
      fc.property(fc.oneof(fc.integer(), fc.constantFrom(2 ** 31, -(2 ** 31), 2 ** 31 - 1, -(2 ** 31) - 1, 1.5, 2 ** 53, 1e300)), (value) => {
        expect(NUMBER_FORMAT_CHECKS[format](value), String(value)).toBe(reference(value));
      }),
      { numRuns: 500 * RUNS_SCALE },
    );
  });

  it.each(Object.keys(FORMAT_CHECKS) as StringFormatName[])('on the %s format', (format) => {
    const ajv = oracle();
    const reference = ajv.compile({ type: 'string', format });
    fc.assert(
      fc.property(fc.oneof(FORMAT_VALUES[format], nearMiss(FORMAT_VALUES[format]), nearMiss(nearMiss(FORMAT_VALUES[format])), fc.string()), (value) => {
        expect(FORMAT_CHECKS[format](value), JSON.stringify(value)).toBe(reference(value));
      }),
      { numRuns: 3000 * RUNS_SCALE },
    );
  });
});
