import * as z from 'zod/v4';
import { describe, expect, it } from 'vitest';
import { codePointLength, integer, jsonEqual, maxChars, minChars, multipleOf, uniqueItems } from '../src/validation/schema-checks.ts';

const passes = (schema: z.core.$ZodType, value: unknown): boolean => z.safeParse(schema, value).success;

describe('schema checks', () => {
  it('count code points, not UTF-16 units', () => {
    expect(codePointLength('😀')).toBe(1);
    expect(codePointLength('a😀b')).toBe(3);
    expect(codePointLength('\ud800')).toBe(1); // a lone surrogate is one code point
    expect(passes(z.string().check(minChars(2)), '😀')).toBe(false);
    expect(passes(z.string().check(maxChars(1)), '😀')).toBe(true);
  });

  it('judge multipleOf with a tolerance for binary floating point', () => {
    const tenths = z.number().check(multipleOf(0.1));
    expect(passes(tenths, 0.3)).toBe(true);
    expect(passes(tenths, 0.35)).toBe(false);
    expect(passes(z.number().check(multipleOf(0.01)), 0.07)).toBe(true);
  });

  it('judge multipleOf as the JSON Schema test suite does, a quotient overflowing to Infinity included', () => {
    // tests/draft2020-12/multipleOf.json and the "float division = inf" case.
    const cases: readonly [number, number, boolean][] = [
      [2, 10, true], [2, 7, false], [1.5, 0, true], [1.5, 4.5, true], [1.5, 35, false],
      [0.0001, 0.0075, true], [0.0001, 0.00751, false], [0.123456789, 1e308, false], [1e-8, 12391239123, true],
      // Found by a random seed in test/import.test.ts: the quotient overflows (ajv's multipleOfPrecision says valid).
      [0.5, -8.98846567431158e+307, false],
    ];
    for (const [divisor, value, valid] of cases) expect(passes(z.number().check(multipleOf(divisor)), value), `${value} by ${divisor}`).toBe(valid);
    expect(passes(z.number().check(integer, multipleOf(0.123456789)), 1e308)).toBe(false);
  });

  it('compare items as JSON values for uniqueItems, whatever their key order', () => {
    const unique = z.array(z.unknown()).check(uniqueItems);
    expect(passes(unique, [{ a: 1, b: 2 }, { b: 2, a: 1 }])).toBe(false);
    expect(passes(unique, [1, '1', true, null])).toBe(true);
    // ajv 8.20 accepts this one (it keys seen strings on a plain object); we do not.
    expect(passes(unique, ['__proto__', '__proto__'])).toBe(false);
    // ajv 8.20 throws on these (its deep-equal calls an own toString or valueOf key); we do not.
    expect(passes(unique, [{ toString: 'x' }, { toString: 'x' }])).toBe(false);
    expect(passes(unique, [{ valueOf: 1 }, { valueOf: 2 }])).toBe(true);
    expect(jsonEqual([1, { a: [2] }], [1, { a: [2] }])).toBe(true);
    expect(jsonEqual({ a: 1 }, { a: 1, b: undefined })).toBe(false);
  });
});
