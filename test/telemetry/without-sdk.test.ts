/**
 * Tracing costs nothing where it is not set up: with `@opentelemetry/api` but no SDK (a library
 * installed the API) no span context reaches the trail, and an application without the package
 * emits, audits and relays as before.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { JsonlAuditSink, LoggingEventBus } from '../../src/index.ts';
import { emitPlanCreated, eventRegistry } from '../../generated/index.ts';
import { CapturingLogger } from '../support/capturing-logger.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'eventspec-no-sdk-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const plan = { planId: '01JDQ8Z1X4N6V7W8Y9ZAB2C3DE', title: 'T', goal: 'G', priority: 'high', createdBy: { kind: 'user', id: 'alice' }, steps: [] } as const;

describe('without an OpenTelemetry SDK', () => {
  it('writes no trace context into the trail', async () => {
    const trail = join(dir, 'no-sdk.jsonl');
    const audit = new JsonlAuditSink(trail);
    emitPlanCreated(new LoggingEventBus({ registry: eventRegistry, audit, logger: new CapturingLogger() }), plan);
    await audit.close();
    const record = readFileSync(trail, 'utf8').trim().split('\n')[1] ?? '';
    expect(record).toMatch(/^\{"seq":1,"crc":"[0-9a-f]{8}","event":\{/);
  });

  it('emits and audits as before in an application without @opentelemetry/api', () => {
    const trail = join(dir, 'no-api.jsonl');
    const script = `
      import { JsonlAuditSink, LoggingEventBus } from './src/index.ts';
      import { emitPlanCreated, eventRegistry } from './generated/index.ts';
      const audit = new JsonlAuditSink(${JSON.stringify(trail)});
      const bus = new LoggingEventBus({ registry: eventRegistry, audit, logger: { info() {}, warn() {}, error() {} } });
      emitPlanCreated(bus, ${JSON.stringify(plan)});
      await audit.close();
      let loadable = true;
      try { (await import('node:module')).createRequire(import.meta.url)('@opentelemetry/api'); } catch { loadable = false; }
      console.log(JSON.stringify({ loadable }));`;
    const hide = join(ROOT, 'test', 'support', 'without-opentelemetry.cjs');
    const run = spawnSync(process.execPath, ['--require', hide, '--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({ loadable: false });
    expect(readFileSync(trail, 'utf8').trim().split('\n')[1]).toMatch(/^\{"seq":1,"crc":"[0-9a-f]{8}","event":\{"id":"[0-9A-Z]{26}","type":"plan\.created"/);
  });
});
