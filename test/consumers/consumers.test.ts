/**
 * eventspec as a user gets it: both packages packed (`npm pack`, which builds them), checked by
 * publint and arethetypeswrong, and installed from the tarballs into apps outside this repository
 * (nothing linked from the workspace), which generate from a catalogue of their own with the
 * installed CLI through `npx`:
 *
 * 1. ESM TypeScript under a user's strict tsconfig (`NodeNext`, no `skipLibCheck`), compiled by
 *    tsc and run by plain node, on both buses; misuses fail to compile;
 * 2. CommonJS: TypeScript compiled to require() calls, and a plain .cjs file;
 * 3. tsx, straight from TypeScript source;
 * 4. a browser bundle (esbuild, `platform: browser`) of the generated validators, run where no
 *    Node API exists;
 * 5. the runtime installed alone: none of the generator's tooling comes with it, and it works with
 *    zod 3.25's v4 API too;
 * 6. the README's quickstart, its commands run as written, in an empty directory.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/generate-fixture.ts';
import { freePort, killAll, natsServer, waitForPort } from '../support/nats-processes.ts';
import { brokenLinks, readSite } from '../support/site.ts';
import { until } from '../support/until.ts';

const HERE = join(ROOT, 'test', 'consumers');
// Outside the repository, so that no package resolves through this repository's node_modules.
const work = mkdtempSync(join(tmpdir(), 'eventspec-consumers-'));
const packs = join(work, 'packs');
const app = join(work, 'app');
const runtimeOnly = join(work, 'runtime-only');
afterAll(() => {
  killAll();
  rmSync(work, { recursive: true, force: true });
});

/** The version this repository's lock file installed, so the apps take the same (from npm's cache when it has them). */
function lockedVersion(name: string): string {
  return (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
}

function run(command: string, args: readonly string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 240_000, env: { ...process.env, NODE_OPTIONS: '' } });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} (in ${cwd}) exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

const npm = (args: readonly string[], cwd: string): string => run('npm', [...args, '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], cwd);
const node = (args: readonly string[], cwd: string): string => run(process.execPath, args, cwd);
const tsc = (project: string): string => node([join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', project, '--checkers', '1'], project);

let tarballs: { runtime: string; cli: string };

beforeAll(() => {
  mkdirSync(packs);
  // `npm pack` runs each package's prepack (the build), as publishing would.
  npm(['pack', '--workspace', 'src', '--workspace', 'codegen', '--pack-destination', packs], ROOT);
  const files = readdirSync(packs);
  tarballs = { runtime: join(packs, files.find((file) => file.startsWith('eventspec-0')) ?? ''), cli: join(packs, files.find((file) => file.startsWith('eventspec-cli-')) ?? '') };

  cpSync(join(HERE, 'apps'), app, { recursive: true });
  cpSync(join(HERE, 'catalog.yaml'), join(app, 'catalog.yaml'));
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer-apps', private: true }));
  npm(['install', tarballs.runtime, `zod@${lockedVersion('zod')}`, `rxjs@${lockedVersion('rxjs')}`, `@types/node@${lockedVersion('@types/node')}`], app);
  npm(['install', '--save-dev', tarballs.cli], app);
  for (const each of ['esm', 'cjs', 'tsx', 'browser']) run('npx', ['eventspec', 'generate', '--catalog', '../catalog.yaml', '--out', 'generated'], join(app, each));

  mkdirSync(runtimeOnly);
  writeFileSync(join(runtimeOnly, 'package.json'), JSON.stringify({ name: 'runtime-only', private: true, type: 'module' }));
  npm(['install', tarballs.runtime, 'zod@3.25.76'], runtimeOnly);
}, 300_000);

describe('the packed packages', () => {
  it('hold what a user needs and nothing else, and pass publint and arethetypeswrong', () => {
    const list = (tarball: string): string[] => execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' }).split('\n').filter(Boolean);
    const runtime = list(tarballs.runtime);
    expect(runtime).toContain('package/dist/index.js');
    expect(runtime).toContain('package/dist/payload.d.ts');
    expect(runtime).toContain('package/dist/postgres/index.js');
    expect(runtime).toContain('package/dist/nats/cli.js');
    expect(runtime.filter((file) => /\/(app|test|fixtures)\/|demo|\.test\./.test(file))).toEqual([]);
    const cli = list(tarballs.cli);
    expect(cli).toContain('package/dist/cli/bin.js');
    expect(cli).toContain('package/dist/templates/registry.hbs');
    expect(cli).toEqual(expect.arrayContaining(['package/dist/templates/site/layout.hbs', 'package/dist/templates/site/site.css', 'package/dist/templates/site/site.js']));
    expect(cli.filter((file) => /test|fixtures|\.ts$/.test(file))).toEqual([]);
    for (const pkg of ['src', 'codegen']) expect(node([join(ROOT, 'node_modules', 'publint', 'src', 'cli.js'), pkg], ROOT)).toMatch(/All good!/);
    // ESM only: `require()` of it works on Node 20.19+ (engines), which arethetypeswrong does not model.
    for (const tarball of [tarballs.runtime, tarballs.cli]) node([join(ROOT, 'node_modules', '@arethetypeswrong', 'cli', 'dist', 'index.js'), '--profile', 'esm-only', tarball], ROOT);
  });

  it('the installed CLI answers --version and --help and exits', () => {
    expect(run('npx', ['eventspec', '--version'], app).trim()).toBe('0.2.0');
    expect(run('npx', ['eventspec', 'check', '--catalog', '../catalog.yaml', '--out', 'generated'], join(app, 'esm'))).toMatch(/^generated\/ is fresh: 22 files for 2 events in 1 domain/);
  });

  it('the installed CLI writes the web catalogue: its pages, style, scripts and MiniSearch, every link resolving', () => {
    const site = readSite(join(app, 'esm', 'generated', 'site'));
    expect([...site.keys()].filter((path) => path.startsWith('assets/')).sort()).toEqual(['assets/minisearch.js', 'assets/search-data.js', 'assets/site.css', 'assets/site.js']);
    expect(site.get('assets/minisearch.js')).toMatch(/^\/\/ Generated by eventspec from catalog\.yaml\.[^\n]*\n\/\/ MiniSearch 7\.2\.0 \(MIT License/);
    expect(site.get('events/book.borrowed.html')).toContain('<h1 class="event-name">book.borrowed</h1>');
    expect(brokenLinks(site)).toEqual([]);
  });
});

describe('apps that use them', () => {
  it('ESM TypeScript: compiles under a strict tsconfig without skipLibCheck, and runs on plain node', () => {
    expect(tsc(join(app, 'esm'))).toBe('');
    const result = JSON.parse(node(['dist/src/main.js'], join(app, 'esm'))) as Record<string, unknown>;
    expect(result).toEqual({ returned: ['v1→v2:1'], reminded: ['9780141036144:[REDACTED]'], logged: 1, secretInLog: false, seen: ['9780141036144'], rejected: 'dueDays', parsed: '9780141036144', refused: 'lateDays', audited: 1, id: 26, returnedVersion: 2 });
  });

  it('CommonJS: TypeScript compiled to require(), and plain require() of every entry point', () => {
    expect(tsc(join(app, 'cjs'))).toBe('');
    expect(readFileSync(join(app, 'cjs', 'dist', 'src', 'main.js'), 'utf8')).toContain('require("eventspec")');
    expect(JSON.parse(node(['dist/src/main.js'], join(app, 'cjs')))).toEqual({ module: 'object', type: 'book.borrowed', logged: 1, rejected: 'isbn' });
    expect(JSON.parse(node(['plain.cjs'], join(app, 'cjs')))).toEqual({ ulid: true, parsePayload: 'function', REDACTED: '[REDACTED]', bus: 'function' });
  });

  it('tsx: runs the generated TypeScript from source', () => {
    const output = node(['--import', join(ROOT, 'node_modules', 'tsx', 'dist', 'esm', 'index.mjs'), 'src/main.ts'], join(app, 'tsx'));
    expect(JSON.parse(output)).toEqual({ type: 'book.returned', version: 2 });
  });

  it('a browser bundle of the generated validators runs where no Node API exists', async () => {
    const bundle = await build({ absWorkingDir: join(app, 'browser'), entryPoints: ['entry.ts'], bundle: true, platform: 'browser', format: 'iife', write: false, logLevel: 'silent' });
    const code = bundle.outputFiles[0]?.text ?? '';
    // A call of Node's `require` (esbuild's own CommonJS wrapper, `__require`, is no such call), with
    // its surroundings, so a failure says what pulled Node in.
    expect(/.{0,120}(?:(?<![\w$])require\(|node:).{0,60}/.exec(code)?.[0]).toBeUndefined();
    const context: { result?: unknown } = {};
    runInNewContext(code, context);
    expect(context.result).toEqual({ isbn: '9780141036144', bad: 'member.memberId', redacted: { member: { memberId: 'm', email: 'hidden' } } });
  });

  it('the runtime alone pulls none of the generator tooling, and validates with zod 3.25’s v4 API', () => {
    const installed = npm(['ls', '--all', '--parseable'], runtimeOnly).split('\n').map((path) => path.replace(/^.*node_modules\//, ''));
    for (const tool of ['typescript', 'ts-morph', '@ts-morph/common', 'handlebars', 'yaml', 'diff', 'tsx', 'esbuild', '@eventspec/cli']) expect(installed, tool).not.toContain(tool);
    expect(installed).toContain('zod');
    cpSync(join(app, 'esm', 'dist', 'generated'), join(runtimeOnly, 'generated'), { recursive: true });
    writeFileSync(join(runtimeOnly, 'main.js'), `import { LoggingEventBus, parsePayload, safeParsePayload } from 'eventspec';
import { eventRegistry } from './generated/index.js';
const good = parsePayload(eventRegistry, 'book.borrowed', { isbn: '9780141036144', member: { memberId: '3f0c7c3e-8b7a-4b59-9a8e-2c6e8d1f4a10' }, dueDays: 3, format: 'paper', constructor: 'c' });
const bad = safeParsePayload(eventRegistry, 'book.borrowed', { isbn: '9780141036144', member: { memberId: '3f0c7c3e-8b7a-4b59-9a8e-2c6e8d1f4a10' }, dueDays: 3, format: 'vinyl' });
const absent = safeParsePayload(eventRegistry, 'book.borrowed', { isbn: '9780141036144', member: { memberId: '3f0c7c3e-8b7a-4b59-9a8e-2c6e8d1f4a10' }, dueDays: 3 });
let noLogger = 'constructed';
try { new LoggingEventBus({ registry: eventRegistry }); } catch (error) { noLogger = error.message; }
console.log(JSON.stringify({ good: good.dueDays, bad: bad.success ? '' : bad.error.issues.map((issue) => issue.path.join('.')).join(','), absent: absent.success, noLogger }));
`);
    // pino is an optional peer this app did not install: a bus without a logger says to install it.
    expect(JSON.parse(node(['main.js'], runtimeOnly))).toEqual({ good: 3, bad: 'format', absent: true, noLogger: 'install pino to use a bus without a `logger` (npm install pino), or pass a `logger` of your own' });
    expect((JSON.parse(readFileSync(join(runtimeOnly, 'node_modules', 'zod', 'package.json'), 'utf8')) as { version: string }).version).toBe('3.25.76');
  });

  it('the installed audit trail takes its OS lock (the native addon loads from its package) and refuses a second writer', () => {
    writeFileSync(join(runtimeOnly, 'lock.js'), `import { JsonlAuditSink } from 'eventspec';
const first = new JsonlAuditSink('trail.jsonl');
let second = 'opened';
try { new JsonlAuditSink('trail.jsonl'); } catch (error) { second = error.name + ': ' + error.message; }
await first.close();
console.log(JSON.stringify({ second }));
`);
    expect(JSON.parse(node(['lock.js'], runtimeOnly))).toEqual({ second: expect.stringMatching(/^AuditError: trail\.jsonl is already being written by process \d+/) });
  });

  it('says which optional package to install: the NATS command in one line, the rxjs and NATS entry points naming the package and the module that needs it', () => {
    // This app installed neither rxjs, nor the NATS client, nor pg.
    const command = spawnSync(process.execPath, [join(runtimeOnly, 'node_modules', '.bin', 'eventspec-nats'), 'relay', '--trail', 'audit.jsonl', '--source', '/x'], { cwd: runtimeOnly, encoding: 'utf8' });
    expect({ status: command.status, stderr: command.stderr }).toEqual({
      status: 1,
      stderr: 'eventspec-nats: install @nats-io/transport-node, @nats-io/nats-core, @nats-io/jetstream, @nats-io/kv to use eventspec-nats (npm install @nats-io/transport-node @nats-io/nats-core @nats-io/jetstream @nats-io/kv)\n',
    });
    const imported = (entry: string): string => {
      const result = spawnSync(process.execPath, ['--input-type=module', '-e', `try { await import(${JSON.stringify(entry)}); console.log('loaded'); } catch (error) { console.log(error.message); }`], { cwd: runtimeOnly, encoding: 'utf8' });
      return result.stdout.trim();
    };
    // Static imports, so the entry fails when it is imported (not at the first emit), and Node's
    // message names both the package and eventspec's module that needs it.
    expect(imported('eventspec/reactive')).toMatch(/^Cannot find package 'rxjs' imported from .*node_modules\/eventspec\/dist\/reactive-bus\.js$/);
    expect(imported('eventspec/nats')).toMatch(/^Cannot find package '@nats-io\/[a-z-]+' imported from .*node_modules\/eventspec\/dist\/nats\//);
    // The PostgreSQL entry never imports pg (it works with the pool you give it); its relay
    // publishes to NATS, so it is the NATS client this app lacks that is named.
    expect(imported('eventspec/postgres')).toMatch(/^Cannot find package '@nats-io\/[a-z-]+' imported from .*node_modules\/eventspec\/dist\/nats\//);
  });
});

/** The README's blocks marked `<!-- <part>:<what> -->`, in order: the quickstart's, the cross-process example's. */
function readmeBlocks(part: 'quickstart' | 'cross-process'): Map<string, string> {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  return new Map([...readme.matchAll(new RegExp(`<!-- ${part}:(\\S+) -->\n\`\`\`\\w*\n([\\s\\S]*?)\`\`\``, 'g'))].map((match) => [match[1] ?? '', match[2] ?? '']));
}
const quickstart = (): Map<string, string> => readmeBlocks('quickstart');

/** The README's app, as the quickstart makes it and the cross-process example grows it. */
const quickstartApp = join(work, 'quickstart', 'my-service');
// The commands as written; only the tarballs' folder is where this run packed them.
const shellEnv = { ...process.env, NODE_OPTIONS: '', npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_loglevel: 'error' };
function shell(script: string, cwd: string, env: NodeJS.ProcessEnv = shellEnv): string {
  const result = spawnSync('bash', ['-e', '-c', script.replaceAll('/tmp/eventspec/', `${packs}/`)], { cwd, env, encoding: 'utf8', timeout: 240_000 });
  if (result.status !== 0) throw new Error(`${script}\nexited ${result.status}:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/** A trail's order.placed events, in order, by event id and order id (its records as the sink writes them, a JSON object a line). */
function trailOrders(path: string): { id: string; orderId: string }[] {
  return readFileSync(path, 'utf8').split('\n').flatMap((line) => {
    const record = line === '' ? undefined : (JSON.parse(line) as { event?: { id: string; payload: { orderId: string } } });
    return record?.event === undefined ? [] : [{ id: record.event.id, orderId: record.event.payload.orderId }];
  });
}

describe('the README', () => {
  it('quickstart, followed literally in an empty directory, works', () => {
    const blocks = quickstart();
    expect([...blocks.keys()]).toEqual(['shell', 'tsconfig.json', 'src/main.ts', 'run']);
    const parent = join(work, 'quickstart');
    mkdirSync(parent);
    shell(blocks.get('shell') ?? '', parent);
    const project = quickstartApp;
    mkdirSync(join(project, 'src'));
    writeFileSync(join(project, 'tsconfig.json'), blocks.get('tsconfig.json') ?? '');
    writeFileSync(join(project, 'src', 'main.ts'), blocks.get('src/main.ts') ?? '');
    const output = shell(blocks.get('run') ?? '', project);
    expect(output).toContain('order 01JDQ8Z1X4N6V7W8Y9ZAB2C3DE: 42.5 EUR');
    expect(output).toContain('[REDACTED]');
    expect(output).not.toContain('ada@example.com');
    expect(readFileSync(join(project, 'audit.jsonl'), 'utf8')).toContain('ada@example.com');
    // init's modeline points editors at the catalogue's JSON Schema in the installed CLI.
    expect(readFileSync(join(project, 'catalog.yaml'), 'utf8')).toMatch(/^# yaml-language-server: \$schema=\.\/node_modules\/@eventspec\/cli\/catalog\.schema\.json\n/);
    expect(JSON.parse(readFileSync(join(project, 'node_modules', '@eventspec', 'cli', 'catalog.schema.json'), 'utf8'))).toMatchObject({ $id: 'urn:eventspec:schema:catalog:1' });

    // The app as it is committed (vendor/ included, no node_modules) installs elsewhere with npm ci.
    const manifest = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    expect([manifest.dependencies['eventspec'], manifest.devDependencies['@eventspec/cli']]).toEqual(['file:vendor/eventspec-0.2.0.tgz', 'file:vendor/eventspec-cli-0.2.0.tgz']);
    const clone = join(parent, 'clone');
    cpSync(project, clone, { recursive: true, filter: (source) => !source.includes('node_modules') });
    shell('npm ci && npx eventspec check', clone);
  }, 300_000);

  it('cross-process example, in the quickstart’s app: the shop’s events reach the mailer’s process through NATS, each once, across a restart', async () => {
    const blocks = readmeBlocks('cross-process');
    expect([...blocks.keys()]).toEqual(['shell', 'tsconfig.json', 'src/shop.ts', 'src/mailer.ts', 'run']);
    const project = quickstartApp;
    shell(blocks.get('shell') ?? '', project);
    for (const file of ['tsconfig.json', 'src/shop.ts', 'src/mailer.ts']) writeFileSync(join(project, file), blocks.get(file) ?? '');
    const [compile, startShop, startMailer, ...rest] = (blocks.get('run') ?? '').trim().split('\n');
    expect([compile, startShop, startMailer, rest]).toEqual(['npx tsc', 'node dist/src/shop.js', 'node dist/src/mailer.js', []]);
    shell(compile ?? '', project);

    // A NATS server of the test's own, so that the example's default stream and durable are its alone.
    const port = await freePort();
    natsServer(port, mkdtempSync(join(work, 'nats-')));
    await waitForPort(port);
    const env = { ...shellEnv, NATS_URL: `127.0.0.1:${port}` };
    const trail = join(project, 'shop.jsonl');
    const runShop = (): { id: string; orderId: string }[] => {
      const before = existsSync(trail) ? trailOrders(trail).length : 0;
      shell(startShop ?? '', project, env);
      return trailOrders(trail).slice(before);
    };
    const orderIds = (orders: { orderId: string }[]): string[] => orders.map((order) => order.orderId);
    const startMailerProcess = () => {
      const child = spawn('bash', ['-c', `exec ${startMailer ?? ''}`], { cwd: project, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      const mailed = (): string[] => [...output.matchAll(/^mail to customer\d@example\.com: order (\S+) received$/gm)].map((match) => match[1] ?? '');
      /** Waits for `check`, failing at once, with the mailer's output, if the mailer has exited. */
      const waitFor = (check: () => boolean, what: string): Promise<void> =>
        until(() => {
          if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the mailer exited (${child.exitCode ?? child.signalCode}) before ${what}:\n${output}`);
          return check();
        }, what, 60_000, () => `:\n${output}`);
      return { child, exited, mailed, waitFor, output: () => output };
    };

    const first = runShop();
    expect(first).toHaveLength(3);
    const mailer = startMailerProcess();
    await mailer.waitFor(() => mailer.mailed().length === 3, 'the mailer mailed the first three orders');
    const second = runShop();
    await mailer.waitFor(() => mailer.mailed().length === 6, 'the running mailer mailed three more');
    mailer.child.kill('SIGTERM');
    expect(await mailer.exited).toBe(0);
    expect(mailer.mailed()).toEqual(orderIds([...first, ...second]));

    // Restarted, the durable consumer resumes: only what came after, nothing twice.
    const restarted = startMailerProcess();
    await restarted.waitFor(() => restarted.output().includes('mailer: waiting for orders'), 'the restarted mailer started');
    const third = runShop();
    await restarted.waitFor(() => restarted.mailed().length === 3, 'the restarted mailer mailed the third three');
    restarted.child.kill('SIGTERM');
    expect(await restarted.exited).toBe(0);
    expect(restarted.mailed()).toEqual(orderIds(third));
    // The mailer's trail holds the shop's events under their own ids, each once.
    expect(trailOrders(join(project, 'mailer.jsonl'))).toEqual([...first, ...second, ...third]);
    expect(restarted.output()).not.toMatch(/dead letter|Error/);
  }, 300_000);
});

describe('an app with the NATS client', () => {
  it('compiles under the README’s tsconfig with the two additions it names, and not without skipLibCheck (TS2420 in @nats-io/nats-core)', () => {
    const dir = join(app, 'nats');
    mkdirSync(join(dir, 'src'), { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'nats-app', private: true, type: 'module' }));
    npm(['install', ...['transport-node', 'nats-core', 'jetstream', 'kv'].map((name) => `@nats-io/${name}@${lockedVersion(`@nats-io/${name}`)}`)], app);
    run('npx', ['eventspec', 'generate', '--catalog', '../catalog.yaml', '--out', 'generated'], dir);
    writeFileSync(join(dir, 'src', 'main.ts'), `import { connect } from '@nats-io/transport-node';
import { LoggingEventBus } from 'eventspec';
import { NatsEventConsumer } from 'eventspec/nats';
import { eventRegistry, type PayloadMap } from '../generated/index.js';

const nc = await connect({ servers: process.env['NATS_URL'] ?? '127.0.0.1:4222' });
const bus = new LoggingEventBus<PayloadMap>({ registry: eventRegistry });
const consumer = new NatsEventConsumer(nc, bus, eventRegistry, { durable: 'app' });
await consumer.start();
`);
    const readmeConfig = JSON.parse(quickstart().get('tsconfig.json') ?? '{}') as { compilerOptions: Record<string, unknown> };
    const withAdditions = { ...readmeConfig, compilerOptions: { ...readmeConfig.compilerOptions, types: ['node'], skipLibCheck: true } };
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(withAdditions));
    expect(tsc(dir)).toBe('');
    // Without skipLibCheck the NATS client's own declarations fail: the README says so, and this keeps it true.
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ ...withAdditions, compilerOptions: { ...withAdditions.compilerOptions, skipLibCheck: false } }));
    const failing = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir, '--checkers', '1'], { encoding: 'utf8' });
    expect(failing.status).not.toBe(0);
    expect(failing.stdout).toMatch(/node_modules\/@nats-io\/nats-core\/.*error TS2420/);
  }, 300_000);
});

describe('pnpm, with its strict node_modules', () => {
  it('installs the two tarballs as they are (the CLI takes the app’s runtime as a peer) and generates', () => {
    const dir = join(work, 'pnpm-app');
    mkdirSync(dir);
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'pnpm-app', private: true, type: 'module' }));
    cpSync(join(HERE, 'catalog.yaml'), join(dir, 'catalog.yaml'));
    // pnpm 10: 11 does not run on Node 20.
    const pnpm = (...args: string[]): string => run('npx', ['--yes', 'pnpm@10.34.9', ...args], dir);
    pnpm('add', tarballs.runtime, `zod@${lockedVersion('zod')}`);
    pnpm('add', '--save-dev', tarballs.cli);
    expect(pnpm('exec', 'eventspec', 'generate')).toMatch(/^generated \d+ files for 2 events in 1 domain/);
    expect(pnpm('exec', 'eventspec', 'check')).toMatch(/is fresh/);
    // The generated code imports the app's runtime, the one pnpm linked to the CLI as its peer.
    expect(readFileSync(join(dir, 'generated', 'registry.ts'), 'utf8')).toContain('from "eventspec/payload"');
  }, 300_000);
});
