import { defineConfig } from 'vitest/config';

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

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/support/fast-check-seed.ts'],
    // The CLI and differential tests spawn work of their own; two cores are all there is.
    maxWorkers: 2,
    testTimeout: 30_000,
  },
});
