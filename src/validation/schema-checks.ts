/**
 * zod checks for the JSON Schema keywords whose meaning differs from zod's nearest built-in.
 * Generated validators call these, so a payload is judged as JSON Schema would judge it.
 */
import * as z from 'zod/v4';
import { isRealmPrototype } from './plain-data.ts';
import { FORMAT_CHECKS, NUMBER_FORMAT_CHECKS, type NumberFormatName, type StringFormatName } from './formats.ts';

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

/**
 * `minLength`: zod's `.min()` counts UTF-16 units, so an emoji would count twice. The length
 * checks come first and abort the rest: a pattern that backtracks must never see a string its
 * length already rules out (`^(a+)+b$` under `maxLength: 20` would take seconds at 27 characters).
 */
export function minChars(min: number): z.core.$ZodCheck<string> {
  return z.refine<string>((value) => codePointLength(value) >= min, {
    message: `Too short: expected at least ${min} characters`,
    abort: true,
  });
}

/** `maxLength`, counted in code points; aborts the checks after it, as `minChars` does. */
export function maxChars(max: number): z.core.$ZodCheck<string> {
  return z.refine<string>((value) => codePointLength(value) <= max, {
    message: `Too long: expected at most ${max} characters`,
    abort: true,
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

/**
 * A zod schema as these helpers take it: any value with zod's `_zod` internals. Typed loosely on
 * purpose: checking an argument against zod's full schema type makes TypeScript work out the
 * argument's output type, which was most of the cost of type-checking generated code that uses
 * these helpers (a tenth of it with this type). The helpers parse with zod as usual.
 */
export type SchemaLike = { readonly _zod: object };

const asSchema = (schema: SchemaLike): z.core.$ZodType => schema as unknown as z.core.$ZodType;

/**
 * `schema.check(...checks)`, for objects and arrays in generated code: the same schema with the
 * checks added, typed without the output type TypeScript works out for `.check` (see `SchemaLike`).
 */
export function withChecks<T extends SchemaLike>(schema: T, ...checks: readonly SchemaLike[]): T {
  return (schema as unknown as z.ZodType).check(...(checks as unknown as z.core.$ZodCheck<unknown>[])) as unknown as T;
}

/**
 * A schema as a check: the value must pass it too, and its issues are the value's. Generated code
 * adds `not`, `if`/`then`/`else` and type-less keywords beside a typed schema this way, which
 * judges as `allOf` would and keeps the typed schema's output type.
 */
export function satisfies(schema: SchemaLike): z.core.$ZodCheck<unknown> {
  return z.superRefine<unknown>((value, context) => {
    addIssuesOf(context as Context, schema, value);
  });
}

type AllOutputs<T extends readonly SchemaLike[]> = T extends readonly [infer Head extends SchemaLike, ...infer Rest extends readonly SchemaLike[]]
  ? z.output<Head> & AllOutputs<Rest>
  : unknown;

/**
 * `allOf` (and a schema's own keywords beside `oneOf`/`anyOf`): every part judges the whole value
 * on its own, as JSON Schema means. zod's `z.intersection` reports a key that a strict object does
 * not know only when the other part rejects it too, so a closed object beside a union would
 * accept keys only the union knows. The value passes through unchanged.
 */
export function allOf<const T extends readonly [SchemaLike, SchemaLike, ...SchemaLike[]]>(...parts: T): z.ZodType<AllOutputs<T>> {
  const all = z.unknown().superRefine((value, context) => {
    for (const part of parts) {
      const result = z.safeParse(asSchema(part), value);
      // The part's issues as they are, paths relative to this value.
      if (!result.success) for (const issue of result.error.issues) context.addIssue(issue as unknown as Parameters<typeof context.addIssue>[0]);
    }
  });
  return all as unknown as z.ZodType<AllOutputs<T>>;
}

type AnyOutput<T extends readonly SchemaLike[]> = z.output<T[number]>;

/**
 * `oneOf`: exactly one alternative accepts the value. (zod 4's `z.xor` says the same, but zod
 * 3.25's v4 API lacks it, and generated code works with both.) The value passes through unchanged.
 */
export function oneOf<const T extends readonly [SchemaLike, ...SchemaLike[]]>(...alternatives: T): z.ZodType<AnyOutput<T>> {
  const one = z.unknown().superRefine((value, context) => {
    const matching = alternatives.filter((alternative) => z.safeParse(asSchema(alternative), value).success).length;
    if (matching === 1) return;
    context.addIssue({
      code: 'custom',
      message: matching === 0 ? `Invalid input: matches none of the ${alternatives.length} alternatives` : `Invalid input: matches ${matching} of the alternatives, where exactly one must`,
    });
  });
  return one as unknown as z.ZodType<AnyOutput<T>>;
}

/**
 * `oneOf`/`anyOf` of objects that one required property tells apart, each branch fixing it to its
 * own value (`method: card` / `method: bank`): at most one branch can accept a value, the one its
 * property names, so the verdict is that branch's, and so are the issues of a rejected value.
 */
export function discriminated<const T extends readonly [SchemaLike, ...SchemaLike[]]>(key: string, values: readonly unknown[], ...branches: T): z.ZodType<AnyOutput<T>> {
  const union = z.unknown().superRefine((value, context) => {
    if (!isRecord(value)) {
      context.addIssue({ code: 'custom', message: 'Invalid input: expected object' });
      return;
    }
    const index = Object.hasOwn(value, key) ? values.indexOf(value[key]) : -1;
    const branch = index < 0 ? undefined : branches[index];
    if (branch === undefined) {
      context.addIssue({ code: 'custom', path: [key], message: `Invalid input: expected one of ${values.map((each) => JSON.stringify(each)).join(', ')}` });
      return;
    }
    addIssuesOf(context, branch, value);
  });
  return union as unknown as z.ZodType<AnyOutput<T>>;
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

/**
 * A plain object, as the generated checks take one: not null, not an array, and of prototype
 * `Object.prototype` or `null`. A class instance's fields could come from its prototype, which a
 * check reads and a copy leaves out, so the checks refuse it, as every bus entry point does
 * (plain-data.ts).
 */
export function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null || isRealmPrototype(prototype, 'Object');
}

/** An own property's value, or `undefined`: for property names every object inherits (`constructor`). */
export function ownValue(record: Readonly<Record<string, unknown>>, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

const formatChecks = Object.fromEntries(
  Object.entries(FORMAT_CHECKS).map(([name, test]) => [name, z.refine<string>(test, { message: `Invalid ${name}` })]),
) as Record<StringFormatName, z.core.$ZodCheck<string>>;

/** `format` on a string: one of the formats in `FORMAT_CHECKS`. */
export function format(name: StringFormatName): z.core.$ZodCheck<string> {
  return formatChecks[name];
}

/** `format` on a number: `int32`, `int64`, `float` or `double`. */
export function numberFormat(name: NumberFormatName): z.core.$ZodCheck<number> {
  return z.refine<number>(NUMBER_FORMAT_CHECKS[name], { message: `Invalid ${name}` });
}

/** @internal */
export type Schema = SchemaLike;

/** A value's verdict alone: the generated check of a schema (a type guard), where no issue is reported. */
export type Verdict = SchemaLike | ((value: unknown) => boolean);

/** @internal A verdict's answer on one value (unevaluated.ts shares it). */
export function passes(verdict: Verdict, value: unknown): boolean {
  return typeof verdict === 'function' ? verdict(value) : z.safeParse(asSchema(verdict), value).success;
}
/** @internal */
export type Context = z.core.$RefinementCtx;

/** Adds a part's issues to a refinement, their paths under `path` (relative to the value checked). */
/** @internal */
export function addIssuesOf(context: Context, schema: Schema, value: unknown, path: readonly PropertyKey[] = []): boolean {
  const result = z.safeParse(asSchema(schema), value);
  if (result.success) return true;
  for (const issue of result.error.issues) {
    context.addIssue({ ...issue, path: [...path, ...issue.path] } as unknown as Parameters<Context['addIssue']>[0]);
  }
  return false;
}

/** `enum`/`const` with objects or arrays among the values: equal as JSON values to one of them. */
export function jsonValues(values: readonly unknown[]): z.ZodType<unknown> {
  // Not generic: the generated interface has the values' precise type, and inferring it again
  // here was a large part of type-checking a structured `const`.
  return z.custom<unknown>((value) => values.some((each) => jsonEqual(value, each)), {
    message: `Invalid input: expected ${values.length === 1 ? JSON.stringify(values[0]) : `one of ${values.map((each) => JSON.stringify(each)).join(', ')}`}`,
  });
}

/** `not`: the value must fail `schema`. */
export function not(schema: Verdict): z.ZodType<unknown> {
  return z.unknown().check(z.refine((value) => !passes(schema, value), { message: 'Invalid input: matches a schema it must not match (`not`)' }));
}

/** `if`/`then`/`else`: a value `condition` accepts must pass `then`, any other `otherwise`. */
export function ifThenElse(condition: Verdict, then: Schema | undefined, otherwise: Schema | undefined): z.ZodType<unknown> {
  return z.unknown().superRefine((value, context) => {
    const branch = passes(condition, value) ? then : otherwise;
    if (branch !== undefined) addIssuesOf(context, branch, value);
  });
}

/** An object's own keys, or none for anything else (object keywords pass other values). */
function ownKeys(value: unknown): readonly string[] {
  return isRecord(value) ? Object.keys(value) : [];
}

/** `minProperties`/`maxProperties`: how many keys an object has. */
export function propertyCount(min: number | undefined, max: number | undefined): z.core.$ZodCheck<object> {
  return z.refine<object>((value) => {
    const count = Object.keys(value).length;
    return (min === undefined || count >= min) && (max === undefined || count <= max);
  }, { message: `Invalid input: expected ${min === undefined ? '' : `at least ${min} `}${min !== undefined && max !== undefined ? 'and ' : ''}${max === undefined ? '' : `at most ${max} `}properties` });
}

/** `dependentRequired`: when an object has the key, it must have the keys listed for it. */
export function dependentRequired(dependencies: readonly (readonly [string, readonly string[]])[]): z.core.$ZodCheck<object> {
  return z.superRefine<object>((value, context) => {
    for (const [key, required] of dependencies) {
      if (!Object.hasOwn(value, key)) continue;
      for (const name of required) {
        if (!Object.hasOwn(value, name)) context.addIssue({ code: 'custom', path: [name], message: `Required when \`${key}\` is present` });
      }
    }
  });
}

/** `dependentSchemas`: when an object has the key, the whole object must pass the key's schema. */
export function dependentSchemas(dependencies: readonly (readonly [string, Schema])[]): z.core.$ZodCheck<object> {
  return z.superRefine<object>((value, context) => {
    for (const [key, schema] of dependencies) if (Object.hasOwn(value, key)) addIssuesOf(context as Context, schema, value);
  });
}

/** `required` names that `properties` does not declare (an open object or a pattern holds them). */
export function requiredKeys(names: readonly string[]): z.core.$ZodCheck<object> {
  return z.superRefine<object>((value, context) => {
    for (const name of names) if (!Object.hasOwn(value, name)) context.addIssue({ code: 'custom', path: [name], message: 'Required' });
  });
}

/** The JSON kind of a value, as type-specific keywords see it. */
function kindOf(value: unknown): 'object' | 'array' | 'string' | 'number' | undefined {
  if (Array.isArray(value)) return 'array';
  if (isRecord(value)) return 'object';
  const type = typeof value;
  return type === 'string' || type === 'number' ? type : undefined;
}

/**
 * Type-specific keywords in a schema without `type`: each kind of value meets its own keywords
 * (`minLength` judges strings, `required` objects), and values of other kinds pass.
 */
export function byKind(cases: { readonly object?: Schema; readonly array?: Schema; readonly string?: Schema; readonly number?: Schema }): z.ZodType<unknown> {
  return z.unknown().superRefine((value, context) => {
    const kind = kindOf(value);
    const schema = kind === undefined ? undefined : cases[kind];
    if (schema !== undefined) addIssuesOf(context, schema, value);
  });
}

/**
 * The keys an object schema does not settle by `properties` alone: `patternProperties` (each key
 * a pattern matches takes that pattern's schema, declared or not), `additionalProperties` (for
 * keys neither declared nor matched: a schema, or `false`), and `propertyNames` (every key).
 */
export function otherProperties(options: {
  readonly declared: readonly string[];
  readonly patterns?: readonly (readonly [RegExp, Schema])[];
  readonly additional?: Schema | false;
  readonly names?: Verdict;
}): z.core.$ZodCheck<object> {
  const declared = new Set(options.declared);
  const patterns = options.patterns ?? [];
  return z.superRefine<object>((value, context) => {
    const record = value as Readonly<Record<string, unknown>>;
    for (const key of ownKeys(record)) {
      if (options.names !== undefined && !passes(options.names, key)) {
        context.addIssue({ code: 'custom', path: [key], message: 'Invalid key: `propertyNames` rejects it' });
      }
      let matched = declared.has(key);
      for (const [pattern, schema] of patterns) {
        if (!pattern.test(key)) continue;
        matched = true;
        addIssuesOf(context as Context, schema, record[key], [key]);
      }
      if (matched || options.additional === undefined) continue;
      if (options.additional === false) context.addIssue({ code: 'custom', path: [key], message: 'Unexpected key' });
      else addIssuesOf(context as Context, options.additional, record[key], [key]);
    }
  });
}

/**
 * An array whose first items each have their own schema (`prefixItems`; an array may be shorter),
 * and the rest `rest` (`items`: a schema, `false` for none, absent for anything).
 */
export function prefixItems(prefix: readonly Schema[], rest?: Schema | false): z.core.$ZodCheck<readonly unknown[]> {
  return z.superRefine<readonly unknown[]>((items, context) => {
    items.forEach((item, index) => {
      const schema = index < prefix.length ? prefix[index] : rest;
      if (schema === false) context.addIssue({ code: 'custom', path: [index], message: `Unexpected item: at most ${prefix.length} allowed` });
      else if (schema !== undefined) addIssuesOf(context as Context, schema, item, [index]);
    });
  });
}

/** `contains` with `minContains` (default 1) and `maxContains`: how many items pass `schema`. */
export function contains(schema: Verdict, min = 1, max?: number): z.core.$ZodCheck<readonly unknown[]> {
  return z.refine<readonly unknown[]>((items) => {
    let count = 0;
    for (const item of items) if (passes(schema, item)) count++;
    return count >= min && (max === undefined || count <= max);
  }, { message: `Invalid input: expected ${max === undefined ? `at least ${min}` : `${min} to ${max}`} items matching \`contains\`` });
}
