/**
 * `eventspec diff`: what changed between two catalogues, and whom it breaks.
 *
 * Each change is classified by its effect on the set of payloads an event accepts: `narrows`
 * (some payload the old catalogue accepted is now rejected), `widens` (the new one accepts a
 * payload the old rejected), `changes` (both), or `none` (descriptions and the like). Modes, as in
 * schema registries: `backward` (consumers upgrade first: the new catalogue must accept every old
 * payload, so narrowing breaks), `forward` (producers upgrade first: old consumers must accept new
 * payloads, so widening breaks), `full` (both).
 */
import type { DocPath } from '../catalogue/diagnostics.ts';
import type { CatalogueModel, EventModel, SchemaNode, TypeModel } from '../pipeline/model.ts';

import type { CompatibilityMode } from './modes.ts';

export { COMPATIBILITY_MODES, type CompatibilityMode } from './modes.ts';

export type Effect = 'narrows' | 'widens' | 'changes' | 'none';

export interface Change {
  readonly event: string;
  /** A stable name for the rule that found it, e.g. `required-field-added`. */
  readonly rule: string;
  readonly effect: Effect;
  /** Where inside the payload: `steps[].title`; empty for the event itself. */
  readonly field: string;
  readonly message: string;
  /** Where it is in the new catalogue (its nearest existing node), for a line:column. */
  readonly path: DocPath;
  /** Breaks no mode but may still surprise (an enum value added breaks exhaustive consumers). */
  readonly warning?: true;
}

const NARROWS: Effect = 'narrows';
const WIDENS: Effect = 'widens';

/** Whether a change of this effect breaks consumers in this mode. */
export function breaks(effect: Effect, mode: CompatibilityMode): boolean {
  if (effect === 'none') return false;
  if (effect === 'changes' || mode === 'full') return true;
  return mode === 'backward' ? effect === NARROWS : effect === WIDENS;
}

interface Context {
  readonly event: string;
  readonly oldTypes: ReadonlyMap<string, TypeModel>;
  readonly newTypes: ReadonlyMap<string, TypeModel>;
  readonly changes: Change[];
  /** Pairs of types already being compared: recursion stops there. */
  readonly comparing: Set<string>;
}

function add(context: Context, rule: string, effect: Effect, field: string, path: DocPath, message: string, warning = false): void {
  // Say which field, unless the message already names it.
  const text = field === '' || message.includes(`\`${field}\``) ? message : `\`${field}\`: ${message}`;
  context.changes.push({ event: context.event, rule, effect, field, path, message: text, ...(warning ? { warning: true as const } : {}) });
}

function bound(context: Context, name: string, before: number | undefined, after: number | undefined, tighterWhenLarger: boolean, field: string, path: DocPath): void {
  if (before === after) return;
  const tighter = before === undefined ? true : after === undefined ? false : tighterWhenLarger ? after > before : after < before;
  const describe = (value: number | undefined): string => (value === undefined ? 'none' : String(value));
  add(context, tighter ? `${name}-tightened` : `${name}-loosened`, tighter ? NARROWS : WIDENS, field, [...path, name],
    `\`${name}\` ${describe(before)} → ${describe(after)}`);
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function label(node: SchemaNode): string {
  switch (node.kind) {
    case 'ref':
      return node.type;
    case 'number':
      return node.integer ? 'integer' : 'number';
    case 'literal':
      return `enum [${node.values.map((value) => JSON.stringify(value)).join(', ')}]`;
    default:
      return node.kind;
  }
}

function resolve(node: SchemaNode, types: ReadonlyMap<string, TypeModel>): SchemaNode {
  let current = node;
  for (let hops = 0; current.kind === 'ref' && hops < 32; hops++) current = types.get(current.type)?.schema ?? { kind: 'unknown' };
  return current;
}

function compare(context: Context, before: SchemaNode, after: SchemaNode, field: string, path: DocPath): void {
  if (before.kind === 'ref' || after.kind === 'ref') {
    const key = `${before.kind === 'ref' ? before.type : '·'}→${after.kind === 'ref' ? after.type : '·'}`;
    if (context.comparing.has(key)) return;
    context.comparing.add(key);
    compare(context, resolve(before, context.oldTypes), resolve(after, context.newTypes), field, path);
    context.comparing.delete(key);
    return;
  }
  if (after.kind === 'unknown' && before.kind !== 'unknown') return add(context, 'type-widened', WIDENS, field, path, `type ${label(before)} → any value`);
  if (before.kind === 'unknown' && after.kind !== 'unknown') return add(context, 'type-narrowed', NARROWS, field, path, `any value → type ${label(after)}`);
  if (before.kind === 'literal' && after.kind === 'string' && before.values.every((value) => typeof value === 'string')) {
    return add(context, 'enum-opened', WIDENS, field, path, `${label(before)} → any string`);
  }
  if (before.kind === 'string' && after.kind === 'literal') return add(context, 'enum-closed', NARROWS, field, path, `any string → ${label(after)}`);
  if (after.kind === 'union' && before.kind !== 'union' && after.variants.some((variant) => same(variant, before))) {
    return add(context, 'type-widened', WIDENS, field, path, `type ${label(before)} → ${after.variants.map(label).join(' | ')}`);
  }
  if (before.kind === 'union' && after.kind !== 'union' && before.variants.some((variant) => same(variant, after))) {
    return add(context, 'type-narrowed', NARROWS, field, path, `type ${before.variants.map(label).join(' | ')} → ${label(after)}`);
  }
  if (before.kind !== after.kind) return add(context, 'type-changed', 'changes', field, path, `type ${label(before)} → ${label(after)}`);

  switch (before.kind) {
    case 'string': {
      const next = after as typeof before;
      bound(context, 'minLength', before.minLength, next.minLength, true, field, path);
      bound(context, 'maxLength', before.maxLength, next.maxLength, false, field, path);
      if (before.pattern !== next.pattern) {
        const effect = next.pattern === undefined ? WIDENS : before.pattern === undefined ? NARROWS : 'changes';
        add(context, next.pattern === undefined ? 'pattern-removed' : 'pattern-changed', effect, field, [...path, 'pattern'], `\`pattern\` ${before.pattern ?? 'none'} → ${next.pattern ?? 'none'}`);
      }
      if (before.format !== next.format) {
        const effect = next.format === undefined ? WIDENS : before.format === undefined ? NARROWS : 'changes';
        add(context, next.format === undefined ? 'format-removed' : 'format-changed', effect, field, [...path, 'format'], `\`format\` ${before.format ?? 'none'} → ${next.format ?? 'none'}`);
      }
      return;
    }
    case 'number': {
      const next = after as typeof before;
      if (before.integer !== next.integer) {
        add(context, next.integer ? 'type-narrowed' : 'type-widened', next.integer ? NARROWS : WIDENS, field, path, `type ${label(before)} → ${label(next)}`);
      }
      bound(context, 'minimum', before.minimum, next.minimum, true, field, path);
      bound(context, 'maximum', before.maximum, next.maximum, false, field, path);
      bound(context, 'exclusiveMinimum', before.exclusiveMinimum, next.exclusiveMinimum, true, field, path);
      bound(context, 'exclusiveMaximum', before.exclusiveMaximum, next.exclusiveMaximum, false, field, path);
      if (before.multipleOf !== next.multipleOf) {
        const effect = next.multipleOf === undefined ? WIDENS : before.multipleOf === undefined ? NARROWS : 'changes';
        add(context, 'multipleOf-changed', effect, field, [...path, 'multipleOf'], `\`multipleOf\` ${before.multipleOf ?? 'none'} → ${next.multipleOf ?? 'none'}`);
      }
      if (before.format !== next.format) {
        const effect = next.format === undefined ? WIDENS : before.format === undefined ? NARROWS : 'changes';
        add(context, next.format === undefined ? 'format-removed' : 'format-changed', effect, field, [...path, 'format'], `\`format\` ${before.format ?? 'none'} → ${next.format ?? 'none'}`);
      }
      return;
    }
    case 'literal': {
      const next = after as typeof before;
      const removed = before.values.filter((value) => !next.values.some((each) => same(each, value)));
      const added = next.values.filter((value) => !before.values.some((each) => same(each, value)));
      for (const value of removed) add(context, 'enum-value-removed', NARROWS, field, path, `enum value ${JSON.stringify(value)} removed`);
      for (const value of added) add(context, 'enum-value-added', WIDENS, field, path, `enum value ${JSON.stringify(value)} added (consumers that switch over every value must handle it)`, true);
      return;
    }
    case 'array': {
      const next = after as typeof before;
      bound(context, 'minItems', before.minItems, next.minItems, true, field, path);
      bound(context, 'maxItems', before.maxItems, next.maxItems, false, field, path);
      if (before.uniqueItems !== next.uniqueItems) {
        add(context, next.uniqueItems ? 'uniqueItems-added' : 'uniqueItems-removed', next.uniqueItems ? NARROWS : WIDENS, field, [...path, 'uniqueItems'], `\`uniqueItems\` ${before.uniqueItems} → ${next.uniqueItems}`);
      }
      compare(context, before.items, next.items, `${field}[]`, [...path, 'items']);
      otherConstraints(context, { prefixItems: before.prefix, contains: before.contains }, { prefixItems: next.prefix, contains: next.contains }, field, path);
      return;
    }
    case 'object':
      compareObjects(context, before, after as typeof before, field, path);
      return;
    case 'union': {
      const next = after as typeof before;
      if (before.exclusive !== next.exclusive) add(context, 'union-changed', 'changes', field, path, `${before.exclusive ? 'oneOf' : 'anyOf'} → ${next.exclusive ? 'oneOf' : 'anyOf'}`);
      for (const variant of before.variants) if (!next.variants.some((each) => same(each, variant))) add(context, 'variant-removed', NARROWS, field, path, `alternative ${label(variant)} removed`);
      for (const variant of next.variants) if (!before.variants.some((each) => same(each, variant))) add(context, 'variant-added', WIDENS, field, path, `alternative ${label(variant)} added`);
      return;
    }
    case 'intersection': {
      const next = after as typeof before;
      if (before.parts.length !== next.parts.length) return add(context, 'type-changed', 'changes', field, path, 'allOf parts changed');
      before.parts.forEach((part, index) => {
        const nextPart = next.parts[index];
        if (nextPart !== undefined) compare(context, part, nextPart, field, [...path, 'allOf', index]);
      });
      return;
    }
    case 'unevaluated': {
      const next = after as typeof before;
      compare(context, before.schema, next.schema, field, path);
      // What counts as evaluated, and what the rest may be, moves the accepted set in ways no rule here follows.
      if (!same({ ...before, schema: { kind: 'unknown' } }, { ...next, schema: { kind: 'unknown' } })) add(context, 'constraint-changed', 'changes', field, path, '`unevaluatedProperties`/`unevaluatedItems` or what they see changed');
      return;
    }
    case 'not':
    case 'conditional':
    case 'byKind':
      // No rule knows which way these move the set of accepted payloads: any change may break.
      if (!same(before, after)) add(context, 'constraint-changed', 'changes', field, path, `\`${before.kind === 'byKind' ? 'type-less keywords' : before.kind === 'not' ? 'not' : 'if/then/else'}\` changed`);
      return;
    default:
      return;
  }
}

/** Keywords no rule compares one by one: a change to any of them is taken to break both ways. */
function otherConstraints(context: Context, before: Record<string, unknown>, after: Record<string, unknown>, field: string, path: DocPath): void {
  for (const keyword of Object.keys(before)) {
    if (!same(before[keyword], after[keyword])) add(context, 'constraint-changed', 'changes', field, [...path, keyword], `\`${keyword}\` changed`);
  }
}

function child(field: string, name: string): string {
  return field === '' ? name : `${field}.${name}`;
}

function compareObjects(context: Context, before: SchemaNode & { kind: 'object' }, after: SchemaNode & { kind: 'object' }, field: string, path: DocPath): void {
  const oldProperties = new Map(before.properties.map((property) => [property.name, property]));
  const newProperties = new Map(after.properties.map((property) => [property.name, property]));
  const accepts = (node: SchemaNode & { kind: 'object' }): string => (node.additional === false ? 'closed' : 'open');
  for (const [name, property] of newProperties) {
    const previous = oldProperties.get(name);
    const where = child(field, name);
    const at = [...path, 'properties', name];
    if (previous === undefined) {
      if (property.required) add(context, 'required-field-added', NARROWS, where, at, `required field \`${where}\` added`);
      // An optional field is new to old consumers: a closed old object rejects it.
      else add(context, 'optional-field-added', before.additional === false ? WIDENS : 'none', where, at, `optional field \`${where}\` added${before.additional === false ? ' (old consumers reject it: their object was closed)' : ''}`);
      continue;
    }
    if (previous.required !== property.required) {
      add(context, property.required ? 'field-made-required' : 'field-made-optional', property.required ? NARROWS : WIDENS, where, at, `\`${where}\` ${previous.required ? 'required' : 'optional'} → ${property.required ? 'required' : 'optional'}`);
    }
    if ((previous.description ?? '') !== (property.description ?? '')) add(context, 'description-changed', 'none', where, at, `description of \`${where}\` changed`);
    compare(context, previous.schema, property.schema, where, at);
  }
  for (const [name, property] of oldProperties) {
    if (newProperties.has(name)) continue;
    const where = child(field, name);
    // New consumers reject it if their object is closed; old consumers miss it if they required it.
    const narrows = after.additional === false;
    const effect: Effect = narrows && property.required ? 'changes' : narrows ? NARROWS : property.required ? WIDENS : 'none';
    add(context, 'field-removed', effect, where, path, `field \`${where}\` removed${narrows ? ' (payloads that still send it are rejected: the object is closed)' : ''}`);
  }
  if (accepts(before) !== accepts(after)) {
    add(context, after.additional === false ? 'additional-properties-closed' : 'additional-properties-opened', after.additional === false ? NARROWS : WIDENS, field, path,
      `\`additionalProperties\` ${accepts(before)} → ${accepts(after)}`);
  } else if (typeof before.additional === 'object' && typeof after.additional === 'object') {
    compare(context, before.additional, after.additional, `${field}{*}`, [...path, 'additionalProperties']);
  }
  bound(context, 'minProperties', before.minProperties, after.minProperties, true, field, path);
  bound(context, 'maxProperties', before.maxProperties, after.maxProperties, false, field, path);
  const others = (node: SchemaNode & { kind: 'object' }): Record<string, unknown> => ({
    patternProperties: node.patterns,
    propertyNames: node.propertyNames,
    dependentRequired: node.dependentRequired,
    dependentSchemas: node.dependentSchemas,
    required: node.requiredOnly,
  });
  otherConstraints(context, others(before), others(after), field, path);
}

/**
 * The changes from one payload schema to another within one catalogue (two versions of an
 * event), by the rules `diff` applies between catalogues; `path` is where `after` is.
 */
export function comparePayloads(event: string, before: SchemaNode, after: SchemaNode, types: ReadonlyMap<string, TypeModel>, path: DocPath): Change[] {
  const context: Context = { event, oldTypes: types, newTypes: types, changes: [], comparing: new Set() };
  compare(context, before, after, '', path);
  return context.changes;
}

function eventPath(name: string): DocPath {
  return ['events', name];
}

export interface EventVerdict {
  readonly event: string;
  readonly oldVersion?: number;
  readonly newVersion?: number;
  readonly changes: readonly Change[];
  /** Breaking changes in the chosen mode. */
  readonly breaking: readonly Change[];
  /** Breaking, and neither the version was bumped nor (for a removal) the event deprecated first. */
  readonly unacknowledged: boolean;
}

export interface DiffReport {
  readonly mode: CompatibilityMode;
  readonly events: readonly EventVerdict[];
  /** Whether any breaking change lacks its version bump: `eventspec diff` exits 1. */
  readonly failed: boolean;
}

/**
 * Compares two catalogues event by event. A breaking change is acknowledged by bumping the
 * event's `version` (consumers tell the shapes apart by `DomainEvent.version`); an event may be
 * removed without a bump only if the old catalogue had already deprecated it.
 */
export function diffCatalogues(before: CatalogueModel, after: CatalogueModel, mode: CompatibilityMode): DiffReport {
  const oldTypes = new Map(before.types.map((type) => [type.name, type]));
  const newTypes = new Map(after.types.map((type) => [type.name, type]));
  const oldEvents = new Map(before.events.map((event) => [event.name, event]));
  const newEvents = new Map(after.events.map((event) => [event.name, event]));
  const verdicts: EventVerdict[] = [];

  for (const event of before.events) {
    const next = newEvents.get(event.name);
    const context: Context = { event: event.name, oldTypes, newTypes, changes: [], comparing: new Set() };
    if (next === undefined) {
      const renamedTo = after.events.find((candidate) => !oldEvents.has(candidate.name) && same(candidate.payload, event.payload));
      add(context, 'event-removed', 'narrows', '', ['events'], `event removed${renamedTo === undefined ? '' : ` (renamed to ${renamedTo.name}?)`}`);
      const breaking = mode === 'forward' ? [] : context.changes;
      verdicts.push({ event: event.name, oldVersion: event.version, changes: context.changes, breaking, unacknowledged: breaking.length > 0 && event.deprecated === false });
      continue;
    }
    compareEvent(context, event, next);
    const rewritten = compareHistory(context, event, next);
    const breaking = context.changes.filter((change) => breaks(change.effect, mode) || change.rule === 'history-changed');
    verdicts.push({ event: event.name, oldVersion: event.version, newVersion: next.version, changes: context.changes, breaking, unacknowledged: rewritten || (breaking.length > 0 && next.version <= event.version) });
  }
  for (const event of after.events) {
    if (oldEvents.has(event.name)) continue;
    const change: Change = { event: event.name, rule: 'event-added', effect: 'none', field: '', path: eventPath(event.name), message: 'event added' };
    verdicts.push({ event: event.name, newVersion: event.version, changes: [change], breaking: [], unacknowledged: false });
  }
  return { mode, events: verdicts.filter((verdict) => verdict.changes.length > 0), failed: verdicts.some((verdict) => verdict.unacknowledged) };
}

/**
 * A kept version must stay the schema its events were written with: any change to it (against
 * the old catalogue's same version, current or kept) breaks the reading of those events,
 * whatever the mode. Returns whether there was one.
 */
function compareHistory(context: Context, before: EventModel, after: EventModel): boolean {
  let rewritten = false;
  after.previous.forEach((kept, index) => {
    const old = before.version === kept.version ? before.payload : before.previous.find((entry) => entry.version === kept.version)?.payload;
    if (old === undefined) return;
    const inner: Context = { ...context, changes: [] };
    compare(inner, old, kept.payload, '', [...eventPath(after.name), 'previous', index, 'payload']);
    const changed = inner.changes.filter((change) => change.effect !== 'none');
    if (changed.length === 0) return;
    rewritten = true;
    add(context, 'history-changed', 'changes', '', [...eventPath(after.name), 'previous', index], `kept version ${kept.version} differs from the schema its events were written with: ${changed.map((change) => change.message).join('; ')}`);
  });
  // Dropping a kept version may be deliberate (its events migrated); readers of old trails should know.
  for (const dropped of before.previous) {
    if (dropped.version === after.version || after.previous.some((kept) => kept.version === dropped.version)) continue;
    add(context, 'version-dropped', 'none', '', [...eventPath(after.name)], `kept version ${dropped.version} dropped: its events are read only if their payload is valid as the current version`, true);
  }
  return rewritten;
}

function compareEvent(context: Context, before: EventModel, after: EventModel): void {
  const at = eventPath(after.name);
  if (before.description !== after.description) add(context, 'description-changed', 'none', '', [...at, 'description'], 'description changed');
  if (before.deprecated !== after.deprecated) add(context, after.deprecated === false ? 'undeprecated' : 'deprecated', 'none', '', at, after.deprecated === false ? 'no longer deprecated' : 'deprecated');
  if (before.version !== after.version) add(context, 'version-changed', 'none', '', [...at, 'version'], `version ${before.version} → ${after.version}`);
  compare(context, before.payload, after.payload, '', [...at, 'payload']);
}

