import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runDemo } from '../../src/app/demo.ts';
import { runFullDemo } from '../../src/app/demo-full.ts';
import { PG_URL } from '../support/postgres.ts';
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
    expect(logged).toHaveLength(20);
    expect(JSON.stringify(logger.entries)).not.toContain('sk-demo-secret');
    expect(readFileSync(auditPath, 'utf8')).toContain('sk-demo-secret');
    expect(printed).toContain('20 events, each checksummed, in sequence and valid against the catalogue (1 written under an earlier version, upcast on reading)');
    // The old agent's reply: delivered at version 3, its text a secret in the log, recorded as written (version 1).
    expect(printed).toContain('delivered as version 3 (written as 1): content "Migration"…, recorded in the trail as written');
    expect(JSON.stringify(logger.entries)).not.toContain('Migration done');
    const lines = readFileSync(auditPath, 'utf8').trimEnd().split('\n');
    expect(JSON.parse(lines.at(-1) ?? '')).toMatchObject({ event: { type: 'session.message_sent', version: 1, payload: { text: 'Migration done; balances reconcile.' } } });
    expect(printed).toContain('  20 events replayed, 1 upcast, 0 with failing handlers');
    expect(printed).toContain('  session 01JDQC1D2E3F4G5H6J7K8M9N0P: 4 words');
    expect(printed).toContain('    2  plan.created');
    expect(printed.filter((line) => line.startsWith('refused: '))).toEqual([
      expect.stringMatching(/^refused: cannot start plan \w+: it is failed/),
      'refused: invalid plan.created event: title: Too short: expected at least 1 characters',
    ]);
    expect(printed).toContainEqual(expect.stringMatching(/^ {2}\w{26} {2}plan\.created → plan\.approved → plan\.started → plan\.paused → plan\.resumed → decision\.requested → decision\.recorded → decision\.approved → tool\.invoked → plan\.completed$/));
  });
});

describe('the full demo (npm run demo:full)', () => {
  it('takes each committed event from PostgreSQL through the outbox relay and NATS to the projection, once, and a refused step announces nothing', async () => {
    const printed: string[] = [];
    const { committed, received } = await runFullDemo({ databaseUrl: PG_URL, natsUrl: process.env['NATS_URL'] ?? '127.0.0.1:4222', print: (line) => printed.push(line) });
    expect(committed).toHaveLength(4);
    expect(received).toEqual(committed);
    expect(printed).toContain('  the plan is still approved');
    expect(printed).toContainEqual(expect.stringMatching(/^ {2}refused: invalid plan\.started event: executor\.id/));
    expect(printed).toContainEqual(expect.stringMatching(/^ {2}the projection's trail holds 4 events/));
  });
});
