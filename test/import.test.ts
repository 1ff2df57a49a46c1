/**
 * `eventspec import`, run as a user runs it (the real command in a scratch directory), judged by
 * independent oracles: ajv on the original schemas, with the settings a user of those schemas
 * would choose, must give every value the verdict our generated validators give it.
 * - GitHub's webhook schemas (@octokit/webhooks-schemas: 224 events, draft-07, `uri-template`,
 *   `format` beside `const`), on every example payload of @octokit/webhooks-examples and on near
 *   misses made from them;
 * - AsyncAPI 2.6 and 3.0 documents, the payloads as @asyncapi/parser resolves them;
 * - random catalogues exported as JSON Schema files and imported back.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { Parser } from '@asyncapi/parser';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import * as z from 'zod/v4';
import { afterAll, describe, expect, it } from 'vitest';
import { compileChecks, compileValidators } from '../codegen/pipeline/examples.ts';
import { lintCatalogue } from '../codegen/pipeline/index.ts';
import type { CatalogueModel } from '../codegen/pipeline/model.ts';
import { runCli } from './support/cli.ts';
import { ROOT, scratchDirectory } from './support/generate-fixture.ts';
import { anyJson, RUNS_SCALE, subjectOfText, tripsAjvUniqueProto, valuesFor } from './support/oracle.ts';
import { catalogueArbitrary } from './support/random-catalogue.ts';
import { catalogueText } from '../codegen/import/catalogue-text.ts';
import { importJsonSchemas } from '../codegen/import/json-schema.ts';
import { convertSchema } from '../codegen/import/convert.ts';
import { DEFAULT_BASE_URI, renderJsonSchemas } from '../codegen/pipeline/render/json-schema.ts';

const require = createRequire(import.meta.url);
const scratch = scratchDirectory('import');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Ours {
  readonly validate: (event: string, value: unknown) => boolean;
  readonly fast: (event: string, value: unknown) => boolean;
  readonly model: Extract<ReturnType<typeof lintCatalogue>, { ok: true }>['model'];
}

/** Imports `source` with the real command into a fresh directory, and builds the generated validators of what it wrote. */
function imported(name: string, source: string, args: readonly string[] = []): { ours: Ours; text: string; output: string } {
  const dir = join(scratch, name);
  mkdirSync(dir, { recursive: true });
  const run = runCli(dir, ['import', source, ...args]);
  expect(run.status, run.stderr).toBe(0);
  const text = readFileSync(join(dir, 'catalog.yaml'), 'utf8');
  const linted = lintCatalogue(text, 'catalog.yaml');
  if (!linted.ok) throw new Error(JSON.stringify(linted.diagnostics.filter((each) => each.severity === 'error').slice(0, 5)));
  const names = linted.model.events.map((event) => event.name);
  const validators = compileValidators(linted.model, names);
  const checks = compileChecks(linted.model, names);
  const ours: Ours = {
    model: linted.model,
    validate: (event, value) => z.safeParse(validators.get(event) ?? z.never(), value).success,
    fast: (event, value) => (checks.get(event) ?? (() => false))(value),
  };
  return { ours, text, output: run.stdout + run.stderr };
}

/** A value one step from `value`: a key dropped or added, a leaf of another type, an item removed. */
function nearMiss(value: unknown): fc.Arbitrary<unknown> {
  const paths: (string | number)[][] = [];
  const walk = (node: unknown, path: (string | number)[]): void => {
    paths.push(path);
    if (Array.isArray(node)) node.forEach((item, index) => walk(item, [...path, index]));
    else if (typeof node === 'object' && node !== null) for (const [key, child] of Object.entries(node)) walk(child, [...path, key]);
  };
  walk(value, []);
  return fc.tuple(fc.constantFrom(...paths), fc.oneof(anyJson, fc.constant(undefined), fc.constantFrom('', 'not a uri', -1, 1.5, null, 'https://example.com/{x}', '2026-13-01T00:00:00Z'))).map(([path, replacement]) => {
    const copy = structuredClone(value) as Record<string | number, unknown>;
    if (path.length === 0) return replacement ?? null;
    let parent: Record<string | number, unknown> = copy;
    for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
    const last = path.at(-1) as string | number;
    if (replacement === undefined && Array.isArray(parent)) parent.splice(Number(last), 1);
    else if (replacement === undefined) delete parent[last];
    else parent[last] = replacement;
    return copy;
  });
}

describe('eventspec import of GitHub’s webhook schemas (224 events, converted as they are)', () => {
  const schemaPath = require.resolve('@octokit/webhooks-schemas/schema.json');
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as { definitions: Record<string, unknown> };
  const examples = JSON.parse(readFileSync(require.resolve('@octokit/webhooks-examples/api.github.com/index.json'), 'utf8')) as { name: string; examples: { action?: string }[] }[];
  // The oracle as a user of these draft-07 schemas runs it: ajv with ajv-formats; not strict,
  // as the schemas carry keywords of their own (`tsAdditionalProperties`).
  const ajv = new Ajv.default({ strict: false, allErrors: false });
  addFormats.default(ajv);
  ajv.addSchema(schema, 'webhooks');
  const reference = (definition: string): ((value: unknown) => boolean) => {
    const validate = ajv.getSchema(`webhooks#/definitions/${definition}`);
    if (validate === undefined) throw new Error(`no definition ${definition}`);
    return (value) => validate(value) === true;
  };
  const { ours, output } = imported('octokit', schemaPath);
  // An example's definition is `<event>$<action>`, or `<event>$event` for events whose action is free (repository_dispatch).
  const definitionOf = (name: string, action: string | undefined): string => (action !== undefined && Object.hasOwn(schema.definitions, `${name}$${action}`) ? `${name}$${action}` : `${name}$event`);
  const cases = examples.flatMap((group) =>
    group.examples.map((example) => {
      const definition = definitionOf(group.name, example.action);
      return { event: definition.replace('$', '.'), definition, example };
    }),
  );

  it('imports every event, lints without errors, and says what it converted', () => {
    expect(ours.model.events).toHaveLength(224);
    expect(output).toMatch(/imported 224 events and \d+ shared types/);
    expect(cases.length).toBeGreaterThan(300);
  });

  it('generates code that compiles under strict settings', () => {
    const dir = join(scratch, 'octokit');
    const generate = runCli(dir, ['generate']);
    expect(generate.status, generate.stderr).toBe(0);
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ extends: relative(dir, join(ROOT, 'tsconfig.json')), include: ['generated'], exclude: [] }));
    const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(dir, 'tsconfig.json'), '--checkers', '1'], { encoding: 'utf8' });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  }, 120_000);

  it('gives every example payload ajv’s verdict on the original schema', () => {
    let accepted = 0;
    for (const { event, definition, example } of cases) {
      const verdict = reference(definition)(example);
      expect(ours.validate(event, example), `${event}`).toBe(verdict);
      expect(ours.fast(event, example), `${event} (fast check)`).toBe(verdict);
      if (verdict) accepted++;
    }
    // Most of the community's examples are valid; the comparison means something either way.
    expect(accepted).toBeGreaterThan(cases.length / 2);
  });

  it('gives near misses of the examples ajv’s verdict too', () => {
    const arbitrary = fc.constantFrom(...cases).chain((each) => fc.tuple(fc.constant(each), nearMiss(each.example)));
    fc.assert(
      fc.property(arbitrary, ([{ event, definition }, value]) => {
        const verdict = reference(definition)(value);
        expect(ours.validate(event, value), `${event}: ${String(JSON.stringify(value)).slice(0, 300)}`).toBe(verdict);
        expect(ours.fast(event, value), `${event} (fast check)`).toBe(verdict);
      }),
      { numRuns: 400 * RUNS_SCALE },
    );
  });
});

describe('eventspec import of AsyncAPI documents', () => {
  // The payloads as the AsyncAPI parser resolves them, judged by ajv as draft-07 (AsyncAPI's
  // schema dialect), against the events the import made of the same messages.
  it.each([
    ['2.6', 'shop-2.6.yaml', { OrderPlaced: 'order.placed', OrderCancelled: 'order.cancelled', PaymentCaptured: 'payment.captured' }],
    ['3.0', 'shop-3.0.yaml', { orderShipped: 'order.shipped', orderReturned: 'order.returned', stockAdjusted: 'stock.adjusted' }],
  ] as const)('AsyncAPI %s: every message with a JSON Schema payload becomes an event that agrees with ajv', async (version, file, expected) => {
    const path = join(ROOT, 'test', 'fixtures', 'asyncapi', file);
    const { document, diagnostics } = await new Parser().parse(readFileSync(path, 'utf8'));
    expect(diagnostics.filter((diagnostic) => diagnostic.severity === 0)).toEqual([]);
    const { ours, text } = imported(`asyncapi-${version}`, path);
    expect(ours.model.events.map((event) => event.name).sort()).toEqual(Object.values(expected).sort());
    // The Avro message of 2.6 is left out, and the catalogue says so.
    if (version === '2.6') expect(text).toMatch(/payload is not JSON Schema \(such as `application\/vnd\.apache\.avro/);
    // multipleOfPrecision: ajv's default judges `multipleOf` in binary floating point, which takes
    // 223.39 for no multiple of 0.01; JSON Schema (and eventspec) say it is one (see Tests).
    const ajv = new Ajv.default({ strict: false, multipleOfPrecision: 9 });
    addFormats.default(ajv);
    for (const message of document?.allMessages().all() ?? []) {
      const event = (expected as Record<string, string>)[message.name() ?? ''];
      if (event === undefined) continue;
      // A 3.x multi-format payload comes back as `{ schemaFormat, schema }`.
      const json = message.payload()?.json() as Record<string, unknown> | undefined;
      const validate = ajv.compile((json !== undefined && 'schemaFormat' in json && 'schema' in json ? json['schema'] : json) ?? {});
      const model = ours.model.events.find((each) => each.name === event);
      if (model === undefined) throw new Error(`no event ${event}`);
      let accepted = 0;
      fc.assert(
        fc.property(fc.oneof(valuesFor(model.payload, ours.model, 'valid'), valuesFor(model.payload, ours.model, 'near'), anyJson), (value) => {
          const verdict = validate(value) === true;
          expect(ours.validate(event, value), `${event}: ${JSON.stringify(value)}`).toBe(verdict);
          expect(ours.fast(event, value), `${event} (fast check): ${JSON.stringify(value)}`).toBe(verdict);
          if (verdict) accepted++;
        }),
        { numRuns: 300 * RUNS_SCALE },
      );
      expect(accepted, `${event}: values accepted`).toBeGreaterThan(3);
    }
  });
});

describe('export → import round trips', () => {
  it('this repository’s catalogue: its exported JSON Schema files import into a catalogue whose events, versions and validators match', () => {
    const exported = join(ROOT, 'generated', 'jsonschema');
    const dir = join(scratch, 'round-trip-source');
    mkdirSync(dir, { recursive: true });
    // The per-event files, as a team that keeps one schema per event would hold them.
    for (const entry of readdirSync(exported).filter((name) => name !== 'catalogue.json')) writeFileSync(join(dir, entry), readFileSync(join(exported, entry)));
    const original = lintCatalogue(readFileSync(join(ROOT, 'catalog.yaml'), 'utf8'), 'catalog.yaml');
    if (!original.ok) throw new Error('catalog.yaml does not lint');
    const { ours } = imported('round-trip', dir);
    expect(ours.model.events.map((event) => [event.name, event.version])).toEqual(original.model.events.map((event) => [event.name, event.version]).sort(([a], [b]) => String(a).localeCompare(String(b))));
    // `session.message_sent.v1.json` and `.v2.json` become its history again, upcast note included.
    expect(ours.model.events.find((event) => event.name === 'session.message_sent')?.previous.map((kept) => [kept.version, kept.upcast])).toEqual([[1, undefined], [2, '`text` renamed to `content`']]);
    agreesWith(original.model, ours);
  });

  it('honours OpenAPI’s `nullable: true` as ajv does by default (null joins the type), and keeps the rest of the schema', () => {
    const notes: string[] = [];
    const converted = convertSchema({ type: 'object', properties: { phone: { type: 'string', nullable: true, maxLength: 3 }, code: { type: ['integer'], nullable: true }, loose: { nullable: true }, off: { type: 'string', nullable: false } } }, { legacy: true, ref: (ref) => ref, note: (note) => notes.push(note) });
    expect(converted).toEqual({ type: 'object', properties: { phone: { type: ['string', 'null'], maxLength: 3 }, code: { type: ['integer', 'null'] }, loose: { 'x-nullable': true }, off: { type: 'string' } } });
    expect(notes).toContain("OpenAPI's `nullable: true`, which ajv honours, became `null` in `type`");
    const ajv = new Ajv.default({ strict: false });
    const original = ajv.compile({ type: 'string', nullable: true, maxLength: 3 });
    expect([original(null), original('abcd'), original('ab')]).toEqual([true, false, true]);
  });

  it('this repository’s AsyncAPI document imports into a catalogue that lints, with the same events, versions, kept versions and validators', () => {
    const original = lintCatalogue(readFileSync(join(ROOT, 'catalog.yaml'), 'utf8'), 'catalog.yaml');
    if (!original.ok) throw new Error('catalog.yaml does not lint');
    const { ours } = imported('asyncapi-round-trip', join(ROOT, 'generated', 'asyncapi.yaml'));
    // The import groups events by domain in alphabetical order.
    const byName = (model: typeof ours.model): unknown[] => model.events.map((event) => [event.name, event.version]).sort(([a], [b]) => String(a).localeCompare(String(b)));
    expect(byName(ours.model)).toEqual(byName(original.model));
    const history = (model: typeof ours.model): unknown[] => model.events.filter((event) => event.previous.length > 0).map((event) => [event.name, event.previous.map((kept) => [kept.version, kept.upcast])]);
    expect(history(ours.model)).toEqual(history(original.model));
    agreesWith(original.model, ours);
  });

  /** The imported catalogue accepts and rejects what ajv does on the original's payloads. */
  function agreesWith(original: CatalogueModel, ours: Ours): void {
    const reference = subjectOfText(readFileSync(join(ROOT, 'catalog.yaml'), 'utf8'), 'catalog.yaml');
    for (const event of original.events) {
      const ajvVerdict = reference.references(event.name);
      fc.assert(
        fc.property(fc.oneof(valuesFor(event.payload, original, 'valid'), valuesFor(event.payload, original, 'near')), (value) => {
          const verdict = ajvVerdict(value);
          expect(ours.validate(event.name, value), `${event.name}: ${JSON.stringify(value)}`).toBe(verdict);
          expect(ours.fast(event.name, value), `${event.name} (fast check)`).toBe(verdict);
        }),
        { numRuns: 40 * RUNS_SCALE },
      );
    }
  }

  it('random catalogues: exported, imported and generated again, accept and reject what ajv does on the exported schemas', () => {
    const catalogues = fc.sample(catalogueArbitrary, { numRuns: 25 * RUNS_SCALE, seed: 11 });
    for (const [index, text] of catalogues.entries()) {
      const original = lintCatalogue(text, 'random.json');
      if (!original.ok) throw new Error(text);
      const files = [...renderJsonSchemas(original.model, { catalogueName: 'random.json', baseUri: DEFAULT_BASE_URI })]
        .filter(([path]) => path !== 'catalogue.json')
        .map(([path, schema]) => ({ name: path, data: JSON.parse(schema) as unknown }));
      const back = lintCatalogue(catalogueText(importJsonSchemas(files, 'export'), { formats: 'assert' }), `imported-${index}.yaml`);
      if (!back.ok) throw new Error(`${text}\n${JSON.stringify(back.diagnostics.filter((each) => each.severity === 'error'))}`);
      const reference = subjectOfText(text, 'random.json');
      const validators = compileValidators(back.model, back.model.events.map((event) => event.name));
      const checks = compileChecks(back.model, back.model.events.map((event) => event.name));
      for (const event of original.model.events) {
        const ajvVerdict = reference.references(event.name);
        fc.assert(
          fc.property(fc.oneof(valuesFor(event.payload, original.model, 'valid'), valuesFor(event.payload, original.model, 'near'), anyJson), (value) => {
            fc.pre(!tripsAjvUniqueProto(value));
            const verdict = ajvVerdict(value);
            expect(z.safeParse(validators.get(event.name) ?? z.never(), value).success, `${event.name} in ${text}\nvalue: ${JSON.stringify(value)}`).toBe(verdict);
            expect((checks.get(event.name) ?? (() => false))(value), `${event.name} (fast check) in ${text}`).toBe(verdict);
          }),
          { numRuns: 30 },
        );
      }
    }
  }, 120_000);
});
