import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runDemo } from '../../src/app/demo.ts';
import { CapturingLogger } from '../support/capturing-logger.ts';

const dir = mkdtempSync(join(tmpdir(), 'eventspec-demo-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the demo', () => {
  it('runs the scripted flow, logs each event with secrets redacted, and summarises the audit it reads back', async () => {
    const logger = new CapturingLogger();
    const printed: string[] = [];
    const auditPath = join(dir, 'audit.jsonl');
    await runDemo(auditPath, logger, (line) => printed.push(line));
    const logged = logger.entries.filter((entry) => entry.level === 'info');
    expect(logged).toHaveLength(19);
    expect(JSON.stringify(logger.entries)).not.toContain('sk-demo-secret');
    expect(readFileSync(auditPath, 'utf8')).toContain('sk-demo-secret');
    expect(printed).toContain('19 events, each checksummed, in sequence and valid against the catalogue');
    expect(printed).toContain('    2  plan.created');
    expect(printed.filter((line) => line.startsWith('refused: '))).toEqual([
      expect.stringMatching(/^refused: cannot start plan \w+: it is failed/),
      'refused: invalid plan.created event: title: Too short: expected at least 1 characters',
    ]);
    expect(printed).toContainEqual(expect.stringMatching(/^ {2}\w{26} {2}plan\.created → plan\.approved → plan\.started → plan\.paused → plan\.resumed → decision\.requested → decision\.recorded → decision\.approved → tool\.invoked → plan\.completed$/));
  });
});
