/**
 * Import on the shapes real schemas have, each judged against ajv on the original files (default
 * settings, as their users run it): same-named definitions whose references differ, AsyncAPI
 * documents split into files, Avro-only documents, definitions-only files, payloads that refer to
 * an untyped object, type names that collide with generated ones. And the generated checks on
 * constructs found in the JSON-Schema-Test-Suite and in GitHub's schemas.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import Ajv from 'ajv';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import * as z from 'zod/v4';
import { lintCatalogue } from '../codegen/pipeline/index.ts';
import { compileChecks, compileValidators } from '../codegen/pipeline/examples.ts';
import { runCli } from './support/cli.ts';
import { generateInto, scratchDirectory, typecheckGenerated } from './support/generate-fixture.ts';
import { anyJson, subjectOfText } from './support/oracle.ts';

const scratch = scratchDirectory('import-edges');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let projects = 0;
/** Writes `files` into a fresh folder and imports `source` from it with the real command. */
function importFiles(files: Readonly<Record<string, unknown>>, source: string) {
  const dir = join(scratch, `p${++projects}`);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  const run = runCli(dir, ['import', source]);
  const text = run.status === 0 || run.status === 1 ? readFileSync(join(dir, 'catalog.yaml'), { encoding: 'utf8', flag: 'a+' }) : '';
  return { run, text, dir };
}

function ours(text: string) {
  const linted = lintCatalogue(text, 'catalog.yaml');
  if (!linted.ok) throw new Error(JSON.stringify(linted.diagnostics.filter((each) => each.severity === 'error')));
  const names = linted.model.events.map((event) => event.name);
  const validators = compileValidators(linted.model, names);
  const checks = compileChecks(linted.model, names);
  return {
    linted,
    verdict: (event: string, value: unknown): [boolean, boolean] => [z.safeParse(validators.get(event) ?? z.never(), value).success, (checks.get(event) ?? (() => false))(value)],
  };
}

describe('definitions of one name in several files', () => {
  const inner = (type: string) => ({ type: 'object', properties: { s: { type } }, required: ['s'] });
  const file = (type: string) => ({
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    properties: { w: { $ref: '#/$defs/Wrapper' } },
    required: ['w'],
    $defs: { Wrapper: { type: 'object', properties: { data: { $ref: '#/$defs/Inner' } }, required: ['data'] }, Inner: inner(type) },
  });

  it('are two types when the same text refers to different targets, and each event keeps its own verdict', () => {
    const a = file('string');
    const b = file('integer');
    const { run, text } = importFiles({ 'schemas/a/thing_changed.json': a, 'schemas/b/thing_changed.json': b }, 'schemas');
    expect(run.status, run.stderr).toBe(0);
    const { verdict } = ours(text);
    const ajv = new Ajv2020.default({ strict: false });
    const [validA, validB] = [ajv.compile(a), ajv.compile(b)];
    for (const value of [{ w: { data: { s: 5 } } }, { w: { data: { s: 'x' } } }, { w: { data: {} } }]) {
      expect(verdict('a.thing_changed', value), JSON.stringify(value)).toEqual([validA(value), validA(value)]);
      expect(verdict('b.thing_changed', value), JSON.stringify(value)).toEqual([validB(value), validB(value)]);
    }
    // The case that was wrong: b accepted a's shape.
    expect(validB({ w: { data: { s: 5 } } })).toBe(true);
    expect(verdict('a.thing_changed', { w: { data: { s: 5 } } })).toEqual([false, false]);
  });

  it('are one type when what they reach is the same', () => {
    const { run, text } = importFiles({ 'schemas/a/thing_changed.json': file('string'), 'schemas/b/thing_changed.json': file('string') }, 'schemas');
    expect(run.status, run.stderr).toBe(0);
    const { linted } = ours(text);
    expect(linted.ok && linted.model.types.map((type) => type.name).sort()).toEqual(['Inner', 'Wrapper']);
  });
});

describe('a folder of JSON Schemas', () => {
  it('takes a file of definitions only as shared types, not as an event', () => {
    const common = { $schema: 'https://json-schema.org/draft/2020-12/schema', title: 'Shared', $defs: { Money: { type: 'object', properties: { amount: { type: 'number' }, currency: { type: 'string', minLength: 3, maxLength: 3 } }, required: ['amount', 'currency'] } } };
    const placed = { type: 'object', properties: { id: { type: 'string' }, total: { $ref: '../common.json#/$defs/Money' } }, required: ['id', 'total'] };
    const { run, text } = importFiles({ 'schemas/common.json': common, 'schemas/order/placed.json': placed }, 'schemas');
    expect(run.status, run.stderr).toBe(0);
    const { linted, verdict } = ours(text);
    expect(linted.ok && linted.model.events.map((event) => event.name)).toEqual(['order.placed']);
    expect(text).toMatch(/files that hold only definitions \(such as `common\.json`\) are no events/);
    expect(verdict('order.placed', { id: 'o1', total: { amount: 3, currency: 'EUR' } })).toEqual([true, true]);
    expect(verdict('order.placed', { id: 'o1', total: { amount: 3, currency: 'EURO' } })).toEqual([false, false]);
  });

  it('takes payloads of any type as written: a $ref to an object schema without `type`, a top-level array, a string', () => {
    const thing = { $schema: 'http://json-schema.org/draft-07/schema#', $ref: '#/definitions/Thing', definitions: { Thing: { properties: { id: { type: 'string' } }, required: ['id'] } } };
    const list = { type: 'array', items: { type: 'integer', minimum: 0 }, maxItems: 3 };
    const label = { type: 'string', pattern: '^[a-z]+$', maxLength: 8 };
    const { run, text } = importFiles({ 'schemas/thing/updated.json': thing, 'schemas/counts/taken.json': list, 'schemas/label/set.json': label }, 'schemas');
    expect(run.status, run.stderr + text).toBe(0);
    const { verdict } = ours(text);
    const ajv = new Ajv.default({ strict: false });
    const cases: [string, object][] = [['thing.updated', thing], ['counts.taken', list], ['label.set', label]];
    for (const [event, schema] of cases) {
      const validate = ajv.compile(schema);
      let accepted = 0;
      fc.assert(fc.property(fc.oneof(anyJson, fc.record({ id: fc.oneof(fc.string(), fc.integer()) }), fc.array(fc.integer({ min: -2, max: 5 }), { maxLength: 4 }), fc.stringMatching(/^[a-z]{0,9}$/)), (value) => {
        const expected = validate(value);
        if (expected) accepted++;
        expect(verdict(event, value), `${event}: ${JSON.stringify(value)}`).toEqual([expected, expected]);
      }), { numRuns: 300 });
      expect(accepted, event).toBeGreaterThan(10);
    }
  });
});

describe('AsyncAPI documents', () => {
  it('follows references into other files (messages and schemas kept apart), relative to the file that holds them', () => {
    const document = `asyncapi: 2.6.0
info: { title: Users, version: 1.0.0 }
channels:
  user/signedup:
    subscribe:
      message: { $ref: '../common/messages.yaml#/UserSignedUp' }
`;
    const messages = `UserSignedUp:
  name: UserSignedUp
  summary: A user signed up.
  payload: { $ref: './schemas.yaml#/User' }
`;
    const schemas = `User:
  type: object
  properties:
    email: { type: string, format: email }
    name: { type: string, maxLength: 20 }
  required: [email]
`;
    const { run, text } = importFiles({ 'api/asyncapi.yaml': document, 'common/messages.yaml': messages, 'common/schemas.yaml': schemas }, 'api/asyncapi.yaml');
    expect(run.status, run.stderr + text).toBe(0);
    const { linted, verdict } = ours(text);
    expect(linted.ok && linted.model.events.map((event) => [event.name, event.description])).toEqual([['user.signed_up', 'A user signed up.']]);
    expect(verdict('user.signed_up', { email: 'a@example.com', name: 'Al' })).toEqual([true, true]);
    expect(verdict('user.signed_up', { email: 'nope' })).toEqual([false, false]);
  });

  it('says why it found no events: payloads that are not JSON Schema', () => {
    const document = `asyncapi: 2.6.0
info: { title: Avro, version: 1.0.0 }
channels:
  users:
    publish:
      message:
        schemaFormat: application/vnd.apache.avro;version=1.9.0
        payload: { type: record, name: User, fields: [{ name: id, type: string }] }
`;
    const { run } = importFiles({ 'asyncapi.yaml': document }, 'asyncapi.yaml');
    expect(run.status).toBe(1);
    expect(run.stderr).toBe('eventspec: asyncapi.yaml has no events to import: messages whose payload is not JSON Schema (such as `application/vnd.apache.avro;version=1.9.0`) were left out\n');
  });

  it('renames a shared type whose generated names an event also generates (the streetlights example)', () => {
    const document = `asyncapi: 2.6.0
info: { title: Streetlights, version: 1.0.0 }
channels:
  light/measured:
    publish:
      message: { $ref: '#/components/messages/lightMeasured' }
components:
  messages:
    lightMeasured:
      name: lightMeasured
      payload: { $ref: '#/components/schemas/lightMeasuredPayload' }
  schemas:
    lightMeasuredPayload:
      type: object
      properties:
        lumens: { type: integer, minimum: 0 }
        sentAt: { $ref: '#/components/schemas/sentAt' }
    sentAt: { type: string, format: date-time }
`;
    const { run, text, dir } = importFiles({ 'asyncapi.yaml': document }, 'asyncapi.yaml');
    expect(run.status, run.stderr + text).toBe(0);
    expect(text).toMatch(/renamed shared types whose generated names would be an event's or another type's \(such as `LightMeasuredPayload` → `LightMeasuredPayloadType`\)/);
    expect(text).toMatch(/\$ref: "#\/types\/LightMeasuredPayloadType"/);
    expect(runCli(dir, ['generate']).status).toBe(0);
  });
});

describe('generated checks on constructs from the test suite', () => {
  it('compile under strict settings for a required property no value satisfies ("anyOf with boolean schemas, all false"), and refuse every object', () => {
    const text = `version: 1
domains:
  suite: Test suite groups.
events:
  suite.all_false:
    description: anyOf with boolean schemas, all false.
    payload:
      type: object
      properties:
        value: { anyOf: [false, false] }
        inner: { type: object, properties: { value: { oneOf: [false, false] } }, required: [value] }
      required: [value]
`;
    const dir = join(scratch, 'all-false');
    generateInto(dir, text);
    expect(typecheckGenerated(dir)).toBe('');
    const subject = subjectOfText(text, 'suite.yaml');
    for (const value of [{}, { value: 1 }, { value: null, inner: {} }]) {
      expect(subject.fast('suite.all_false')(value)).toBe(false);
      expect(z.safeParse(subject.ours('suite.all_false'), value).success).toBe(false);
      expect(subject.references('suite.all_false')(value)).toBe(false);
    }
  }, 120_000);

  it('leave an object that only composes others open under the closed default (GitHub’s WorkflowStep), as ajv reads the export', () => {
    const text = `version: 1
domains:
  ci: CI.
types:
  Run: { type: object, properties: { run: { type: string } }, required: [run] }
  Uses: { type: object, properties: { uses: { type: string } }, required: [uses] }
events:
  ci.step_added:
    description: A step was added.
    payload:
      type: object
      properties:
        step: { type: object, oneOf: [{ $ref: '#/types/Run' }, { $ref: '#/types/Uses' }] }
      required: [step]
`;
    const subject = subjectOfText(text, 'ci.yaml');
    const cases: [unknown, boolean][] = [[{ step: { run: 'make' } }, true], [{ step: { uses: 'actions/checkout' } }, true], [{ step: { run: 'make', uses: 'x' } }, false], [{ step: { run: 'make', extra: 1 } }, false], [{ step: {} }, false]];
    for (const [value, valid] of cases) {
      expect(subject.fast('ci.step_added')(value), JSON.stringify(value)).toBe(valid);
      expect(z.safeParse(subject.ours('ci.step_added'), value).success, JSON.stringify(value)).toBe(valid);
      expect(subject.references('ci.step_added')(value), JSON.stringify(value)).toBe(valid);
    }
  });
});
