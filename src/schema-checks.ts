/**
 * zod checks for the JSON Schema keywords whose meaning differs from zod's nearest built-in.
 * Generated validators call these, so a payload is judged as JSON Schema would judge it.
 */
import * as z from 'zod';
import { FORMAT_CHECKS, type FormatName } from './formats.ts';

/** Length in Unicode code points, as JSON Schema counts `minLength` and `maxLength`. */
export function codePointLength(value: string): number {
  let length = value.length;
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    // A high surrogate followed by a low one is a single code point.
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < value.length) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        length--;
        i++;
      }
    }
  }
  return length;
}

/** `minLength`: zod's `.min()` counts UTF-16 units, so an emoji would count twice. */
export function minChars(min: number): z.core.$ZodCheck<string> {
  return z.refine<string>((value) => codePointLength(value) >= min, {
    message: `Too short: expected at least ${min} characters`,
  });
}

/** `maxLength`, counted in code points. */
export function maxChars(max: number): z.core.$ZodCheck<string> {
  return z.refine<string>((value) => codePointLength(value) <= max, {
    message: `Too long: expected at most ${max} characters`,
  });
}

/** `type: integer`: any integral number, where zod's `.int()` also caps at 2^53. */
export const integer: z.core.$ZodCheck<number> = z.refine<number>(Number.isInteger, {
  message: 'Expected an integer',
});

/**
 * `multipleOf`: the quotient must be within 1e-9 of an integer, so `0.3` is a multiple of `0.1`
 * despite binary floating point (the same rule as ajv's `multipleOfPrecision: 9`).
 */
export function multipleOf(divisor: number): z.core.$ZodCheck<number> {
  return z.refine<number>(
    (value) => {
      const quotient = value / divisor;
      // Written as "not too far" so a quotient that overflows to Infinity passes, as in ajv.
      return !(Math.abs(Math.round(quotient) - quotient) > 1e-9);
    },
    { message: `Expected a multiple of ${divisor}` },
  );
}

/** Deep equality of JSON values; object key order does not matter. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  }
  if (Array.isArray(b)) return false;
  const aRecord = a as Record<string, unknown>;
  const bRecord = b as Record<string, unknown>;
  const keys = Object.keys(aRecord);
  return (
    keys.length === Object.keys(bRecord).length &&
    keys.every((key) => Object.hasOwn(bRecord, key) && jsonEqual(aRecord[key], bRecord[key]))
  );
}

/** `uniqueItems: true`: no two items are equal as JSON values. */
export const uniqueItems: z.core.$ZodCheck<readonly unknown[]> = z.refine<readonly unknown[]>(
  (items) => items.every((item, i) => items.findIndex((other) => jsonEqual(item, other)) === i),
  { message: 'Expected unique items' },
);

const formatChecks = Object.fromEntries(
  Object.entries(FORMAT_CHECKS).map(([name, test]) => [
    name,
    z.refine<string>(test, { message: `Invalid ${name}` }),
  ]),
) as Record<FormatName, z.core.$ZodCheck<string>>;

/** `format`: one of the formats in `FORMAT_CHECKS`. */
export function format(name: FormatName): z.core.$ZodCheck<string> {
  return formatChecks[name];
}
