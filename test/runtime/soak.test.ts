import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('a soak of 1,000,000 events', () => {
  it('delivers every event exactly once to every kind of subscriber, and the heap does not grow', () => {
    const run = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', 'test/bench/soak.ts', '1000000'], { cwd: ROOT, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const result = JSON.parse(run.stdout) as Record<string, number | string[]>;
    expect(result).toMatchObject({
      events: 1_000_000,
      audited: 1_000_000,
      deliveredToStream: 1_000_000,
      deliveredToCallbacks: 1_000_000,
      deliveredToObservables: 1_000_000,
      typesWithMismatchedCounts: [],
    });
    // A leak of even a few bytes per event would show as megabytes here.
    expect((result['heapEndMb'] as number) - (result['heapStartMb'] as number)).toBeLessThan(2);
  }, 120_000);
});
