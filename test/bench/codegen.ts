/**
 * `npm run bench:codegen`: generate and check wall time (whole process), and the cost of
 * type-checking the output with TypeScript 5.9 and 7, for synthetic catalogues of growing size.
 * A benchmark, not a test: it prints figures and asserts nothing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pascalCase } from '../../codegen/catalogue/naming.ts';
import { synthesizeCatalogue, syntheticEventNames } from './synthesize.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WORK = join(ROOT, '.bench', 'codegen');
const SIZES = (process.env['BENCH_SIZES'] ?? '38,500,2000,5000').split(',').map(Number);
/** `basic`: six plain fields per payload; `mixed`: those and the rest of the payload language (see synthesize.ts). */
const CATALOGUES = (process.env['BENCH_CATALOGUES'] ?? 'basic,mixed').split(',');
const TIME = '/usr/bin/time';
const COMPILERS = [
  { label: 'TS 5.9', tsc: join(ROOT, 'node_modules', 'typescript5', 'bin', 'tsc'), extra: [] as string[] },
  // The native compiler's default of 4 checkers is slower on 2 cores and uses far more memory.
  { label: 'TS 7', tsc: join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), extra: ['--checkers', '1'] },
];

interface Measure {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly peakMb: number;
  readonly output: string;
  readonly status: number | null;
}

/** Runs a command under GNU time for wall, CPU and peak memory; falls back to wall only. */
function measure(command: string, args: readonly string[], cwd: string): Measure {
  const useTime = existsSync(TIME);
  const started = performance.now();
  const run = useTime
    ? spawnSync(TIME, ['-f', '@@time %e %U %S %M', command, ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 26 })
    : spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 1 << 26 });
  const wallMs = performance.now() - started;
  const stats = /@@time (\S+) (\S+) (\S+) (\d+)/.exec(run.stderr);
  return {
    wallMs,
    cpuMs: stats === null ? Number.NaN : (Number(stats[2]) + Number(stats[3])) * 1000,
    peakMb: stats === null ? Number.NaN : Number(stats[4]) / 1024,
    output: run.stdout + run.stderr.replace(/@@time.*\n?$/, ''),
    status: run.status,
  };
}

const TSCONFIG = {
  compilerOptions: {
    target: 'es2023', lib: ['es2023'], module: 'nodenext', moduleResolution: 'nodenext', types: ['node'],
    strict: true, noEmit: true, erasableSyntaxOnly: true, verbatimModuleSyntax: true,
    noUncheckedIndexedAccess: true, exactOptionalPropertyTypes: true,
  },
  files: ['consumer.ts'],
};

/** A consumer making 50 emits and 50 typed subscriptions over 50 event types. */
function consumer(size: number): string {
  const names = syntheticEventNames(size);
  const count = Math.min(50, names.length);
  const picked = Array.from({ length: count }, (_, k) => names[Math.floor((k * names.length) / count)] ?? '');
  const lines = [
    "import type { EventBus } from 'eventspec';",
    `import { ${picked.map((name) => `emit${pascalCase(name)}`).join(', ')} } from './generated/index.js';`,
    "import type { PayloadMap } from './generated/index.js';",
    'declare const bus: EventBus<PayloadMap>;',
    "const by = { kind: 'agent', id: 'a-1' } as const;",
  ];
  picked.forEach((name, k) => {
    const i = names.indexOf(name);
    lines.push(
      `emit${pascalCase(name)}(bus, { id: '01JDQ8Z1X4N6V7W8Y9ZAB2C3DE', name${i % 7}: 'n', count: ${k}, status: 'done', at: '2026-01-01T00:00:00Z', by });`,
      `bus.subscribe('${name}', (event) => { const total: number = event.payload.count + ${k}; void total; void event.payload.status; });`,
    );
  });
  return `${lines.join('\n')}\n`;
}

/** Turns plain schemas into `z.core.$ZodType<Payload>`-annotated ones, for the side-by-side figure. */
function annotateSchemas(dir: string): void {
  // zod's output type gives optional fields `| undefined`, which exactOptionalPropertyTypes rejects.
  const tsconfig = { ...TSCONFIG, compilerOptions: { ...TSCONFIG.compilerOptions, exactOptionalPropertyTypes: false } };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
  const payloads = join(dir, 'generated', 'payloads');
  for (const file of readdirSync(payloads)) {
    const path = join(payloads, file);
    const text = readFileSync(path, 'utf8').replace(/export const (\w+)PayloadSchema = /g, 'export const $1PayloadSchema: z.core.$ZodType<$1Payload> = ');
    writeFileSync(path, text);
  }
}


function row(cells: readonly (string | number)[]): string {
  return `| ${cells.join(' | ')} |`;
}
const ms = (value: number): string => (Number.isNaN(value) ? 'n/a' : `${Math.round(value)}`);
const seconds = (value: number): string => (Number.isNaN(value) ? 'n/a' : (value / 1000).toFixed(2));

// The CLI as users run it: compiled, from the package's dist/ (and the runtime's, which it imports).
const built = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8' });
if (built.status !== 0) throw new Error(`npm run build failed: ${built.stdout}${built.stderr}`);

const cpuBySize = new Map<string, Map<number, number>>();
const results: string[] = [];
console.log(`# eventspec codegen benchmark (${new Date().toISOString().slice(0, 10)}, ${process.version})\n`);
console.log(row(['catalogue', 'events', 'generate s', 'check s', 'variant', 'compiler', 'tsc wall s', 'tsc CPU s', 'peak MB', 'TS2589/2590/7056', 'errors']));
console.log(row(Array(11).fill('---')));
for (const catalogue of CATALOGUES) for (const size of SIZES) {
  const dir = join(WORK, `${catalogue}-${size}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'catalog.yaml'), synthesizeCatalogue(size, catalogue === 'mixed'));
  writeFileSync(join(dir, 'consumer.ts'), consumer(size));
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2));
  const cli = join(ROOT, 'codegen', 'dist', 'cli', 'bin.js');
  const generate = measure(process.execPath, [cli, 'generate'], dir);
  if (generate.status !== 0) throw new Error(`generate failed at ${size}: ${generate.output}`);
  const check = measure(process.execPath, [cli, 'check'], dir);
  for (const variant of ['plain', 'annotated']) {
    if (variant === 'annotated') {
      // Annotated schemas cost minutes here at 5,000 events; 2,000 of the basic kind makes the point.
      if (size > 2000 || catalogue === 'mixed') continue;
      annotateSchemas(dir);
    }
    for (const compiler of COMPILERS) {
      const tsc = measure(process.execPath, [compiler.tsc, '-p', 'tsconfig.json', ...compiler.extra], dir);
      const depth = /TS(2589|2590|7056)/.test(tsc.output) ? 'yes' : 'none';
      const errors = (tsc.output.match(/error TS\d+/g) ?? []).length;
      const key = `${catalogue} ${variant} ${compiler.label}`;
      if (!cpuBySize.has(key)) cpuBySize.set(key, new Map());
      cpuBySize.get(key)?.set(size, tsc.cpuMs);
      console.log(row([catalogue, size, seconds(generate.wallMs), seconds(check.wallMs), variant, compiler.label, seconds(tsc.wallMs), seconds(tsc.cpuMs), ms(tsc.peakMb), depth, errors]));
      if (errors > 0) results.push(`${size} ${key}: ${tsc.output.split('\n').slice(0, 5).join('\n')}`);
    }
  }
}
console.log('\nMarginal tsc CPU per event (ms):');
for (const [key, bySize] of cpuBySize) {
  const pairs = [[500, 2000], [2000, 5000]] as const;
  const parts = pairs
    .filter(([a, b]) => bySize.has(a) && bySize.has(b))
    .map(([a, b]) => `${a}→${b}: ${(((bySize.get(b) ?? 0) - (bySize.get(a) ?? 0)) / (b - a)).toFixed(2)}`);
  if (parts.length > 0) console.log(`- ${key}: ${parts.join(', ')}`);
}
if (results.length > 0) console.log(`\nType errors (a bug):\n${results.join('\n')}`);
