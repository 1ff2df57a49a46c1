import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { BUNDLE_PATH, DEFAULT_BASE_URI, eventSchemaId, eventSchemaPath, renderJsonSchemas } from '../codegen/pipeline/render/json-schema.ts';
import { projectModel } from './support/catalogue.ts';

const model = projectModel();
const files = renderJsonSchemas(model, { catalogueName: 'catalog.yaml', baseUri: DEFAULT_BASE_URI });

/** ajv as a consumer sets it up: its defaults (strict mode), ajv-formats, and what the README says to register. */
function ajv(warnings: string[] = []): Ajv2020 {
  const instance = new Ajv2020({ logger: { log: () => undefined, warn: (message: string) => warnings.push(message), error: (message: string) => warnings.push(message) } });
  addFormats.default(instance);
  instance.addVocabulary(['x-eventspec', 'x-sensitive']);
  instance.addFormat('ulid', true);
  return instance;
}

describe('JSON Schema export', () => {
  it('writes one self-contained 2020-12 schema per event, plus a bundle, with stable $ids', () => {
    // Each kept earlier version has its own file, so a `dataschema` naming it resolves.
    const kept = model.events.flatMap((event) => event.previous.map((previous) => eventSchemaPath({ name: event.name, version: previous.version })));
    expect(kept).toEqual(['session.message_sent.v1.json', 'session.message_sent.v2.json']);
    expect([...files.keys()].sort()).toEqual([...model.events.map(eventSchemaPath), ...kept, BUNDLE_PATH].sort());
    expect(JSON.parse(files.get('session.message_sent.v2.json') ?? '')).toMatchObject({
      $id: 'urn:eventspec:events:session.message_sent:v2',
      'x-eventspec': { version: 2, currentVersion: 3, upcast: '`text` renamed to `content`', sensitive: true },
      required: ['sessionId', 'messageId', 'text'],
    });
    const schema = JSON.parse(files.get('plan.created.v1.json') ?? '') as Record<string, unknown>;
    expect(schema).toMatchObject({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: 'urn:eventspec:events:plan.created:v1',
      title: 'plan.created',
      additionalProperties: false,
      'x-eventspec': { domain: 'plan', version: 1 },
    });
    expect(Object.keys(schema['$defs'] as object)).toEqual(['Ulid', 'Actor', 'Priority', 'DurationMs']);
    expect(eventSchemaId('https://schemas.example.com/agents/', { name: 'plan.created', version: 2 })).toBe('https://schemas.example.com/agents/plan.created.v2.json');
  });

  it('compiles in strict ajv, and every example validates, per event and through the bundle', () => {
    const validator = ajv();
    validator.addSchema(JSON.parse(files.get(BUNDLE_PATH) ?? '') as object);
    for (const event of model.events) {
      const own = validator.compile(JSON.parse(files.get(eventSchemaPath(event)) ?? '') as object);
      const viaBundle = validator.getSchema(`urn:eventspec:catalogue#/$defs/${event.name}`);
      for (const example of event.examples) {
        expect(own(example), event.name).toBe(true);
        expect(viaBundle?.(example), event.name).toBe(true);
        expect(own({ ...(example as object), unexpected: 1 }), event.name).toBe(false);
      }
    }
  });

  it('compiles in ajv’s default strict mode with only the documented registrations; union types only warn', () => {
    const warnings: string[] = [];
    const validator = ajv(warnings);
    for (const [path, text] of files) expect(() => validator.compile(JSON.parse(text) as object), path).not.toThrow();
    expect(warnings.length).toBeGreaterThan(0);
    for (const warning of warnings) expect(warning).toMatch(/^strict mode: use allowUnionTypes to allow union type keyword/);
    // Without the registrations, strict mode refuses the schema: the README's list is needed and enough.
    expect(() => new Ajv2020().compile(JSON.parse(files.get('plan.created.v1.json') ?? '') as object)).toThrow(/unknown keyword: "x-eventspec"/);
  });

  it('holds a ULID to its pattern even where the format is not checked', () => {
    const validator = ajv();
    const approved = validator.compile(JSON.parse(files.get('plan.approved.v1.json') ?? '') as object);
    const approvedBy = { kind: 'user', id: 'alice' };
    expect(approved({ planId: '01JDQ8Z1X4N6V7W8Y9ZAB2C3DE', approvedBy })).toBe(true);
    expect(approved({ planId: 'not a ulid', approvedBy })).toBe(false);
    expect(approved({ planId: '81JDQ8Z1X4N6V7W8Y9ZAB2C3DE', approvedBy })).toBe(false);
  });

  it('keeps deprecation, sensitivity and open objects as the catalogue says', () => {
    const config = JSON.parse(files.get('system.config_changed.v1.json') ?? '') as { properties: Record<string, Record<string, unknown>>; 'x-eventspec': object };
    expect(config.properties['previous']).toMatchObject({ 'x-sensitive': true });
    expect(config['x-eventspec']).toEqual({ domain: 'system', version: 1, sensitive: true });
    const health = JSON.parse(files.get('system.health_changed.v1.json') ?? '') as { properties: Record<string, Record<string, unknown>> };
    expect(health.properties['details']).toMatchObject({ type: 'object', additionalProperties: true });
  });
});
