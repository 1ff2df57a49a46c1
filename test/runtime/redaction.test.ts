/**
 * `x-sensitive` is honoured wherever the catalogue accepts it: at any depth of a recursive type,
 * in map values and arrays of maps, on array items, on a shared type, on union branches and
 * allOf parts, and on the payload itself. Secrets are planted in random payloads of a fixture
 * that uses every one of those places; none may reach the log (or a redacted audit trail), and
 * every ordinary value must still be there.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import fc from 'fast-check';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JsonlAuditSink, LoggingEventBus, MemoryAuditSink, readAudit, readAuditRecords, REDACTED, type AuditRecord, type EventRegistry } from '../../src/index.ts';
import { importFixture, scratchDirectory } from '../support/generate-fixture.ts';

interface VaultMap {
  'vault.tree_stored': unknown;
  'vault.maps_stored': unknown;
  'vault.sealed': unknown;
  'vault.shapes_stored': unknown;
}

const scratch = scratchDirectory('redaction');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let registry: EventRegistry<VaultMap>;
beforeAll(async () => {
  ({ eventRegistry: registry } = await importFixture<{ eventRegistry: EventRegistry<VaultMap> }>(scratch, 'sensitive.yaml'));
});

const secret = fc.uuid().map((id) => `SECRET-${id}`);
const ordinary = fc.uuid().map((id) => `PUBLIC-${id}`);

interface Tree {
  readonly label: string;
  readonly secret?: string;
  readonly children?: readonly Tree[];
}

/** A tree exactly `depth` levels deep below its root, every node with a secret. */
function treeOf(depth: number): fc.Arbitrary<Tree> {
  const children = depth === 0 ? fc.constant([]) : fc.array(treeOf(depth - 1), { minLength: 1, maxLength: 2 });
  return fc.record({ label: ordinary, secret, children });
}

const credentials = fc.record({ user: ordinary, password: secret }, { requiredKeys: ['user'] });
const apiKey = fc.record({ keyId: ordinary, apiKey: secret });
const mapsPayload = fc.record(
  {
    byName: fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), credentials, { maxKeys: 3 }),
    list: fc.array(fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), credentials, { maxKeys: 3 }), { maxLength: 3 }),
    tokens: fc.array(secret, { maxLength: 3 }),
    pin: secret,
    answer: secret,
    login: fc.oneof(credentials, apiKey),
    note: fc.record({ text: ordinary, hint: secret }),
  },
  { requiredKeys: [] },
);

const word = fc.stringMatching(/^[a-z]{1,5}$/);
const shapesPayload = fc.record(
  {
    headers: fc
      .tuple(fc.dictionary(word.map((each) => `x-secret-${each}`), secret, { maxKeys: 2 }), fc.dictionary(word.map((each) => `x-${each}`), ordinary, { maxKeys: 2 }), fc.dictionary(word.map((each) => `k${each}`), fc.record({ token: secret }), { maxKeys: 2 }))
      .map(([secrets, plain, tokens]) => ({ ...plain, ...secrets, ...tokens })),
    pair: fc.tuple(ordinary, secret, fc.array(fc.record({ key: secret, id: ordinary }), { maxLength: 3 })).map(([first, second, rest]) => [first, second, ...rest]),
    account: fc.record({ kind: fc.constantFrom('card', 'bank'), number: secret, pin: secret }, { requiredKeys: ['kind'] }),
  },
  { requiredKeys: [] },
);

function strings(value: unknown, prefix: string): string[] {
  if (typeof value === 'string') return value.startsWith(prefix) ? [value] : [];
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, child]) => [...(key.startsWith(prefix) ? [key] : []), ...strings(child, prefix)]);
}

/** A LoggingEventBus on pino writing into a string, auditing into memory. */
function loggingBus(): { bus: LoggingEventBus<VaultMap>; log: () => string; audit: MemoryAuditSink } {
  const text: string[] = [];
  const out = new Writable({ write(chunk: Buffer, _encoding, done) { text.push(chunk.toString()); done(); } });
  const audit = new MemoryAuditSink();
  return { bus: new LoggingEventBus<VaultMap>({ registry, audit, logger: pino(out) }), log: () => text.join(''), audit };
}

function checkLogged(type: keyof VaultMap, payload: unknown): void {
  const { bus, log, audit } = loggingBus();
  const delivered: unknown[] = [];
  bus.subscribe(type, (event) => {
    delivered.push(event.payload);
  });
  bus.emit(type, payload);
  expect(log()).not.toContain('SECRET-');
  for (const value of strings(payload, 'PUBLIC-')) expect(log()).toContain(value);
  // Only the log is redacted: subscribers and the audit trail get every secret.
  expect(delivered).toEqual([payload]);
  expect(audit.events[0]?.payload).toEqual(payload);
}

describe('x-sensitive, wherever the catalogue accepts it', () => {
  it('is redacted at every depth (0 to 5) of a recursive type', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 5 }).chain(treeOf), (tree) => checkLogged('vault.tree_stored', { tree })), { numRuns: 60 });
  });

  it('is redacted in map values, arrays of maps, items, shared types, union branches and allOf parts', () => {
    fc.assert(fc.property(mapsPayload, (payload) => checkLogged('vault.maps_stored', payload)), { numRuns: 200 });
  });

  it('is redacted under key patterns, in tuple positions, in local definitions, and in conditional and dependent schemas', () => {
    fc.assert(fc.property(shapesPayload, (payload) => checkLogged('vault.shapes_stored', payload)), { numRuns: 200 });
  });

  it('conceals a whole payload marked sensitive, and a union value when a branch is marked', () => {
    const { bus, log } = loggingBus();
    bus.emit('vault.sealed', { note: 'SECRET-sealed' });
    bus.emit('vault.maps_stored', { answer: true });
    const payloads = log().trim().split('\n').map((line) => (JSON.parse(line) as { event: { payload: unknown } }).event.payload);
    // A branch marked sensitive conceals the value whichever branch it matched: never too little.
    expect(payloads).toEqual([REDACTED, { answer: REDACTED }]);
  });

  it('leaves a payload without sensitive values as it is, and never changes the input', () => {
    const payload = { tree: { label: 'PUBLIC-root', secret: 'SECRET-x', children: [] } };
    const copy = structuredClone(payload);
    expect(registry['vault.tree_stored'].redact?.(payload, () => 'hidden')).toEqual({ tree: { label: 'PUBLIC-root', secret: 'hidden', children: [] } });
    expect(payload).toEqual(copy);
  });

  it('keeps an own __proto__ key a key when it copies', () => {
    const payload = JSON.parse('{"byName":{"__proto__":{"user":"PUBLIC-u","password":"SECRET-p"}}}') as unknown;
    const redacted = registry['vault.maps_stored'].redact?.(payload, () => REDACTED) as { byName: object };
    expect(Object.getPrototypeOf(redacted.byName)).toBe(Object.prototype);
    expect(JSON.stringify(redacted)).toBe('{"byName":{"__proto__":{"user":"PUBLIC-u","password":"[REDACTED]"}}}');
  });
});

describe('an audit trail stored redacted', () => {
  async function records(path: string): Promise<AuditRecord[]> {
    const all: AuditRecord[] = [];
    for await (const record of readAuditRecords(path)) all.push(record);
    return all;
  }

  it('masks every sensitive value, marks the record, and is refused for replay', async () => {
    const path = join(scratch, 'masked', 'audit.jsonl');
    const sink = new JsonlAuditSink(path, { redact: { registry } });
    const bus = new LoggingEventBus<VaultMap>({ registry, audit: sink, logger: { info() {}, warn() {}, error() {} } });
    const samples = fc.sample(mapsPayload, { numRuns: 30, seed: 7 });
    for (const payload of samples) bus.emit('vault.maps_stored', payload);
    await sink.close();
    const text = readFileSync(path, 'utf8');
    expect(text).not.toContain('SECRET-');
    for (const value of samples.flatMap((payload) => strings(payload, 'PUBLIC-'))) expect(text).toContain(value);
    expect((await records(path)).map((record) => record.redacted)).toEqual(samples.map(() => 'mask'));
    await expect(async () => {
      for await (const _ of readAudit(path, registry)) void _;
    }).rejects.toThrow(/audit\.jsonl:2: stored with its sensitive values redacted \(mask\): a redacted record cannot be replayed/);
    const replayed: unknown[] = [];
    for await (const event of readAudit(path, registry, { redacted: 'skip' })) replayed.push(event);
    expect(replayed).toEqual([]);
  });

  it('stores keyed hashes: equal secrets hash alike, different keys differ, nothing in clear', async () => {
    const hashes = async (key: string): Promise<string[]> => {
      const path = join(scratch, `hashed-${key}.jsonl`);
      const sink = new JsonlAuditSink(path, { redact: { registry, hmacKey: key } });
      const bus = new LoggingEventBus<VaultMap>({ registry, audit: sink, logger: { info() {}, warn() {}, error() {} } });
      bus.emit('vault.maps_stored', { pin: 'SECRET-1', tokens: ['SECRET-1', 'SECRET-2'] });
      bus.emit('vault.tree_stored', { tree: { label: 'PUBLIC-a', secret: 'SECRET-2' } });
      await sink.close();
      expect(readFileSync(path, 'utf8')).not.toContain('SECRET-');
      const [first, second] = await records(path);
      const { pin, tokens } = (first?.event as { payload: { pin: string; tokens: string[] } }).payload;
      const tree = (second?.event as { payload: { tree: { secret: string } } }).payload.tree;
      expect(pin).toMatch(/^hmac-sha256:[A-Za-z0-9_-]{43}$/);
      expect(tokens[0]).toBe(pin);
      expect(tree.secret).toBe(tokens[1]);
      expect(tokens[1]).not.toBe(pin);
      return [pin, ...tokens];
    };
    expect(await hashes('key-a')).not.toEqual(await hashes('key-b'));
  });

  it('refuses an event its registry does not know, rather than store it in clear', async () => {
    const sink = new JsonlAuditSink(join(scratch, 'unknown.jsonl'), { redact: { registry } });
    const event = { id: '01JDQ8Z1X4N6V7W8Y9ZAB2C3DE', type: 'other.event', domain: 'other', timestamp: '2026-11-26T08:30:00.000Z', correlationId: '01JDQ8Z1X4N6V7W8Y9ZAB2C3DE', version: 1, payload: { password: 'SECRET' } };
    expect(() => sink.append(event)).toThrow(/registry has no "other\.event", so it cannot tell which of its values to redact/);
    await sink.close();
  });
});
