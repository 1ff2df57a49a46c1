/**
 * Redaction of the values a catalogue marks `x-sensitive`. The generator knows every place a
 * sensitive value can be (a property, an array item, a map value, a shared type, a union branch,
 * at any depth of a recursive type) and builds one `Redactor` per event type from these
 * combinators; the registry carries it as `redact`. A redactor returns a copy in which each
 * sensitive value is replaced by what `conceal` makes of it; its input is never changed.
 */

/** The text that stands in for a sensitive value in logs. */
export const REDACTED = '[REDACTED]';

/** What a sensitive value becomes: `REDACTED`, a keyed hash, … */
export type Conceal = (value: unknown) => unknown;

/** A copy of `value` with every sensitive value inside it passed through `conceal`. */
export type Redactor = (value: unknown, conceal: Conceal) => unknown;

/** The conceal of logs: every sensitive value becomes `[REDACTED]`. */
export const mask: Conceal = () => REDACTED;

/** The whole value is sensitive. */
export const concealed: Redactor = (value, conceal) => conceal(value);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  // An own `__proto__` key (JSON.parse makes them) must stay a key, not become the prototype.
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** What redacts the keys an object does not list: by pattern (`patternProperties`), and the rest. */
export interface OtherKeys {
  /** Keys with a redactor of their own (`properties`). */
  readonly declared: readonly string[];
  /** Each key a pattern matches, declared or not, passes through that pattern's redactor (if any). */
  readonly patterns?: readonly (readonly [RegExp, Redactor | null])[];
  /** The value of every key neither declared nor matched by a pattern (`additionalProperties`). */
  readonly value?: Redactor;
}

/**
 * An object whose listed properties hold sensitive values (pairs, so that no key can become a
 * prototype), and, for a map, redactors for the keys it does not list.
 */
export function redactProperties(properties: readonly (readonly [string, Redactor])[], others?: OtherKeys): Redactor {
  const declared = new Set(others?.declared);
  const patterns = others?.patterns ?? [];
  return (value, conceal) => {
    if (!isRecord(value)) return value;
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(value)) setOwn(copy, key, value[key]);
    for (const [key, redact] of properties) {
      if (Object.hasOwn(value, key)) setOwn(copy, key, redact(value[key], conceal));
    }
    if (others !== undefined) {
      for (const key of Object.keys(value)) {
        let matched = false;
        for (const [pattern, redact] of patterns) {
          if (!pattern.test(key)) continue;
          matched = true;
          if (redact !== null) setOwn(copy, key, redact(copy[key], conceal));
        }
        if (!matched && !declared.has(key) && others.value !== undefined) setOwn(copy, key, others.value(copy[key], conceal));
      }
    }
    return copy;
  };
}

/** An array whose items hold sensitive values: the first ones by position (`prefixItems`), then every later one. */
export function redactItems(item: Redactor | null, prefix: readonly (Redactor | null)[] = []): Redactor {
  return (value, conceal) => {
    if (!Array.isArray(value)) return value;
    return value.map((each: unknown, index) => {
      const redact = index < prefix.length ? prefix[index] : item;
      return redact === null || redact === undefined ? each : redact(each, conceal);
    });
  };
}

/**
 * Several redactors over one value (`allOf`, or the branches of a union): each is applied in
 * turn, so a value is concealed wherever any branch marks it, whichever branch it matched.
 */
export function redactEach(...redactors: readonly Redactor[]): Redactor {
  return (value, conceal) => redactors.reduce((current, redact) => redact(current, conceal), value);
}

/** A redactor defined later in its module (a recursive type's). */
export function lazyRedactor(get: () => Redactor): Redactor {
  return (value, conceal) => get()(value, conceal);
}

/** What a sensitive value becomes for a consumer that may not read it: the marker `"[REDACTED]"`. */
export type Concealed = typeof REDACTED;

/**
 * Where a value's sensitive parts are, as a type (the generator writes one per payload and shared
 * type that has any, from the same plan as its redactor): `true` the whole value, `false`
 * nothing; an object's `properties` by name, `rest` for keys it does not declare and `patterns`
 * for keys a pattern matches; an array's `prefix` items by position and its other `items`;
 * `each` for several plans over one value, applied in turn.
 */
export type RedactionShape =
  | boolean
  | {
      readonly properties?: { readonly [name: string]: RedactionShape };
      readonly rest?: RedactionShape;
      readonly patterns?: RedactionShape;
      readonly prefix?: { readonly [index: string]: RedactionShape };
      readonly items?: RedactionShape;
      readonly each?: readonly RedactionShape[];
    };

/**
 * `T` as a redactor with plan `P` returns it under `mask`: each sensitive value typed as
 * `Concealed`. A union plan (a map's keys may take one of several) gives the union of the results.
 */
export type Redacted<T, P> = P extends true ? Concealed : P extends false ? T : T extends unknown ? RedactedValue<T, P> : never;

type RedactedValue<T, P> = P extends { readonly each: infer E } ? RedactedEach<T, E> : T extends readonly unknown[] ? RedactedArray<T, P> : T extends object ? RedactedObject<T, P> : T;

type RedactedEach<T, E> = E extends readonly [infer First, ...infer Rest] ? RedactedEach<Redacted<T, First>, Rest> : T;

// An absent part redacts nothing: `false` for a plan, `{}` (no keys) for a table of plans.
type ShapePart<P, K extends string, Absent = false> = P extends { readonly [key in K]: infer V } ? V : Absent;

// Tuple positions are keyed `"0"`, `"1"`…; an indexed access (`T[1]`) asks with the number.
type PrefixPlan<P, K> = `${K & (string | number)}` extends infer Key extends keyof ShapePart<P, 'prefix', {}> ? ShapePart<P, 'prefix', {}>[Key] : ShapePart<P, 'items'>;

type RedactedArray<T extends readonly unknown[], P> = {
  [K in keyof T]: Redacted<T[K], PrefixPlan<P, K>>;
};

// No patterns (`never`): the value as its own plan left it; a pattern's plan may apply on top.
type WithPatterns<V, Patterns> = [Patterns] extends [never] ? V : V | Redacted<V, Patterns>;

type RedactedObject<T, P> = {
  [K in keyof T]: K extends keyof ShapePart<P, 'properties', {}>
    ? WithPatterns<Redacted<T[K], ShapePart<P, 'properties', {}>[K]>, ShapePart<P, 'patterns', never>>
    : string extends K
      ? Redacted<T[K], ShapePart<P, 'rest'> | ShapePart<P, 'patterns', never>>
      : WithPatterns<T[K], ShapePart<P, 'patterns', never>>;
};
