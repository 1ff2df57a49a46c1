import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { main, type Console } from '../codegen/cli/main.ts';
import { readOutput } from '../codegen/pipeline/output.ts';
import { CATALOGUE_PATH, GENERATED_DIR } from './support/catalogue.ts';
import { runCli } from './support/cli.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const scratch = mkdtempSync(join(ROOT, 'test', '.tmp-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Run {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

async function cli(cwd: string, ...argv: string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Console = { out: (text) => out.push(text), err: (text) => err.push(text) };
  return { code: await main(argv, io, undefined, undefined, cwd), out: out.join('\n'), err: err.join('\n') };
}

let project: string;
beforeEach(() => {
  project = mkdtempSync(join(scratch, 'project-'));
  cpSync(CATALOGUE_PATH, join(project, 'catalog.yaml'));
});

const committed = readOutput(fileURLToPath(GENERATED_DIR));

describe('eventspec generate', () => {
  it('writes exactly the committed files and prints a one-line summary', async () => {
    const run = await cli(project, 'generate');
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/^generated 130 files for 38 events in 8 domains in \d+ ms$/);
    expect(readOutput(join(project, 'generated'))).toEqual(committed);
    expect((await cli(project, 'generate')).out).toMatch(/^unchanged: 130 files for 38 events/);
  });

  it('on a broken catalogue prints every problem with its location, exits 1 and leaves the output untouched', async () => {
    expect((await cli(project, 'generate')).code).toBe(0);
    const before = readOutput(join(project, 'generated'));
    const broken = readFileSync(join(project, 'catalog.yaml'), 'utf8')
      .replace('title: { type: string, minLength: 1, maxLength: 200 }', 'title: { type: string, minLength: 300, maxLength: 200 }')
      .replace("planId: { $ref: '#/types/Ulid' }", "planId: { $ref: '#/types/Ulld' }");
    writeFileSync(join(project, 'catalog.yaml'), broken);
    const run = await cli(project, 'generate');
    expect(run.code).toBe(1);
    // Each diagnostic, then its code frame (the line, a caret line), then its hint.
    const lines = run.err.split('\n').filter((line) => !line.startsWith('  hint:') && !/^ +\d* \|/.test(line));
    expect(run.err).toMatch(/\n +\d+ \| +title: \{ type: string, minLength: 300, maxLength: 200 \}\n +\| +\^+\n/);
    expect(lines).toEqual([
      expect.stringMatching(/^catalog\.yaml:\d+:\d+ error undefined-ref `\$ref: #\/types\/Ulld` does not name a shared type or a definition here$/),
      expect.stringMatching(/^catalog\.yaml:\d+:\d+ error contradictory-bounds `minLength: 300` and `maxLength: 200` leave no allowed value$/),
    ]);
    expect(run.err).not.toMatch(/\n\s+at /);
    expect(readOutput(join(project, 'generated'))).toEqual(before);
  });

  it('refuses an output directory holding files it did not generate, and deletes nothing', async () => {
    mkdirSync(join(project, 'src'));
    writeFileSync(join(project, 'src', 'app.ts'), 'export const precious = 1;\n');
    const run = await cli(project, 'generate', '--out', 'src');
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/holds files that eventspec did not generate \(app\.ts\); nothing was written/);
    expect(readFileSync(join(project, 'src', 'app.ts'), 'utf8')).toBe('export const precious = 1;\n');
    expect(existsSync(join(project, 'src', 'index.ts'))).toBe(false);
  });

  it('removes files of events that left the catalogue', async () => {
    expect((await cli(project, 'generate')).code).toBe(0);
    const text = readFileSync(join(project, 'catalog.yaml'), 'utf8');
    const withoutMemory = text.replaceAll(', memory.*', '').replace(/  memory: [^\n]*\n/, '').replace(/  # ── memory[\s\S]*?(?=  # ── system)/, '');
    writeFileSync(join(project, 'catalog.yaml'), withoutMemory);
    const run = await cli(project, 'generate');
    expect(run.out).toMatch(/^generated 122 files for 35 events in 7 domains/);
    expect(existsSync(join(project, 'generated', 'payloads', 'memory.ts'))).toBe(false);
  });
});

describe('eventspec export', () => {
  it('writes the JSON Schemas where asked, with the given $id base, and refuses what it did not write', async () => {
    const run = await cli(project, 'export', '--format', 'jsonschema', '--out', 'schemas', '--base-uri', 'https://schemas.example.com/');
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/^exported 41 JSON Schemas \(38 events, 2 earlier versions and a bundle\) in schemas\/ \(\d+ ms\)$/);
    expect(JSON.parse(readFileSync(join(project, 'schemas', 'plan.created.v1.json'), 'utf8'))).toMatchObject({ $id: 'https://schemas.example.com/plan.created.v1.json' });
    expect((await cli(project, 'export', '--format', 'jsonschema', '--out', 'schemas', '--base-uri', 'https://schemas.example.com/')).out).toMatch(/^unchanged: 41 JSON Schemas/);
    expect((await cli(project, 'export')).err).toMatch(/export needs --format \(jsonschema, asyncapi\)/);
    expect((await cli(project, 'export', '--format', 'protobuf')).code).toBe(2);
  });
});

describe('eventspec diff', () => {
  const narrow = (text: string): string => text.replace('title: { type: string, minLength: 1, maxLength: 200 }', 'title: { type: string, minLength: 1, maxLength: 100 }');

  it('compares two files: a table, and exit 1 for a breaking change without a version bump', async () => {
    const text = readFileSync(join(project, 'catalog.yaml'), 'utf8');
    writeFileSync(join(project, 'new.yaml'), narrow(text));
    const run = await cli(project, 'diff', 'catalog.yaml', 'new.yaml');
    expect(run.code).toBe(1);
    expect(run.out.split('\n')[0]).toMatch(/^event +change +where +effect +verdict$/);
    expect(run.out).toMatch(/plan\.created +`title`: `maxLength` 200 → 100 +new\.yaml:85:57 +narrows +BREAKING \(backward\)/);
    expect(run.out).toContain('1 breaking change(s) in backward mode; without a version bump: plan.created.');
    const json = JSON.parse((await cli(project, 'diff', 'catalog.yaml', 'new.yaml', '--format', 'json', '--mode', 'forward')).out) as { failed: boolean; changes: { rule: string; line: number }[] };
    expect(json.failed).toBe(false);
    expect(json.changes[0]).toMatchObject({ rule: 'maxLength-tightened', line: 85, column: 57, breaking: false });
  });

  it('compares with the catalogue at a git ref', async () => {
    const git = (...args: string[]): void => {
      const result = spawnSync('git', args, { cwd: project, encoding: 'utf8' });
      expect(result.status, result.stderr).toBe(0);
    };
    git('init', '-q');
    git('-c', 'user.email=ci@example.com', '-c', 'user.name=ci', 'commit', '-q', '--allow-empty', '-m', 'empty');
    git('add', 'catalog.yaml');
    git('-c', 'user.email=ci@example.com', '-c', 'user.name=ci', 'commit', '-q', '-m', 'catalogue');
    expect(await cli(project, 'diff', '--against', 'HEAD')).toMatchObject({ code: 0, out: 'no changes (backward compatibility)' });
    writeFileSync(join(project, 'catalog.yaml'), narrow(readFileSync(join(project, 'catalog.yaml'), 'utf8')));
    expect((await cli(project, 'diff', '--against', 'HEAD')).code).toBe(1);
    const missing = await cli(project, 'diff', '--against', 'HEAD~1');
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/cannot read catalog\.yaml at HEAD~1 through git: fatal: path 'catalog\.yaml' exists on disk, but not in 'HEAD~1'/);
    // A shallow clone (CI's default checkout) lacks the history: the message says to fetch it.
    const shallow = join(scratch, `shallow-${Date.now()}`);
    expect(spawnSync('git', ['clone', '-q', '--depth', '1', `file://${project}`, shallow], { encoding: 'utf8' }).status).toBe(0);
    const fromShallow = await cli(shallow, 'diff', '--against', 'HEAD~1');
    expect(fromShallow.code).toBe(2);
    expect(fromShallow.err).toMatch(/this is a shallow clone, so HEAD~1 may not be in it: fetch the history \(`git fetch --unshallow`, or `fetch-depth: 0` in actions\/checkout\)$/);
    expect(fromShallow.err.trim().split('\n')).toHaveLength(1);
    // The real binary, run elsewhere, given the catalogue by its absolute path.
    const elsewhere = runCli(scratch, ['diff', '--against', 'HEAD', '--catalog', join(project, 'catalog.yaml')]);
    expect(elsewhere.stderr).toBe('');
    expect(elsewhere.status).toBe(1);
    expect(elsewhere.stdout).toContain('1 breaking change(s) in backward mode; without a version bump: plan.created.');
  });

  it('says how to call it', async () => {
    expect((await cli(project, 'diff', 'catalog.yaml')).err).toMatch(/diff needs <old\.yaml> <new\.yaml>, or --against <git-ref>/);
    expect((await cli(project, 'diff', 'a.yaml', 'b.yaml', '--mode', 'sideways')).err).toMatch(/--mode must be one of backward, forward, full/);
  });
});

describe('eventspec check', () => {
  beforeEach(async () => {
    expect((await cli(project, 'generate')).code).toBe(0);
  });

  it('passes when the output is fresh', async () => {
    const run = await cli(project, 'check');
    expect(run).toMatchObject({ code: 0, err: '' });
    expect(run.out).toMatch(/^generated\/ is fresh: 130 files for 38 events in 8 domains/);
  });

  it('fails with a unified diff and names changed, missing and extra files', async () => {
    const emit = join(project, 'generated', 'emit.ts');
    writeFileSync(emit, readFileSync(emit, 'utf8').replace('return bus.emit("plan.created", payload, meta);', 'return bus.emit("plan.created", payload);'));
    unlinkSync(join(project, 'generated', 'payloads', 'tool.ts'));
    writeFileSync(join(project, 'generated', 'notes.ts'), '// mine\n');
    const run = await cli(project, 'check');
    expect(run.code).toBe(1);
    expect(run.out).toContain('--- generated/emit.ts\ton disk\n+++ generated/emit.ts\tfrom the catalogue');
    expect(run.out).toContain('-  return bus.emit("plan.created", payload);\n+  return bus.emit("plan.created", payload, meta);');
    expect(run.err).toContain('changed: emit.ts\n  missing: payloads/tool.ts\n  extra: notes.ts (not written by eventspec)');
    // generate would refuse to delete notes.ts: check says to move it first, and then generate works.
    expect(run.err).toMatch(/Move the file eventspec did not write out of generated\/ \(generate replaces the whole folder and refuses to delete them\), then run `eventspec generate`/);
    expect((await cli(project, 'generate')).code).toBe(1);
    unlinkSync(join(project, 'generated', 'notes.ts'));
    expect((await cli(project, 'generate')).code).toBe(0);
    expect((await cli(project, 'check')).code).toBe(0);
  });

  it('fails when the catalogue changed but the output did not', async () => {
    const text = readFileSync(join(project, 'catalog.yaml'), 'utf8');
    writeFileSync(join(project, 'catalog.yaml'), text.replace('An agent or user drafted a new plan.', 'A new plan was drafted.'));
    const run = await cli(project, 'check');
    expect(run.code).toBe(1);
    expect(run.out).toContain('+  /** A new plan was drafted. */');
  });
});

describe('diagnostic formats and usage', () => {
  const broken = (dir: string): void => writeFileSync(join(dir, 'catalog.yaml'), 'version: 1\ndomains: { plan: Plans. }\nevents:\n  plan.created:\n    description: Created.\n    payload: { type: object, properties: { id: { type: strng } } }\n');

  it('prints JSON for tools', async () => {
    broken(project);
    const run = await cli(project, 'lint', '--format', 'json');
    expect(run.code).toBe(1);
    expect(JSON.parse(run.out)).toEqual({
      diagnostics: [expect.objectContaining({ code: 'invalid-keyword-value', file: 'catalog.yaml', line: 6, column: 56, pointer: '/events/plan.created/payload/properties/id/type' })],
    });
  });

  it('prints GitHub Actions annotations', async () => {
    broken(project);
    const run = await cli(project, 'lint', '--format', 'github');
    expect(run.out).toMatch(/^::error file=catalog\.yaml,line=6,col=56,title=eventspec invalid-keyword-value::`type`: unknown type "strng"/);
  });

  it.each([
    [['frobnicate'], /unknown command 'frobnicate'/],
    [[], /missing command/],
    [['generate', '--outdir', 'x'], /^eventspec: unknown option '--outdir' for generate; did you mean '--out'\? \(`eventspec generate --help` lists the options\)$/],
    [['check', '--watch'], /unknown option '--watch' for check/],
    [['genrate'], /unknown command 'genrate'; did you mean 'generate'\?/],
    [['generate', '--out'], /option '--out' needs a value/],
    [['lint', '--format', 'xml'], /--format must be one of text, json, github/],
    [['lint', 'extra'], /unexpected argument 'extra'/],
    [['lint', '--catalog', 'nowhere.yaml'], /cannot read the catalogue nowhere\.yaml: no such file or directory \(ENOENT\)/],
  ])('exits 2 for %j', async (argv, message) => {
    const run = await cli(project, ...argv);
    expect(run.code).toBe(2);
    expect(run.err).toMatch(message);
  });

  it('prints help with exit 0', async () => {
    const run = await cli(project, '--help');
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/^Usage: eventspec <command> \[options\]/);
  });
});

describe('the installed command', () => {
  it('runs from a fresh checkout with no build step, and checks this repository', async () => {
    const run = runCli(ROOT, ['check']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^generated\/ is fresh: 130 files for 38 events in 8 domains \(\d+ ms\)\n$/);
  });

  it('treats a catalogue path that is a directory as a usage error, not a crash', async () => {
    const run = runCli(ROOT, ['lint', '--catalog', 'test']);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe("eventspec: cannot read the catalogue test: it is a directory, not a regular file\n");
  });
});

describe('the command, as a process', () => {
  // Every path ends promptly with its documented code; a hang would fail on runCli's timeout.
  it.each([
    [['--help'], 0, /^Usage: eventspec <command> \[options\]/],
    [['generate', '--help'], 0, /^Usage: eventspec generate \[--catalog <file>\]/],
    [['check', '-h'], 0, /^Usage: eventspec check/],
    [['--version'], 0, /^\d+\.\d+\.\d+\n$/],
    [['generate', '--ouT', 'x'], 2, /^eventspec: unknown option '--ouT' for generate; did you mean '--out'\?/],
    [['check', '--catalogue', 'x'], 2, /did you mean '--catalog'\?/],
    [['frobnicate'], 2, /unknown command 'frobnicate'/],
    [['watch'], 2, /^eventspec: there is no `watch` command: `eventspec generate --watch` regenerates on every save$/m],
    [[], 2, /missing command/],
  ])('eventspec %j exits %i', (args, code, output) => {
    const run = runCli(project, args);
    expect(run.status, run.stderr).toBe(code);
    expect(code === 0 ? run.stdout : run.stderr).toMatch(output);
    // One line for a mistake, not the whole usage.
    if (code === 2) expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('exits 1 on catalogue errors and on stale output, 3 never for a mistake', () => {
    writeFileSync(join(project, 'catalog.yaml'), readFileSync(join(project, 'catalog.yaml'), 'utf8').replace('type: string, minLength: 1, maxLength: 200', 'type: strng'));
    const broken = runCli(project, ['generate']);
    expect([broken.status, broken.stderr]).toEqual([1, expect.stringMatching(/^catalog\.yaml:\d+:\d+ error invalid-keyword-value/)]);
    cpSync(CATALOGUE_PATH, join(project, 'catalog.yaml'));
    expect(runCli(project, ['generate']).status).toBe(0);
    writeFileSync(join(project, 'generated', 'emit.ts'), `${readFileSync(join(project, 'generated', 'emit.ts'), 'utf8')}// edited\n`);
    const stale = runCli(project, ['check', '--format', 'github']);
    expect(stale.status).toBe(1);
    expect(stale.stdout).toMatch(/^::error file=generated\/emit\.ts,line=\d+,title=eventspec%3A generated code is stale::emit\.ts differs from what catalog\.yaml generates/m);
  });

  it('finds the catalogue upward from a subdirectory, and says where it looked when there is none', () => {
    const deep = join(project, 'services', 'billing');
    mkdirSync(deep, { recursive: true });
    const found = runCli(deep, ['lint']);
    expect([found.status, found.stdout]).toEqual([0, expect.stringMatching(/^\.\.\/\.\.\/catalog\.yaml: 38 events in 8 domains, no errors/)]);
    expect(runCli(deep, ['generate']).status).toBe(0);
    expect(existsSync(join(project, 'generated', 'index.ts'))).toBe(true);
    mkdirSync(join(project, '.git'));
    unlinkSync(join(project, 'catalog.yaml'));
    const missing = runCli(deep, ['lint']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe(`eventspec: no catalog.yaml (nor a package.json "eventspec" entry) in ${deep} and every directory above it up to ${project}; run \`eventspec init\` to create one, or pass --catalog <file>\n`);
  });

  it('takes the catalogue and output directory from package.json', () => {
    mkdirSync(join(project, 'events'));
    cpSync(CATALOGUE_PATH, join(project, 'events', 'catalog.yaml'));
    unlinkSync(join(project, 'catalog.yaml'));
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'app', eventspec: { catalog: 'events/catalog.yaml', out: 'src/events' } }));
    const run = runCli(project, ['generate']);
    expect(run.status, run.stderr).toBe(0);
    expect(existsSync(join(project, 'src', 'events', 'registry.ts'))).toBe(true);
  });

  it('init writes a starter catalogue that generates, and never overwrites one', () => {
    const empty = mkdtempSync(join(scratch, 'empty-'));
    const first = runCli(empty, ['init']);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain('created catalog.yaml: one domain (order) and one event (order.placed).');
    // The modeline points editors at the catalogue's JSON Schema, which exists there.
    const modeline = /^# yaml-language-server: \$schema=(\S+)\n/.exec(readFileSync(join(empty, 'catalog.yaml'), 'utf8'));
    expect(existsSync(join(empty, modeline?.[1] ?? 'missing'))).toBe(true);
    expect(runCli(empty, ['generate']).status).toBe(0);
    expect(readFileSync(join(empty, 'generated', 'emit.ts'), 'utf8')).toContain('export function emitOrderPlaced(');
    const again = runCli(empty, ['init']);
    expect([again.status, again.stderr]).toEqual([1, expect.stringMatching(/catalog\.yaml exists; init writes a new catalogue and never overwrites one/)]);
  });

  it('--strict (or defaults.strict) makes warnings fail', () => {
    writeFileSync(join(project, 'catalog.yaml'), readFileSync(join(project, 'catalog.yaml'), 'utf8').replace('domains:\n', 'domains:\n  billing: Money, one day.\n'));
    const lenient = runCli(project, ['lint']);
    expect([lenient.status, lenient.stderr]).toEqual([0, expect.stringMatching(/warning unused-domain domain `billing` has no events/)]);
    const strict = runCli(project, ['lint', '--strict']);
    expect([strict.status, strict.stderr]).toEqual([1, expect.stringMatching(/error unused-domain .*\(a warning, failing in strict mode\)/)]);
    expect(runCli(project, ['generate', '--strict']).status).toBe(1);
    writeFileSync(join(project, 'catalog.yaml'), readFileSync(join(project, 'catalog.yaml'), 'utf8').replace('version: 1\n', 'version: 1\ndefaults: { strict: true }\n'));
    expect(runCli(project, ['lint']).status).toBe(1);
  });

  it('import reads a directory of JSON Schemas: one event per file, definitions several files share become one type, references across files resolve', () => {
    const source = mkdtempSync(join(scratch, 'schemas-'));
    mkdirSync(join(source, 'billing'));
    const money = { type: 'object', properties: { amount: { type: 'number' }, currency: { type: 'string', pattern: '^[A-Z]{3}$' } }, required: ['amount', 'currency'] };
    writeFileSync(join(source, 'billing', 'invoice_paid.json'), JSON.stringify({ $schema: 'http://json-schema.org/draft-07/schema#', title: 'An invoice was paid.', type: 'object', properties: { total: { $ref: '#/definitions/money' }, payer: { $ref: '../party.json' } }, required: ['total'], definitions: { money } }));
    writeFileSync(join(source, 'billing', 'refund.issued.yaml'), `$schema: https://json-schema.org/draft/2020-12/schema\ndescription: A refund went out.\ntype: object\nproperties:\n  amount: { $ref: '#/$defs/money' }\n  reason: { type: string, format: hostname-ish }\n$defs:\n  money: ${JSON.stringify(money)}\n`);
    writeFileSync(join(source, 'party.json'), JSON.stringify({ description: 'Someone who pays.', type: 'object', properties: { name: { type: 'string' } }, tsType: 'Party' }));
    const work = mkdtempSync(join(scratch, 'import-'));
    const run = runCli(work, ['import', source]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^imported 3 events and 2 shared types from /);
    const text = readFileSync(join(work, 'catalog.yaml'), 'utf8');
    expect(text).toContain('billing.invoice_paid:');
    expect(text).toContain('billing.refund.issued:');
    expect(text).toContain('party.event:');
    expect(text).toContain('total: { $ref: "#/types/Money" }');
    expect(text).toContain('amount: { $ref: "#/types/Money" }');
    expect(text).toContain('payer: { $ref: "#/types/Party" }');
    expect(text).toContain('x-format: hostname-ish');
    expect(text).toMatch(/became `x-` annotations/);
    expect(runCli(work, ['generate']).status).toBe(0);
  });

  it('import refuses what it cannot read in one line, never overwrites a catalogue, and writes one that needs fixes with the fixes listed', () => {
    const work = mkdtempSync(join(scratch, 'import-errors-'));
    expect(runCli(work, ['import'])).toMatchObject({ status: 2, stderr: expect.stringMatching(/^eventspec: import needs what to import/) });
    expect(runCli(work, ['import', 'nowhere.json'])).toMatchObject({ status: 1, stderr: 'eventspec: nowhere.json does not exist\n' });
    writeFileSync(join(work, 'broken.json'), '{ "type": "object", ');
    const broken = runCli(work, ['import', 'broken.json']);
    expect([broken.status, broken.stderr.trim().split('\n')]).toEqual([1, [expect.stringMatching(/^eventspec: broken\.json is not valid JSON: /)]]);
    expect(runCli(work, ['import', 'broken.json', '--formats', 'sometimes']).status).toBe(2);
    writeFileSync(join(work, 'order.placed.json'), JSON.stringify({ type: 'object', properties: { id: { type: 'string' } }, if: { required: ['id'] }, then: { properties: { note: { type: 'string' } } }, unevaluatedProperties: false }));
    const refused = runCli(work, ['import', 'order.placed.json']);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/catalog\.yaml:\d+:\d+ error unsupported-keyword `unevaluatedProperties` here depends on `if`, which decides at run time what is evaluated/);
    expect(refused.stdout).toMatch(/wrote catalog\.yaml .* it needs the fixes above/);
    const again = runCli(work, ['import', 'order.placed.json']);
    expect([again.status, again.stderr]).toEqual([1, expect.stringMatching(/catalog\.yaml exists; import writes a new catalogue and never overwrites one/)]);
    expect(`${broken.stderr}${refused.stderr}${again.stderr}`).not.toMatch(/\n\s+at /);
  });

  it('colours diagnostics for a terminal only: FORCE_COLOR on, NO_COLOR and pipes off', () => {
    writeFileSync(join(project, 'catalog.yaml'), readFileSync(join(project, 'catalog.yaml'), 'utf8').replace('type: string, minLength: 1, maxLength: 200', 'type: strng'));
    expect(runCli(project, ['lint'], { FORCE_COLOR: '1' }).stderr).toContain('\u001b[31merror\u001b[39m');
    expect(runCli(project, ['lint'], { FORCE_COLOR: '1', NO_COLOR: '1' }).stderr).toContain('\u001b[31m');
    expect(runCli(project, ['lint'], { NO_COLOR: '1' }).stderr).not.toContain('\u001b[');
    expect(runCli(project, ['lint']).stderr).not.toContain('\u001b[');
  });
});
