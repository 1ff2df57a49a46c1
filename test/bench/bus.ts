/**
 * `npm run bench:bus`: the cost of one emit on our bus against plain alternatives, in one run,
 * each case in a fresh process (see bus-cases.ts), and the goals as ratios. A benchmark, not a
 * test: it prints figures only.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CASES, RATE_CASES } from './bus-cases.ts';

const script = fileURLToPath(new URL('./bus-cases.ts', import.meta.url));
const withoutOpenTelemetry = fileURLToPath(new URL('../support/without-opentelemetry.cjs', import.meta.url));
/** Runs one case in a process of its own; `hideOpenTelemetry` runs it as an application without `@opentelemetry/api` (this repository has it, so the others meet its no-op tracer). */
function run(name: string, hideOpenTelemetry = false): Record<string, number> {
  const result = spawnSync(process.execPath, [...(hideOpenTelemetry ? ['--require', withoutOpenTelemetry] : []), '--import', 'tsx', script, name], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${name}: ${result.stderr}`);
  return JSON.parse(result.stdout.split('\n')[0] ?? '{}') as Record<string, number>;
}

const mean = new Map<string, number>();
for (const name of Object.keys(CASES)) mean.set(name, run(name)['meanUs'] ?? Number.NaN);
// The tracing's cost with the API's no-op tracer (no SDK registered), against no API at all, alternated.
const tracingRounds: [number, number][] = [];
for (let round = 0; round < 3; round++) tracingRounds.push([run('eventspec emit, 1 sub', true)['meanUs'] ?? Number.NaN, run('eventspec emit, 1 sub')['meanUs'] ?? Number.NaN]);
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
mean.set('eventspec emit, 1 sub, without @opentelemetry/api (median of 3)', median(tracingRounds.map(([without]) => without)));
mean.set('eventspec emit, 1 sub, no-op tracer (median of 3)', median(tracingRounds.map(([, noop]) => noop)));
const rates = new Map(Object.keys(RATE_CASES).map((name) => [name, run(name)]));
const us = (name: string): number => mean.get(name) ?? Number.NaN;
const fmt = (value: number | undefined): string => (value ?? Number.NaN).toFixed(2);

console.log(`# eventspec bus benchmark (${new Date().toISOString().slice(0, 10)}, ${process.version}), µs per emit, each case in its own process\n`);
console.log('| case | µs |\n| --- | --- |');
for (const [name, value] of mean) console.log(`| ${name} | ${fmt(value)} |`);
for (const [name, value] of rates) console.log(`| ${name}: dense / sparse (≤ 1 per ms), median of single calls | ${fmt(value['denseUs'])} / ${fmt(value['sparseUs'])} |`);

const ours = rates.get('eventspec emit') ?? {};
const anchor = us('eventemitter3 + zod safeParse, 1 sub');
const goals: [string, number, number][] = [
  ['ReactiveEventBus emit / (eventemitter3 + zod safeParse), 1 type, 1 sub', us('eventspec emit, 1 sub') / anchor, 1],
  ['ReactiveEventBus emit / anchor, 38 types mixed', us('eventspec emit, 38 types mixed') / us('eventemitter3 + zod safeParse, 38 types mixed'), 1],
  ['LoggingEventBus emit (logger drops info) / anchor, 1 type, 1 sub', us('LoggingEventBus emit, logger at warn (drops info), 1 sub') / anchor, 1],
  ['LoggingEventBus emit (logger drops info) / anchor, 38 types mixed', us('LoggingEventBus emit, logger at warn, 38 types mixed') / us('eventemitter3 + zod safeParse, 38 types mixed'), 1],
  ['LoggingEventBus emit with MemoryAuditSink / anchor, 1 type, 1 sub', us('LoggingEventBus emit, logger at warn, MemoryAuditSink, 1 sub') / anchor, 1],
  ['callback path: (emit 10 sub − emit 0 sub) / Map loop 10 sub', Math.max(0, us('eventspec emit, 10 sub') - us('eventspec emit, 0 sub')) / us('Map<type, handler[]> loop, 10 sub'), 2],
  ['emit with 100 registered types / with 1', us('eventspec emit, 100 registered types') / us('eventspec emit, 1 registered type'), 1.2],
  ['sparse emit / dense emit', (ours['sparseUs'] ?? Number.NaN) / (ours['denseUs'] ?? Number.NaN), 1.3],
  ['emit with the no-op tracer / without @opentelemetry/api', us('eventspec emit, 1 sub, no-op tracer (median of 3)') / us('eventspec emit, 1 sub, without @opentelemetry/api (median of 3)'), 1.1],
];
console.log('\n| goal | ratio | limit | met |\n| --- | --- | --- | --- |');
for (const [name, ratio, limit] of goals) console.log(`| ${name} | ${fmt(ratio)} | ${limit} | ${ratio <= limit ? 'yes' : 'no'} |`);
