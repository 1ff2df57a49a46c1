/**
 * `npm run bench:validate`: one validation of a valid payload, by the generated fast check (what
 * the bus runs), by ajv's compiled validator of the exported JSON Schema (2020-12, ajv-formats),
 * and by zod's safeParse of the generated schema: every example of the catalogue, and random
 * valid payloads of the fixture that uses every keyword. Side by side in one process, rounds
 * alternated. A benchmark, not a test: it prints figures only.
 */
import fc from 'fast-check';
import * as z from 'zod/v4';
import { Bench } from 'tinybench';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { catalogueText } from '../../codegen/import/catalogue-text.ts';
import { importJsonSchemas } from '../../codegen/import/json-schema.ts';
import { compileChecks, compileValidators } from '../../codegen/pipeline/examples.ts';
import { lintCatalogue } from '../../codegen/pipeline/index.ts';
import { CATALOGUE_PATH } from '../support/catalogue.ts';
import { subject, valuesFor, type Subject } from '../support/oracle.ts';

const require = createRequire(import.meta.url);

/**
 * GitHub's webhook payloads (large and nested): the schemas imported as `eventspec import` does,
 * every community example that ajv accepts; ajv compiles the original draft-07 schemas.
 */
function webhooks(): Suite {
  const schemaPath = require.resolve('@octokit/webhooks-schemas/schema.json');
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as { definitions: Record<string, unknown> };
  const linted = lintCatalogue(catalogueText(importJsonSchemas([{ name: 'schema.json', data: schema }], 'schema.json'), { formats: 'assert' }), 'webhooks.yaml');
  if (!linted.ok) throw new Error('the webhook schemas do not import');
  const names = linted.model.events.map((event) => event.name);
  const validators = compileValidators(linted.model, names);
  const checks = compileChecks(linted.model, names);
  const ajv = new Ajv.default({ strict: false });
  addFormats.default(ajv);
  ajv.addSchema(schema, 'webhooks');
  const reference = (event: string): ((value: unknown) => boolean) => {
    const validate = ajv.getSchema(`webhooks#/definitions/${event.replace('.', '$')}`);
    return (value) => validate?.(value) === true;
  };
  const groups = JSON.parse(readFileSync(require.resolve('@octokit/webhooks-examples/api.github.com/index.json'), 'utf8')) as { name: string; examples: { action?: string }[] }[];
  const cases = groups
    .flatMap((group) => group.examples.map((value) => ({ event: `${group.name}.${value.action !== undefined && Object.hasOwn(schema.definitions, `${group.name}$${value.action}`) ? value.action : 'event'}`, value: value as unknown })))
    .filter(({ event, value }) => reference(event)(value));
  const subjectOf: Subject = {
    model: linted.model,
    ours: (event) => validators.get(event) ?? z.never(),
    fast: (event) => checks.get(event) ?? (() => false),
    references: reference,
  };
  return { name: `GitHub webhook examples (${cases.length}, imported schemas)`, cases, subject: subjectOf };
}

interface Suite {
  readonly name: string;
  readonly cases: { readonly event: string; readonly value: unknown }[];
  readonly subject: Subject;
}

function suites(): Suite[] {
  const catalogue = subject(CATALOGUE_PATH);
  const keywords = subject(new URL('../fixtures/keywords.yaml', import.meta.url));
  const examples = catalogue.model.events.flatMap((event) => event.examples.map((value) => ({ event: event.name, value: value as unknown })));
  const random = keywords.model.events.flatMap((event) =>
    fc.sample(valuesFor(event.payload, keywords.model, 'valid'), { numRuns: 200, seed: 1 })
      .filter((value) => z.safeParse(keywords.ours(event.name), value).success)
      .slice(0, 25)
      .map((value) => ({ event: event.name, value })),
  );
  return [
    { name: `catalog.yaml examples (${examples.length})`, cases: examples, subject: catalogue },
    { name: `keywords fixture, random valid payloads (${random.length})`, cases: random, subject: keywords },
    webhooks(),
  ];
}

let sink = 0;
const rows: string[] = [];
for (const suite of suites()) {
  const fast = suite.cases.map(({ event, value }) => ({ check: suite.subject.fast(event), value }));
  const ajv = suite.cases.map(({ event, value }) => ({ check: suite.subject.references(event), value }));
  const zod = suite.cases.map(({ event, value }) => ({ schema: suite.subject.ours(event), value }));
  for (const each of fast) if (!each.check(each.value)) throw new Error('a fast check rejected a valid payload');
  const bench = new Bench({ time: 700, warmup: true });
  // Each task runs the whole suite once; tinybench alternates nothing, so the three run twice, in both orders.
  const tasks = {
    'generated check': () => {
      for (const each of fast) if (each.check(each.value)) sink++;
    },
    'ajv compiled': () => {
      for (const each of ajv) if (each.check(each.value)) sink++;
    },
    'zod safeParse': () => {
      for (const each of zod) if (z.safeParse(each.schema, each.value).success) sink++;
    },
  };
  const order = Object.entries(tasks);
  for (const [name, task] of [...order, ...[...order].reverse()]) bench.add(`${name} ${bench.tasks.length < 3 ? 'a' : 'b'}`, task);
  await bench.run();
  const mean = (name: string): number => {
    const runs = bench.tasks.filter((task) => task.name.startsWith(name)).map((task) => (task.result as { latency?: { mean: number } }).latency?.mean ?? Number.NaN);
    return (runs.reduce((sum, value) => sum + value, 0) / runs.length) * 1000 / suite.cases.length;
  };
  const [ours, reference, zodMean] = [mean('generated check'), mean('ajv compiled'), mean('zod safeParse')];
  rows.push(`| ${suite.name} | ${ours.toFixed(3)} | ${reference.toFixed(3)} | ${zodMean.toFixed(3)} | ${(ours / reference).toFixed(2)} | ${(ours / zodMean).toFixed(2)} |`);
}
console.log(`# eventspec validation benchmark (${new Date().toISOString().slice(0, 10)}, ${process.version}), µs per valid payload\n`);
console.log('| payloads | generated check | ajv compiled | zod safeParse | check / ajv (goal ≤ 1.0) | check / zod (goal ≤ 0.3) |\n| --- | --- | --- | --- | --- | --- |');
for (const row of rows) console.log(row);
if (sink === -1) console.log(sink);
