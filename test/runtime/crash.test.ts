/**
 * Crash safety for real: a child process emits in a loop and is killed with SIGKILL; the file is
 * reopened and every event its mode promised is found, ids compared. (SIGKILL keeps what the OS
 * already has; a power cut would also test fdatasync, which no test here can do.)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { JsonlAuditSink, readAudit } from '../../src/index.ts';
import { eventRegistry } from '../../generated/index.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'eventspec-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the child until it has confirmed `wanted` ids, kills it, and returns what it confirmed. */
function runAndKill(path: string, durability: string, wanted: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test', 'support', 'crash-child.ts'), path, durability], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (out.split('\n').length > wanted) child.kill('SIGKILL');
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      err += chunk;
    });
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`child ended without being killed: ${err}`));
      // Only whole lines are confirmed ids; the last may be cut off by the kill.
      else resolve(out.split('\n').filter((line) => /^[0-9A-Z]{26}$/.test(line)));
    });
  });
}

describe.each(['sync', 'batched'])('killed with SIGKILL mid-stream (%s)', (durability) => {
  it('keeps every event the mode promised, and the file opens and reads cleanly', async () => {
    const path = join(dir, `${durability}.jsonl`);
    const confirmed: string[] = [];
    // Three kills in a row on one file: each restart must repair the tail and continue it.
    for (let round = 0; round < 3; round++) {
      confirmed.push(...(await runAndKill(path, durability, 150)));
      // Reopening repairs a torn tail, if the kill left one, before the next round appends.
      const sink = new JsonlAuditSink(path);
      expect(sink.recovery.records).toBeGreaterThanOrEqual(confirmed.length);
      await sink.close();
    }
    const ids: string[] = [];
    for await (const event of readAudit(path, eventRegistry)) ids.push(event.id);
    expect(confirmed.length).toBeGreaterThanOrEqual(450);
    const onDisk = new Set(ids);
    expect(confirmed.filter((id) => !onDisk.has(id))).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  }, 60_000);
});
