import * as z from 'zod';
import { describe, expect, it } from 'vitest';
import { codePointLength, jsonEqual, maxChars, minChars, multipleOf, uniqueItems } from '../src/schema-checks.ts';

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
