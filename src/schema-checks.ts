/**
 * zod checks for the JSON Schema keywords whose meaning differs from zod's nearest built-in.
 * Generated validators call these, so a payload is judged as JSON Schema would judge it.
 */
import * as z from 'zod/v4';
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
 * `multipleOf`: the quotient must be finite and within 1e-9 of an integer, so `0.3` is a
 * multiple of `0.1` despite binary floating point (ajv's `multipleOfPrecision: 9`). A quotient
 * that overflows to Infinity (`1e308` by `0.123456789`) proves nothing and is rejected, as the
 * JSON Schema test suite and ajv's default rule do.
 */
export function isMultipleOf(value: number, divisor: number): boolean {
  const quotient = value / divisor;
  return Number.isFinite(quotient) && Math.abs(Math.round(quotient) - quotient) <= 1e-9;
}

export function multipleOf(divisor: number): z.core.$ZodCheck<number> {
  return z.refine<number>(
    (value) => isMultipleOf(value, divisor),
    { message: `Expected a multiple of ${divisor}` },
  );
}

function ownCopy(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const own: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(value)) own[key] = (value as Record<string, unknown>)[key];
  return own;
}

/**
 * An object schema that sees only the value's own properties, so that a property named like an
 * inherited member (`constructor`, `toString`) reads as absent when the object lacks it, as
 * JSON Schema means (zod reads `value.constructor` and would find Object's). Generated
 * validators use it only for objects with such property names. (Built as a pipe from
 * `z.unknown()`, unlike `z.preprocess`, so a required key of this schema stays required.)
 */
export function ownProperties<T extends z.core.$ZodType>(schema: T): z.ZodPipe<z.ZodPipe<z.ZodUnknown, z.ZodTransform<unknown, unknown>>, T> {
  return z.unknown().transform(ownCopy).pipe(schema as unknown as z.core.$ZodType<unknown, unknown>) as unknown as z.ZodPipe<z.ZodPipe<z.ZodUnknown, z.ZodTransform<unknown, unknown>>, T>;
}

type AllOutputs<T extends readonly z.core.$ZodType[]> = T extends readonly [infer Head extends z.core.$ZodType, ...infer Rest extends readonly z.core.$ZodType[]]
  ? z.output<Head> & AllOutputs<Rest>
  : unknown;

/**
 * `allOf` (and a schema's own keywords beside `oneOf`/`anyOf`): every part judges the whole value
 * on its own, as JSON Schema means. zod's `z.intersection` reports a key that a strict object does
 * not know only when the other part rejects it too, so a closed object beside a union would
 * accept keys only the union knows. The value passes through unchanged.
 */
export function allOf<const T extends readonly [z.core.$ZodType, z.core.$ZodType, ...z.core.$ZodType[]]>(...parts: T): z.ZodType<AllOutputs<T>> {
  const all = z.unknown().superRefine((value, context) => {
    for (const part of parts) {
      const result = z.safeParse(part, value);
      // The part's issues as they are, paths relative to this value.
      if (!result.success) for (const issue of result.error.issues) context.addIssue(issue as unknown as Parameters<typeof context.addIssue>[0]);
    }
  });
  return all as unknown as z.ZodType<AllOutputs<T>>;
}

type AnyOutput<T extends readonly z.core.$ZodType[]> = z.output<T[number]>;

/**
 * `oneOf`: exactly one alternative accepts the value. (zod 4's `z.xor` says the same, but zod
 * 3.25's v4 API lacks it, and generated code works with both.) The value passes through unchanged.
 */
export function oneOf<const T extends readonly [z.core.$ZodType, ...z.core.$ZodType[]]>(...alternatives: T): z.ZodType<AnyOutput<T>> {
  const one = z.unknown().superRefine((value, context) => {
    const matching = alternatives.filter((alternative) => z.safeParse(alternative, value).success).length;
    if (matching === 1) return;
    context.addIssue({
      code: 'custom',
      message: matching === 0 ? `Invalid input: matches none of the ${alternatives.length} alternatives` : `Invalid input: matches ${matching} of the alternatives, where exactly one must`,
    });
  });
  return one as unknown as z.ZodType<AnyOutput<T>>;
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

/** Whether no two items are equal as JSON values (`uniqueItems: true`). */
export function hasUniqueItems(items: readonly unknown[]): boolean {
  return items.every((item, i) => items.findIndex((other) => jsonEqual(item, other)) === i);
}

/** `uniqueItems: true`: no two items are equal as JSON values. */
export const uniqueItems: z.core.$ZodCheck<readonly unknown[]> = z.refine<readonly unknown[]>(hasUniqueItems, { message: 'Expected unique items' });

/** A plain object, as an object schema takes it: not null, not an array. */
export function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An own property's value, or `undefined`: for property names every object inherits (`constructor`). */
export function ownValue(record: Readonly<Record<string, unknown>>, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

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
