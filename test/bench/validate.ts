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
import { CATALOGUE_PATH } from '../support/catalogue.ts';
import { subject, valuesFor, type Subject } from '../support/oracle.ts';

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
