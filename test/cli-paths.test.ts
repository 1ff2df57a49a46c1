/**
 * The real command on the odd paths users give it: a FIFO or a device as the catalogue, `--out`
 * on a read-only or full disk, naming a file, behind a symbolic link; a name too long for a file;
 * an import into a folder that does not exist; interrupts and kills mid-write. Each ends in one
 * line that names the path and the reason (never "internal error", never a hang), and loses or
 * leaves behind nothing.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { readOutput } from '../codegen/pipeline/output.ts';
import { CATALOGUE_PATH, GENERATED_DIR } from './support/catalogue.ts';
import { runCli, spawnCli } from './support/cli.ts';
import { ROOT } from './support/generate-fixture.ts';

const scratch = mkdtempSync(join(ROOT, 'test', '.tmp-cli-paths-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const committed = readOutput(fileURLToPath(GENERATED_DIR));

let project: string;
beforeEach(() => {
  project = mkdtempSync(join(scratch, 'project-'));
  cpSync(CATALOGUE_PATH, join(project, 'catalog.yaml'));
});

/** One line on standard error, exit 1 or 2: a user's mistake or environment, never a bug (3). */
function refusedInOneLine(args: readonly string[], message: RegExp): void {
  const run = runCli(project, args);
  expect(run.error, 'the command must end on its own').toBeUndefined();
  expect([1, 2], run.stderr).toContain(run.status);
  expect(run.stderr).toMatch(message);
  expect(run.stderr).not.toMatch(/internal error|\n\s+at /);
  expect(run.stderr.trim().split('\n')).toHaveLength(1);
}

function withTmpfs(options: string, use: (mount: string) => void): void {
  const mount = mkdtempSync(join(scratch, 'mount-'));
  expect(spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', mount]).status).toBe(0);
  try {
    use(mount);
  } finally {
    spawnSync('umount', [mount]);
  }
}

describe('--catalog that is not a regular file', () => {
  it('refuses a named pipe at once instead of waiting for a writer', () => {
    expect(spawnSync('mkfifo', [join(project, 'pipe.yaml')]).status).toBe(0);
    refusedInOneLine(['generate', '--catalog', 'pipe.yaml'], /^eventspec: cannot read the catalogue pipe\.yaml: it is a named pipe, not a regular file$/m);
  });

  it.each(['/dev/zero', '/dev/null'])('refuses the device %s instead of reading it forever', (device) => {
    refusedInOneLine(['lint', '--catalog', device], new RegExp(`cannot read the catalogue ${device}: it is a device, not a regular file`));
  });

  it('says a missing one is missing, for diff and bump too', () => {
    refusedInOneLine(['lint', '--catalog', 'nope.yaml'], /^eventspec: cannot read the catalogue nope\.yaml: no such file or directory \(ENOENT\)$/m);
    refusedInOneLine(['diff', 'nope.yaml', 'catalog.yaml'], /cannot read nope\.yaml: no such file or directory/);
    refusedInOneLine(['bump', 'plan.created', '--catalog', 'nope.yaml'], /nope\.yaml: no such file or directory/);
  });
});

describe('--out', () => {
  it('on a read-only file system: one line, nothing written', () => {
    withTmpfs('ro,size=1m', (mount) => {
      refusedInOneLine(['generate', '--out', join(mount, 'generated')], /cannot write .*\/generated: the file system is read-only \(EROFS\); nothing was written/);
      expect(readdirSync(mount)).toEqual([]);
    });
  });

  it('on a full disk: one line, and no staging folder left', () => {
    withTmpfs('size=64k', (mount) => {
      refusedInOneLine(['generate', '--out', join(mount, 'generated')], /the disk is full \(ENOSPC\); nothing was written/);
      expect(readdirSync(mount)).toEqual([]);
    });
  });

  it('naming a regular file, or a path through one', () => {
    writeFileSync(join(project, 'notes.txt'), 'mine\n');
    refusedInOneLine(['generate', '--out', 'notes.txt'], /notes\.txt is a file, not a directory/);
    refusedInOneLine(['generate', '--out', 'notes.txt/generated'], /notes\.txt\/generated: a part of the path is a file, not a directory \(ENOTDIR\)/);
  });

  it('behind a symbolic link writes where the link points and keeps the link; check reads the same place', () => {
    const target = join(project, 'elsewhere');
    mkdirSync(target);
    symlinkSync(target, join(project, 'generated'));
    expect(runCli(project, ['generate']).status).toBe(0);
    expect(lstatSync(join(project, 'generated')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(project, 'generated'))).toBe(target);
    expect(readOutput(target)).toEqual(committed);
    expect(runCli(project, ['check']).status).toBe(0);
    // Regenerating after a change goes through the link again.
    rmSync(join(target, 'emit.ts'));
    expect(runCli(project, ['generate']).status).toBe(0);
    expect(readOutput(target)).toEqual(committed);
    expect(readdirSync(project).sort()).toEqual(['catalog.yaml', 'elsewhere', 'generated']);
  });

  it('refuses a dangling symbolic link rather than replacing it with a folder', () => {
    symlinkSync(join(project, 'missing'), join(project, 'generated'));
    refusedInOneLine(['generate'], /generated is a symbolic link to .*missing, which does not exist/);
    expect(lstatSync(join(project, 'generated')).isSymbolicLink()).toBe(true);
  });
});

describe('names that become file names', () => {
  it('refuses a 300-character domain in lint, with its place, before any file is named after it', () => {
    const long = 'd'.repeat(300);
    writeFileSync(join(project, 'catalog.yaml'), `version: 1\ndomains:\n  ${long}: D.\nevents:\n  ${long}.done:\n    description: Done.\n    payload: { type: object }\n`);
    const run = runCli(project, ['generate']);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^catalog\.yaml:3:3 error invalid-name domain name "d{40}"… is 300 characters long, more than 64$/m);
    expect(run.stderr).not.toMatch(/internal error|ENAMETOOLONG/);
  });
});

describe('import', () => {
  it('writes a catalogue into a folder that does not exist yet', () => {
    mkdirSync(join(project, 'schemas'));
    writeFileSync(join(project, 'schemas', 'order_placed.json'), JSON.stringify({ type: 'object', properties: { id: { type: 'string' } }, required: ['id'] }));
    const run = runCli(project, ['import', 'schemas', '--catalog', 'missing-dir/catalog.yaml']);
    expect(run.stderr).not.toMatch(/internal error/);
    expect(run.status, run.stderr).toBe(0);
    expect(existsSync(join(project, 'missing-dir', 'catalog.yaml'))).toBe(true);
  });
});

describe('interrupted and killed mid-generate', () => {
  function leftovers(): string[] {
    return readdirSync(project).filter((entry) => entry.startsWith('.generated.'));
  }

  it('leaves no staging folder after Ctrl-C at any moment, and the output is whole or absent', async () => {
    for (let round = 0; round < 8; round++) {
      const child = spawnCli(project, ['generate']);
      const closed = new Promise((resolve) => child.once('close', resolve));
      // Spread over start-up, lint, render, verification and the write (a late one may find it done).
      await new Promise((resolve) => setTimeout(resolve, 300 + round * 220));
      child.kill('SIGINT');
      await closed;
      expect(leftovers()).toEqual([]);
      if (existsSync(join(project, 'generated'))) expect(readOutput(join(project, 'generated'))).toEqual(committed);
    }
  }, 120_000);

  it('tidies what a killed run left: its new tree removed, its old one put back when the output was missing', () => {
    expect(runCli(project, ['generate']).status).toBe(0);
    // What SIGKILL between the two renames leaves: the old output moved aside, the new one staged.
    const dead = 2 ** 22 + 7; // above pid_max's default: no process has it
    cpSync(join(project, 'generated'), join(project, `.generated.tmp-${dead}`), { recursive: true });
    cpSync(join(project, 'generated'), join(project, `.generated.old-${dead}`), { recursive: true });
    rmSync(join(project, 'generated'), { recursive: true });
    expect(runCli(project, ['generate']).status).toBe(0);
    expect(leftovers()).toEqual([]);
    expect(readOutput(join(project, 'generated'))).toEqual(committed);
  });
});
