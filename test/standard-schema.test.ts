/**
 * Each event's payload as a Standard Schema v1, checked against the spec's own types
 * (`@standard-schema/spec`) and used the way a framework uses one: call `~standard.validate`,
 * read `value` or `issues` (message and path); then in a real one, Hono with its Standard Schema
 * validator middleware (`@hono/standard-validator`), at its defaults.
 */
import type { StandardSchemaV1 } from '@standard-schema/spec';
import { sValidator } from '@hono/standard-validator';
import { Hono } from 'hono';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { LoggingEventBus, MemoryAuditSink, standardSchema } from '../src/index.ts';
import { emitPlanCreated, eventRegistry, type PlanCreatedPayload } from '../generated/index.ts';
import { CapturingLogger } from './support/capturing-logger.ts';

const planId = '01JDQ8Z1X4N6V7W8Y9ZAB2C3DE';
const valid: PlanCreatedPayload = { planId, title: 'T', goal: 'G', priority: 'high', createdBy: { kind: 'user', id: 'alice' }, steps: [] };

/** What a framework does with any Standard Schema (the spec's suggested helper, synchronous here). */
function validateWith<S extends StandardSchemaV1>(schema: S, value: unknown): StandardSchemaV1.Result<StandardSchemaV1.InferOutput<S>> {
  const result = schema['~standard'].validate(value);
  if (result instanceof Promise) throw new Error('expected a synchronous validator');
  return result;
}

describe('standardSchema', () => {
  const schema = standardSchema(eventRegistry, 'plan.created');

  it('is a Standard Schema v1 by the spec’s own types, typed with the event’s payload', () => {
    expectTypeOf(schema).toExtend<StandardSchemaV1>();
    expectTypeOf<StandardSchemaV1.InferOutput<typeof schema>>().toEqualTypeOf<PlanCreatedPayload>();
    expectTypeOf<StandardSchemaV1.InferInput<typeof schema>>().toEqualTypeOf<PlanCreatedPayload>();
    expect(schema['~standard']).toMatchObject({ version: 1, vendor: 'eventspec' });
  });

  it('gives the validated, frozen payload, or issues with paths', () => {
    const ok = validateWith(schema, valid);
    expect(ok.issues).toBeUndefined();
    if (ok.issues === undefined) {
      expect(ok.value).toEqual(valid);
      expect(Object.isFrozen(ok.value)).toBe(true);
    }
    const bad = validateWith(schema, { ...valid, title: '', extra: 1, createdBy: { kind: 'robot', id: 'x' } });
    expect(bad.issues?.map((issue) => `${(issue.path ?? []).map(String).join('.')}: ${issue.message}`).sort()).toEqual([
      'createdBy.kind: Invalid option: expected one of "user"|"agent"|"system"',
      'extra: Unexpected key',
      'title: Too short: expected at least 1 characters',
    ]);
    // The one payload rule holds here too: a class instance is refused, not read through its prototype.
    expect(validateWith(schema, Object.create(valid) as object).issues?.[0]?.message).toMatch(/not plain data/);
  });

  it('refuses an unknown type with a did-you-mean', () => {
    expect(() => standardSchema(eventRegistry, 'plan.creatd' as 'plan.created')).toThrow(/did you mean "plan\.created"\?/);
  });
});

describe('in Hono, through @hono/standard-validator', () => {
  const audit = new MemoryAuditSink();
  const bus = new LoggingEventBus({ registry: eventRegistry, audit, logger: new CapturingLogger() });
  const app = new Hono().post('/plans', sValidator('json', standardSchema(eventRegistry, 'plan.created')), (c) => {
    const payload = c.req.valid('json');
    expectTypeOf(payload).toEqualTypeOf<PlanCreatedPayload>();
    return c.json({ id: emitPlanCreated(bus, payload).id }, 201);
  });
  const post = (body: unknown): Promise<Response> => Promise.resolve(app.request('/plans', { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }));

  it('hands the handler the typed payload, which emits as it is', async () => {
    const response = await post(valid);
    expect(response.status).toBe(201);
    const { id } = (await response.json()) as { id: string };
    expect(audit.events.map((event) => [event.id, event.payload])).toEqual([[id, valid]]);
  });

  it('answers 400 with the issues and their paths, and nothing is emitted', async () => {
    const before = audit.events.length;
    const response = await post({ ...valid, priority: 'asap', steps: [{ title: '' }] });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { success: boolean; error: { message: string; path: (string | number)[] }[] };
    expect(body.success).toBe(false);
    expect(body.error.map((issue) => `${issue.path.join('.')}: ${issue.message}`).sort()).toEqual([
      'priority: Invalid option: expected one of "low"|"normal"|"high"|"urgent"',
      'steps.0.title: Too short: expected at least 1 characters',
    ]);
    expect(audit.events).toHaveLength(before);
  });
});
