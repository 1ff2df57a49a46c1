import { spawnSync } from 'node:child_process';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { LoggingEventBus, MemoryAuditSink, REDACTED } from '../../src/index.ts';
import { EVENT_TYPES, eventRegistry, type EventType, type PayloadMap } from '../../generated/index.ts';
import { projectModel, SENSITIVE_KEYS } from '../support/catalogue.ts';
import { CapturingLogger } from '../support/capturing-logger.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const model = projectModel();

/** The value at a sensitive key with `secret` inside, in the shape the schema wants there. */
function withSecret(value: unknown, secret: string): unknown {
  if (Array.isArray(value)) return [{ name: 'token', value: secret }];
  if (typeof value === 'object' && value !== null) return { ...value, token: secret };
  return secret;
}

describe('LoggingEventBus', () => {
  it('writes one structured JSON line per event through pino', () => {
    const lines: string[] = [];
    const sink = new Writable({ write(chunk: Buffer, _encoding, done) { lines.push(...chunk.toString().split('\n').filter(Boolean)); done(); } });
    const bus = new LoggingEventBus<PayloadMap>({ registry: eventRegistry, logger: pino({ base: null }, sink) });
    const first = bus.emit('plan.approved', { planId: '01JDQ8Z1X4N6V7W8Y9ZAB2C3DE', approvedBy: { kind: 'user', id: 'alice' } });
    const second = bus.emit('plan.approved', { planId: '01JDQ8Z1X4N6V7W8Y9ZAB2C3DE', approvedBy: { kind: 'user', id: 'bob' } }, { correlationId: first.correlationId, causationId: first.id });
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[1] ?? '')).toMatchObject({
      level: 30,
      msg: 'plan.approved',
      event: { type: 'plan.approved', id: second.id, correlationId: first.id, causationId: first.id, timestamp: second.timestamp, version: 1, payload: { approvedBy: { id: 'bob' } } },
    });
  });

  it('never logs a value marked x-sensitive, while subscribers and the audit get it whole', () => {
    const sensitive = model.events.filter((event) => event.redaction !== undefined);
    expect(sensitive.map((event) => event.name)).toEqual(Object.keys(SENSITIVE_KEYS));
    const text: string[] = [];
    const sink = new Writable({ write(chunk: Buffer, _encoding, done) { text.push(chunk.toString()); done(); } });
    const audit = new MemoryAuditSink();
    const bus = new LoggingEventBus<PayloadMap>({ registry: eventRegistry, audit, logger: pino(sink) });
    const delivered: string[] = [];
    bus.subscribe('*', (event) => {
      delivered.push(JSON.stringify(event.payload));
    });
    let secrets = 0;
    for (const event of sensitive) {
      const secret = `secret-${event.name}-${'x'.repeat(8)}`;
      const payload = { ...(event.examples[0] as Record<string, unknown>) };
      for (const key of SENSITIVE_KEYS[event.name] ?? []) {
        payload[key] = withSecret(payload[key], secret);
        secrets++;
      }
      bus.emit(event.name as EventType, payload as never);
      expect(text.join(''), event.name).not.toContain(secret);
      expect(delivered.at(-1), event.name).toContain(secret);
      expect(JSON.stringify(audit.events.at(-1)), event.name).toContain(secret);
    }
    expect(text.join('').split(REDACTED).length - 1).toBe(secrets);
  });

  it('builds no line for a logger whose level drops info (pino at warn), and still dispatches', () => {
    const lines: string[] = [];
    const out = new Writable({ write(chunk: Buffer, _encoding, done) { lines.push(chunk.toString()); done(); } });
    const logger = pino({ level: 'warn' }, out);
    let redactions = 0;
    const registry = { ...eventRegistry, 'tool.invoked': { ...eventRegistry['tool.invoked'], redact: (payload: unknown) => { redactions++; return payload; } } };
    const bus = new LoggingEventBus<PayloadMap>({ registry, logger });
    const seen: string[] = [];
    bus.subscribe('tool.invoked', (event) => {
      seen.push(event.id);
    });
    const event = bus.emit('tool.invoked', model.events.find((each) => each.name === 'tool.invoked')?.examples[0] as unknown as PayloadMap['tool.invoked']);
    expect([lines, redactions, seen]).toEqual([[], 0, [event.id]]);
    logger.level = 'info';
    bus.emit('tool.invoked', event.payload);
    expect([lines.length, redactions]).toEqual([1, 1]);
  });

  it('is a drop-in replacement: callbacks are dispatched too', () => {
    const bus = new LoggingEventBus<PayloadMap>({ registry: eventRegistry, logger: new CapturingLogger() });
    const seen: EventType[] = [];
    for (const type of EVENT_TYPES) {
      bus.subscribe(type, (event) => {
        seen.push(event.type);
      });
    }
    bus.emit('agent.activated', { agentId: '01JDQ7M8N9P0Q1R2S3T4V5W6XY' });
    expect(seen).toEqual(['agent.activated']);
  });

  it('loads without rxjs: its entry point never imports it', () => {
    // A resolve hook that fails any import of rxjs; importing the entry point must still work.
    const hook = 'data:text/javascript,export async function resolve(s,c,n){if(s==="rxjs"||s.startsWith("rxjs/"))throw new Error("rxjs was loaded");return n(s,c)}';
    const script = `import { register } from 'node:module';
register(${JSON.stringify(hook)});
const { LoggingEventBus } = await import('eventspec');
const { eventRegistry } = await import('./generated/index.ts');
new LoggingEventBus({ registry: eventRegistry, logger: { info() {}, warn() {}, error() {} } }).emit('agent.activated', { agentId: '01JDQ7M8N9P0Q1R2S3T4V5W6XY' });
console.log('ok');
try { await import('eventspec/reactive'); } catch (error) { console.log(error.message); }`;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.stdout.split('\n')).toEqual(['ok', 'rxjs was loaded', '']);
  });
});
