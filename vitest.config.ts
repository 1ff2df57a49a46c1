import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The files that take longest (a clean clone has no recorded durations), started first so that no
 * worker is left running one of them alone at the end; the rest follow in vitest's own order.
 * Measured on this machine: together they are two thirds of the suite's time.
 */
const LONGEST_FIRST = [
  'test/nats/relay-kills.test.ts',
  'test/consumers/consumers.test.ts',
  'test/cli.test.ts',
  'test/load-pieces.test.ts',
  'test/site/browser.test.ts',
  'test/generative.test.ts',
  'test/nats/consumer-faults.test.ts',
  'test/import.test.ts',
  'test/cli-paths.test.ts',
];

class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (file: TestSpecification): number => {
      const index = LONGEST_FIRST.findIndex((path) => file.moduleId.endsWith(path));
      return index === -1 ? LONGEST_FIRST.length : index;
    };
    return sorted.map((file, index) => ({ file, index })).sort((a, b) => rank(a.file) - rank(b.file) || a.index - b.index).map(({ file }) => file);
  }
}

// vitest 5's reporter calls Map.groupBy (Node 21+) when it prints a failure; Node 20 lacks it,
// and the report of a failing test would be lost. The config loads in the reporter's process.
if (typeof (Map as { groupBy?: unknown }).groupBy !== 'function') {
  Object.defineProperty(Map, 'groupBy', {
    configurable: true,
    writable: true,
    value<K, T>(items: Iterable<T>, keyOf: (item: T, index: number) => K): Map<K, T[]> {
      const groups = new Map<K, T[]>();
      let index = 0;
      for (const item of items) {
        const key = keyOf(item, index++);
        const group = groups.get(key);
        if (group === undefined) groups.set(key, [item]);
        else group.push(item);
      }
      return groups;
    },
  });
}

const source = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  // The runtime's package name resolves to its sources, as in tsconfig.json's `paths` (and for
  // tsx, which reads them): tests run against the code, never against a stale build.
  resolve: {
    alias: [
      { find: /^eventspec$/, replacement: source('./src/index.ts') },
      { find: /^eventspec\/payload$/, replacement: source('./src/payload.ts') },
      { find: /^eventspec\/reactive$/, replacement: source('./src/reactive-bus.ts') },
      { find: /^eventspec\/nats$/, replacement: source('./src/nats/transport.ts') },
      { find: /^eventspec\/postgres$/, replacement: source('./src/postgres/index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/support/fast-check-seed.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    // Two cores, three workers: the relay kill test spends two minutes waiting on its processes and
    // a stopped broker, and the NATS and consumer tests wait on servers and npm, so a third worker
    // keeps both cores busy (measured: 226 s against 309 s with two).
    maxWorkers: 3,
    sequence: { sequencer: LongestFirstSequencer },
    // Sized for a loaded 2-core machine: a test that hangs still fails, one that is merely slow does not.
    testTimeout: 60_000,
    // Removing a scratch app's node_modules takes tens of seconds on a slow disk.
    hookTimeout: 120_000,
  },
});
