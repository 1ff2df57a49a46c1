/**
 * Random catalogues over the whole payload language: nested objects, maps, arrays of arrays,
 * unions, intersections, type lists, nullable fields, enums, formats, bounds, shared types
 * (recursive ones included), annotations and `x-sensitive` anywhere. Every catalogue is valid by
 * construction, so lint must accept it; what it generates must compile and agree with ajv.
 * Catalogues are written as JSON, which YAML reads as it is.
 */
import fc from 'fast-check';

type Schema = Record<string, unknown>;

const PROPERTY_NAMES = ['id', 'name', 'count', 'items', 'content-type', 'a b', 'ünï', 'x_y', 'value', 'nested', '$dollar', '1st', 'constructor', 'toString', 'hasOwnProperty'];
const PATTERNS = ['^a', '^[a-z]+$', '\\d', '^.{2}$', '^\\p{Lu}', 'x|y'];
const FORMATS = ['date-time', 'date', 'time', 'iso-time', 'iso-date-time', 'duration', 'uri', 'uri-reference', 'uri-template', 'url', 'email', 'hostname', 'ipv4', 'ipv6', 'regex', 'uuid', 'json-pointer', 'json-pointer-uri-fragment', 'relative-json-pointer', 'byte', 'password', 'binary', 'ulid'];
/** `enum`/`const` values beyond scalars: objects and arrays, compared as JSON values. */
const STRUCTURED: readonly unknown[] = [{ a: 1 }, { a: 1, b: [true, null] }, [], [1, 'a'], {}, [{ x: 'y' }]];
const SCALARS: readonly (string | number | boolean | null)[] = ['a', 'b', '', 'ünï', '*/', 0, 1, -2.5, 1e21, true, false, null];

/** Annotations never change what is valid, and may stand anywhere. */
const annotations: fc.Arbitrary<Schema> = fc.record(
  {
    description: fc.constantFrom('A field.', 'ends */ a comment', 'line\u2028break', '@deprecated no'),
    title: fc.constant('Title'),
    deprecated: fc.boolean(),
    // A `__proto__` key is refused anywhere in a catalogue (reserved-name), data included.
    default: fc.jsonValue({ maxDepth: 1 }).filter((value) => !JSON.stringify(value).includes('"__proto__"')),
    'x-sensitive': fc.boolean(),
    'x-note': fc.constant('an extension'),
  },
  { requiredKeys: [] },
);

function withAnnotations(schema: fc.Arbitrary<Schema>): fc.Arbitrary<Schema> {
  return fc.tuple(schema, fc.option(annotations, { freq: 3 })).map(([each, notes]) => (notes === null ? each : { ...notes, ...each }));
}

/** Two ordered bounds, and which of the four bound keywords use them. */
const numberBounds = fc.tuple(fc.integer({ min: -50, max: 50 }), fc.integer({ min: 1, max: 60 }), fc.boolean(), fc.boolean(), fc.boolean(), fc.boolean()).map(
  ([low, width, hasLow, hasHigh, lowExclusive, highExclusive]) => ({
    ...(hasLow ? { [lowExclusive ? 'exclusiveMinimum' : 'minimum']: low } : {}),
    ...(hasHigh ? { [highExclusive ? 'exclusiveMaximum' : 'maximum']: low + width } : {}),
  }),
);

const stringKeywords = fc.record(
  {
    lengths: fc.tuple(fc.nat(3), fc.nat(5)).map(([min, extra]) => ({ minLength: min, maxLength: min + extra })),
    pattern: fc.constantFrom(...PATTERNS),
    format: fc.constantFrom(...FORMATS),
  },
  { requiredKeys: [] },
).map(({ lengths, pattern, format }) => ({ ...lengths, ...(pattern === undefined ? {} : { pattern }), ...(format === undefined ? {} : { format }) }));

const numberKeywords = fc.tuple(numberBounds, fc.option(fc.constantFrom(0.5, 2, 0.01, 3, 0.1), { freq: 3 })).map(([bounds, step]) => ({ ...bounds, ...(step === null ? {} : { multipleOf: step }) }));

const scalarLeaf: fc.Arbitrary<Schema> = fc.oneof(
  stringKeywords.map((keywords) => ({ type: 'string', ...keywords })),
  fc.tuple(fc.constantFrom('number', 'integer'), numberKeywords).map(([type, keywords]) => ({ type, ...keywords })),
  fc.constant({ type: 'boolean' }),
  fc.constant({ type: 'null' }),
  fc.uniqueArray(fc.constantFrom(...SCALARS), { minLength: 1, maxLength: 4, selector: (value) => JSON.stringify(value) }).map((values) => ({ enum: values })),
  fc.constantFrom(...SCALARS).map((value) => ({ const: value })),
  fc.uniqueArray(fc.constantFrom(...SCALARS, ...STRUCTURED), { minLength: 1, maxLength: 4, selector: (value) => JSON.stringify(value) }).map((values) => ({ enum: values })),
  fc.constantFrom(...STRUCTURED).map((value) => ({ const: value })),
  fc.tuple(fc.constantFrom('int32', 'int64', 'float', 'double'), fc.constantFrom('number', 'integer')).map(([format, type]) => ({ type, format })),
  // Type-specific keywords without `type`: other kinds of value pass.
  fc.constantFrom({ minLength: 2 }, { maximum: 3 }, { minItems: 1 }, { required: ['id'] }, { minLength: 1, minimum: 0 }),

  // A type list, each type's keywords beside it: a nullable string, a number or a string, …
  fc.tuple(stringKeywords, numberKeywords, fc.subarray(['string', 'integer', 'null', 'boolean'], { minLength: 2 })).map(([strings, numbers, types]) => ({
    type: types,
    ...(types.includes('string') ? strings : {}),
    ...(types.includes('integer') ? numbers : {}),
  })),
  fc.constant({}),
);

interface Scope {
  /** Every shared type; any may be referenced through a property or an array item. */
  readonly all: readonly string[];
  /** Types this schema may reference with nothing in between (no bare reference cycles). */
  readonly direct: readonly string[];
}

function refTo(names: readonly string[]): fc.Arbitrary<Schema>[] {
  return names.length === 0 ? [] : [fc.constantFrom(...names).map((name) => ({ $ref: `#/types/${name}` }))];
}

/** A schema at most `depth` levels deep, sometimes a boolean one; `contained` when it is a property or an array item. */
export function schemaOf(depth: number, scope: Scope, contained: boolean): fc.Arbitrary<Schema | boolean> {
  return fc.oneof({ arbitrary: schemaObjectOf(depth, scope, contained), weight: 15 }, { arbitrary: fc.boolean(), weight: 1 });
}

/** A schema that is a mapping, at most `depth` levels deep. */
export function schemaObjectOf(depth: number, scope: Scope, contained: boolean): fc.Arbitrary<Schema> {
  const leaves = [scalarLeaf, ...refTo(contained ? scope.all : scope.direct)];
  if (depth === 0) return withAnnotations(fc.oneof(...leaves));
  const inner = (isContained: boolean): fc.Arbitrary<Schema | boolean> => schemaOf(depth - 1, scope, isContained);
  return withAnnotations(
    fc.oneof(
      { arbitrary: fc.oneof(...leaves), weight: 3 },
      { arbitrary: objectOf(depth - 1, scope), weight: 3 },
      {
        arbitrary: fc.tuple(inner(true), fc.nat(2), fc.nat(3), fc.boolean()).map(([items, min, extra, unique]) => ({ type: 'array', items, minItems: min, maxItems: min + extra, ...(unique ? { uniqueItems: true } : {}) })),
        weight: 2,
      },
      {
        arbitrary: fc.tuple(fc.constantFrom('oneOf', 'anyOf', 'allOf'), fc.array(inner(false), { minLength: 1, maxLength: 3 })).map(([keyword, members]) => ({ [keyword]: members })),
        weight: 1,
      },
      {
        // Objects a `kind` property tells apart: a discriminated union.
        arbitrary: fc.tuple(fc.constantFrom('oneOf', 'anyOf'), fc.array(objectOf(depth - 1, scope), { minLength: 2, maxLength: 3 })).map(([keyword, objects]) => ({
          [keyword]: objects.map((object, index) => ({
            ...object,
            properties: { ...(object['properties'] as Schema), kind: { const: `k${index}` } },
            required: [...(object['required'] as string[]).filter((name) => name !== 'kind'), 'kind'],
          })),
        })),
        weight: 1,
      },
      { arbitrary: fc.tuple(scalarLeaf, inner(false)).map(([base, excluded]) => ({ ...base, not: excluded })), weight: 1 },
      {
        arbitrary: fc.tuple(inner(false), fc.option(inner(false)), fc.option(inner(false))).map(([condition, then, otherwise]) => ({
          if: condition,
          ...(then === null && otherwise === null ? { then: true } : {}),
          ...(then === null ? {} : { then }),
          ...(otherwise === null ? {} : { else: otherwise }),
        })),
        weight: 1,
      },
      {
        // prefixItems with the rest as a schema, none (`false`) or anything; `contains` counted.
        arbitrary: fc.tuple(fc.array(inner(true), { minLength: 1, maxLength: 3 }), fc.oneof(fc.constant(undefined), fc.constant(false), inner(true)), fc.nat(2)).map(([prefix, items, min]) => ({
          type: 'array',
          prefixItems: prefix,
          ...(items === undefined ? {} : { items }),
          ...(min > 0 ? { minItems: min } : {}),
        })),
        weight: 1,
      },
      {
        arbitrary: fc.tuple(inner(true), fc.nat(2), fc.option(fc.nat(2))).map(([contains, min, extra]) => ({ type: 'array', contains, minContains: min, ...(extra === null ? {} : { maxContains: min + extra }) })),
        weight: 1,
      },
    ),
  );
}

/** An object: properties, a `required` subset, and closed, open or a map of values; maybe the rest of the object keywords. */
export function objectOf(depth: number, scope: Scope): fc.Arbitrary<Schema> {
  const nested = (): fc.Arbitrary<Schema | boolean> => schemaOf(Math.max(0, depth - 1), scope, true);
  const extras = fc.record(
    {
      patternProperties: fc.dictionary(fc.constantFrom('^x-', '^[0-9]+$', 'id$', 'ü'), nested(), { minKeys: 1, maxKeys: 2 }),
      propertyNames: fc.constantFrom({ maxLength: 8 }, { pattern: '^[a-z-]+$' }, { not: { const: 'forbidden' } }),
      counts: fc.tuple(fc.nat(2), fc.nat(3)).map(([min, extra]) => ({ minProperties: min, maxProperties: min + extra })),
      dependentRequired: fc.constantFrom({ id: ['name'] }, { name: ['count', 'value'] }, { extra: ['id'] }),
      dependentSchemas: fc.tuple(fc.constantFrom('id', 'name', 'extra'), objectOfShallow(scope)).map(([name, schema]) => ({ [name]: schema })),
      requiredOnly: fc.constant(['label']),
    },
    { requiredKeys: [] },
  );
  return fc
    .tuple(
      fc.uniqueArray(fc.constantFrom(...PROPERTY_NAMES), { maxLength: 4 }).chain((names) => fc.tuple(...names.map((name) => fc.tuple(fc.constant(name), schemaOf(depth, scope, true), fc.boolean())))),
      fc.oneof(fc.constant(undefined), fc.boolean(), nested()),
      fc.option(extras, { freq: 2 }),
    )
    .map(([properties, additional, more]) => {
      const names = properties.map(([name]) => name);
      const open = additional === true || (additional !== undefined && additional !== false) || more?.patternProperties !== undefined;
      const { counts, requiredOnly, ...keywords } = more ?? {};
      return {
        type: 'object',
        properties: Object.fromEntries(properties.map(([name, schema]) => [name, schema])),
        // A key only an open object can hold (a closed one would make it unsatisfiable, which lint refuses).
        required: [...properties.filter(([, , required]) => required).map(([name]) => name), ...(open && requiredOnly !== undefined ? requiredOnly.filter((name) => !names.includes(name)) : [])],
        ...(additional === undefined ? {} : { additionalProperties: additional }),
        ...keywords,
        ...(counts ?? {}),
      };
    });
}

/** A small object schema for `dependentSchemas` (the value is the whole object again). */
function objectOfShallow(scope: Scope): fc.Arbitrary<Schema> {
  return fc.tuple(fc.constantFrom(...PROPERTY_NAMES), schemaOf(0, scope, true), fc.boolean()).map(([name, schema, required]) => ({ properties: { [name]: schema }, ...(required ? { required: [name] } : {}) }));
}

/** A whole catalogue: a few shared types (each may use the ones before it bare, any of them through a container) and events. */
export const catalogueArbitrary: fc.Arbitrary<string> = fc.integer({ min: 0, max: 3 }).chain((typeCount) => {
  const names = Array.from({ length: typeCount }, (_, index) => `Shared${index}`);
  const types = fc.tuple(...names.map((_, index) => schemaObjectOf(2, { all: names, direct: names.slice(0, index) }, false)));
  // Sometimes a payload has a local definition, used by a property (and maybe by itself).
  const withDefinition = (payload: Schema): fc.Arbitrary<Schema> =>
    fc.option(objectOf(1, { all: names, direct: names }), { freq: 3 }).map((definition) =>
      definition === null
        ? payload
        : { ...payload, $defs: { Local: { ...definition, properties: { ...(definition['properties'] as Schema), again: { $ref: '#/$defs/Local' } } } }, properties: { ...(payload['properties'] as Schema), local: { $ref: '#/$defs/Local' } } },
    );
  const events = fc.array(objectOf(2, { all: names, direct: names }).chain(withDefinition), { minLength: 1, maxLength: 4 });
  // What an upcaster does, in any text: comment closers, line and paragraph separators, quotes.
  const upcastText = fc.oneof(fc.constant('a random step */ with \u2028 separators\u2029 and `code` "quotes"'), fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }).filter((text) => text.trim() !== ''));
  return fc.tuple(types, events, upcastText).map(([typeSchemas, payloads, upcast]) =>
    JSON.stringify(
      {
        version: 1,
        domains: { gen: 'Generated events.' },
        ...(typeCount === 0 ? {} : { types: Object.fromEntries(names.map((name, index) => [name, typeSchemas[index]])) }),
        // With two payloads or more, the first event keeps the last one as its version 1 (a step
        // that declares its upcaster, so any pair of schemas lints).
        events: Object.fromEntries(payloads.map((payload, index) => [
          `gen.event_${index}`,
          index === 0 && payloads.length > 1
            ? { description: `Event ${index}.`, version: 2, payload, previous: [{ version: 1, upcast, payload: payloads[payloads.length - 1] }] }
            : { description: `Event ${index}.`, payload },
        ])),
      },
      null,
      1,
    ),
  );
});
