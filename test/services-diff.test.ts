/**
 * `eventspec diff` with services, through the real CLI: a breaking change names the consumers it
 * breaks and those that already read the new version; a removed event names who consumed it; a
 * removed service that others depend on fails, naming the dependants.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from './support/cli.ts';

const FIXTURES = new URL('./fixtures/services/', import.meta.url).pathname;

function diff(...args: string[]): { code: number | null; out: string; err: string } {
  const run = runCli(FIXTURES, ['diff', ...args]);
  return { code: run.status, out: run.stdout, err: run.stderr };
}

describe('eventspec diff: consumers affected', () => {
  it('says which consumers a breaking change breaks, and which read the new version already', () => {
    const run = diff('orders.yaml', 'orders-v2.yaml');
    expect(run.code).toBe(0);
    expect(run.out).toContain('1 breaking change(s) in backward mode, each acknowledged by a version bump.');
    expect(run.out).toContain(
      '\nConsumers affected:\n  order.placed (breaking, version 1 → 2): breaks mailer (declares no versions: deploy it with code generated from this catalogue before the producers emit version 2), warehouse (reads version 1 only); ready: billing (reads versions 1, 2)\n',
    );
    const json = JSON.parse(diff('orders.yaml', 'orders-v2.yaml', '--format', 'json').out) as { impact: unknown[] };
    expect(json.impact).toEqual([
      {
        kind: 'breaking-change',
        event: 'order.placed',
        breaks: [
          { service: 'mailer', reason: 'declares no versions: deploy it with code generated from this catalogue before the producers emit version 2' },
          { service: 'warehouse', reason: 'reads version 1 only' },
        ],
        ready: [{ service: 'billing', reason: 'reads versions 1, 2' }],
        fails: false,
      },
    ]);
    const github = diff('orders.yaml', 'orders-v2.yaml', '--format', 'github').out;
    expect(github).toMatch(/^::warning file=orders-v2\.yaml,line=\d+,col=\d+,title=eventspec diff%3A consumers of order\.placed::order\.placed \(breaking, version 1 → 2\): breaks mailer/m);
  });

  it('names who consumed a removed event', () => {
    const run = diff('orders.yaml', 'orders-without-shipped.yaml');
    expect(run.out).toContain('\nConsumers affected:\n  order.shipped removed: mailer (consumed it: its code must no longer need it before the producers stop)');
  });

  it('fails when a removed service leaves consumers without a producer, naming each', () => {
    const run = diff('orders.yaml', 'orders-without-shop.yaml');
    expect(run.code).toBe(1);
    expect(run.out).toContain('  service shop removed, but order.placed has no other producer: breaks billing (consumes order.placed, which only shop produced), mailer (consumes order.placed, which only shop produced), warehouse (consumes order.placed, which only shop produced)');
    expect(run.err).toContain('orders-without-shop.yaml:27:16 error consumed-unproduced service `billing` consumes `order.placed`, which no service produces');
    const json = JSON.parse(diff('orders.yaml', 'orders-without-shop.yaml', '--format', 'json').out) as { failed: boolean };
    expect(json.failed).toBe(true);
  });
});
