/** The breaking-change rules, one before/after pair each, with the classification asserted. */
import { describe, expect, it } from 'vitest';
import { diffCatalogues, type CompatibilityMode, type DiffReport } from '../codegen/diff/diff.ts';
import { lintCatalogue } from '../codegen/pipeline/index.ts';

const BASE = `version: 1
domains:
  plan: Plans.
types:
  Actor:
    type: object
    properties:
      kind: { type: string, enum: [user, agent] }
      id: { type: string, maxLength: 64 }
    required: [kind, id]
events:
  plan.created:
    description: Created.
    payload:
      type: object
      properties:
        title: { type: string, minLength: 1, maxLength: 200, pattern: '^[A-Z]' }
        count: { type: integer, minimum: 0, maximum: 10 }
        status: { type: string, enum: [draft, ready] }
        by: { $ref: '#/types/Actor' }
        note: { type: string }
      required: [title, count]
  plan.archived:
    description: Archived.
    payload:
      type: object
      properties:
        reason: { type: string }
`;

function model(text: string) {
  const linted = lintCatalogue(text, 'catalog.yaml');
  if (!linted.ok) throw new Error(JSON.stringify(linted.diagnostics, null, 2));
  return linted.model;
}

function diff(after: string, mode: CompatibilityMode = 'backward', before = BASE): DiffReport {
  return diffCatalogues(model(before), model(after), mode);
}

/** [rule, effect] of every change, over all events. */
function rules(report: DiffReport): [string, string][] {
  return report.events.flatMap((verdict) => verdict.changes.map((change): [string, string] => [change.rule, change.effect]));
}

interface Case {
  readonly name: string;
  readonly edit: (text: string) => string;
  /** When set, the edit gives the old catalogue and this the new one (for changes easier said backwards). */
  readonly before?: (text: string) => string;
  readonly want: [string, string][];
  /** Whether it fails (exit 1) in backward, forward and full mode. */
  readonly fails: readonly [boolean, boolean, boolean];
}

const CASES: readonly Case[] = [
  { name: 'event removed', edit: (t) => t.replace(/  plan\.archived:[\s\S]*$/, ''), want: [['event-removed', 'narrows']], fails: [true, false, true] },
  { name: 'event added', edit: (t) => `${t}  plan.restored:\n    description: Restored.\n    payload: { type: object }\n`, want: [['event-added', 'none']], fails: [false, false, false] },
  { name: 'required field added', edit: (t) => t.replace("        note: { type: string }\n      required: [title, count]", "        note: { type: string }\n        owner: { type: string }\n      required: [title, count, owner]"), want: [['required-field-added', 'narrows']], fails: [true, false, true] },
  { name: 'optional field added to a closed object', edit: (t) => t.replace('        note: { type: string }\n', '        note: { type: string }\n        owner: { type: string }\n'), want: [['optional-field-added', 'widens']], fails: [false, true, true] },
  { name: 'optional field removed', edit: (t) => t.replace('        note: { type: string }\n', ''), want: [['field-removed', 'narrows']], fails: [true, false, true] },
  { name: 'required field removed', edit: (t) => t.replace('        count: { type: integer, minimum: 0, maximum: 10 }\n', '').replace('required: [title, count]', 'required: [title]'), want: [['field-removed', 'changes']], fails: [true, true, true] },
  { name: 'field made required', edit: (t) => t.replace('required: [title, count]', 'required: [title, count, note]'), want: [['field-made-required', 'narrows']], fails: [true, false, true] },
  { name: 'field made optional', edit: (t) => t.replace('required: [title, count]', 'required: [title]'), want: [['field-made-optional', 'widens']], fails: [false, true, true] },
  { name: 'type changed', edit: (t) => t.replace('note: { type: string }', 'note: { type: boolean }'), want: [['type-changed', 'changes']], fails: [true, true, true] },
  { name: 'type narrowed (number to integer)', edit: (t) => t.replace('count: { type: integer, minimum: 0, maximum: 10 }', 'count: { type: number, minimum: 0, maximum: 10 }'), want: [['type-widened', 'widens']], fails: [false, true, true] },
  { name: 'type widened to nullable', edit: (t) => t.replace('note: { type: string }', 'note: { type: [string, "null"] }'), want: [['type-widened', 'widens']], fails: [false, true, true] },
  { name: 'enum value removed', edit: (t) => t.replace('enum: [draft, ready]', 'enum: [draft]'), want: [['enum-value-removed', 'narrows']], fails: [true, false, true] },
  { name: 'enum value added (a warning)', edit: (t) => t.replace('enum: [draft, ready]', 'enum: [draft, ready, done]'), want: [['enum-value-added', 'widens']], fails: [false, true, true] },
  { name: 'pattern changed', edit: (t) => t.replace("pattern: '^[A-Z]'", "pattern: '^[A-Z][a-z]'"), want: [['pattern-changed', 'changes']], fails: [true, true, true] },
  { name: 'maxLength tightened', edit: (t) => t.replace('maxLength: 200', 'maxLength: 100'), want: [['maxLength-tightened', 'narrows']], fails: [true, false, true] },
  { name: 'bounds loosened', edit: (t) => t.replace('minimum: 0, maximum: 10', 'minimum: 0, maximum: 100'), want: [['maximum-loosened', 'widens']], fails: [false, true, true] },
  { name: 'minimum tightened', edit: (t) => t.replace('minimum: 0, maximum: 10', 'minimum: 1, maximum: 10'), want: [['minimum-tightened', 'narrows']], fails: [true, false, true] },
  { name: 'additionalProperties closed', edit: (t) => t.replace('        reason: { type: string }\n', '        reason: { type: string }\n      additionalProperties: true\n'), before: (t) => t, want: [['additional-properties-closed', 'narrows']], fails: [true, false, true] },
  { name: '$ref target changed incompatibly', edit: (t) => t.replace('      id: { type: string, maxLength: 64 }', '      id: { type: string, maxLength: 32 }'), want: [['maxLength-tightened', 'narrows']], fails: [true, false, true] },
  { name: '`not` changed', edit: (t) => t.replace('note: { type: string }', "note: { type: string, not: { const: 'x' } }"), before: (t) => t.replace('note: { type: string }', "note: { type: string, not: { const: 'y' } }"), want: [['constraint-changed', 'changes']], fails: [true, true, true] },
  { name: 'key patterns changed', edit: (t) => t.replace('reason: { type: string }', "reason: { type: object, patternProperties: { '^x-': { type: string } } }"), before: (t) => t.replace('reason: { type: string }', "reason: { type: object, patternProperties: { '^x-': { type: integer } } }"), want: [['constraint-changed', 'changes']], fails: [true, true, true] },
  { name: 'maxProperties tightened', edit: (t) => t.replace('reason: { type: string }', 'reason: { type: object, additionalProperties: true, maxProperties: 5 }'), before: (t) => t.replace('reason: { type: string }', 'reason: { type: object, additionalProperties: true, maxProperties: 3 }'), want: [['maxProperties-tightened', 'narrows']], fails: [true, false, true] },
  { name: 'a structured enum value removed', edit: (t) => t.replace('note: { type: string }', 'note: { enum: [{ a: 1 }, [1, 2]] }'), before: (t) => t.replace('note: { type: string }', 'note: { enum: [{ a: 1 }] }'), want: [['enum-value-removed', 'narrows']], fails: [true, false, true] },
  { name: 'description changed', edit: (t) => t.replace('description: Created.', 'description: A plan was created.'), want: [['description-changed', 'none']], fails: [false, false, false] },
];

describe('eventspec diff rules', () => {
  it.each(CASES)('$name', ({ edit, before, want, fails }) => {
    const [old, after] = before === undefined ? [BASE, edit(BASE)] : [edit(BASE), before(BASE)];
    expect(after).not.toBe(old);
    expect(rules(diff(after, 'backward', old))).toEqual(want);
    expect((['backward', 'forward', 'full'] as const).map((mode) => diff(after, mode, old).failed)).toEqual([...fails]);
  });

  it('accepts a breaking change when the event version is bumped', () => {
    const after = BASE.replace('maxLength: 200', 'maxLength: 100').replace('    description: Created.\n', '    description: Created.\n    version: 2\n');
    const report = diff(after);
    expect(report.failed).toBe(false);
    expect(report.events[0]).toMatchObject({ event: 'plan.created', oldVersion: 1, newVersion: 2, unacknowledged: false });
    expect(report.events[0]?.breaking.map((change) => change.rule)).toEqual(['maxLength-tightened']);
  });

  it('lets an event go once it was deprecated, and suggests a rename', () => {
    const deprecated = BASE.replace('    description: Archived.\n', '    description: Archived.\n    deprecated: Use plan.shelved.\n');
    expect(diff(deprecated.replace(/  plan\.archived:[\s\S]*$/, ''), 'backward', deprecated).failed).toBe(false);
    const renamed = diff(BASE.replace('plan.archived:', 'plan.shelved:'));
    expect(renamed.events.find((verdict) => verdict.event === 'plan.archived')?.changes[0]?.message).toBe('event removed (renamed to plan.shelved?)');
  });

  it('names the field and points into the new catalogue', () => {
    const report = diff(BASE.replace('maxLength: 200', 'maxLength: 100'));
    expect(report.events[0]?.changes[0]).toMatchObject({ field: 'title', message: '`title`: `maxLength` 200 → 100', path: ['events', 'plan.created', 'payload', 'properties', 'title', 'maxLength'] });
  });
});
