/** Stage 3, redaction: where each schema's `x-sensitive` values are, as a plan the redactor code follows. */
import { type JsonSchema, type SubSchema } from '../catalogue/types.ts';
import { typeNames } from '../catalogue/naming.ts';
import type { RedactionPlan } from './model.ts';
import { entriesOf, typeOfRef } from './schema-nodes.ts';

const CONCEAL: RedactionPlan = { kind: 'conceal' };

interface RedactionContext {
  /** Shared types with a sensitive value somewhere inside. */
  readonly sensitiveTypes: ReadonlySet<string>;
  readonly recursive: ReadonlySet<string>;
  readonly inType: boolean;
}

/**
 * The redaction plan of a schema: `x-sensitive` is honoured wherever a schema may stand. A union
 * branch marked sensitive conceals the whole value, whichever branch it matched; branches' own
 * plans all apply, so a key is concealed if any branch marks it.
 */
export function redactionPlan(schema: SubSchema, context: RedactionContext): RedactionPlan | undefined {
  if (typeof schema === 'boolean') return undefined;
  if (schema['x-sensitive'] === true) return CONCEAL;
  const plans: RedactionPlan[] = [];
  if (schema.$ref !== undefined) {
    const type = typeOfRef(schema.$ref);
    if (context.sensitiveTypes.has(type)) plans.push({ kind: 'type', names: typeNames(type), lazy: context.inType && context.recursive.has(type) });
  }
  const properties = entriesOf(schema.properties).flatMap(([name, property]) => {
    const plan = redactionPlan(property, context);
    return plan === undefined ? [] : [{ name, plan }];
  });
  const rest = schema.additionalProperties === undefined ? undefined : redactionPlan(schema.additionalProperties, context);
  const patterns = entriesOf(schema.patternProperties).map(([pattern, each]) => ({ pattern, plan: redactionPlan(each, context) ?? null }));
  if (properties.length > 0 || rest !== undefined || patterns.some((each) => each.plan !== null)) {
    const others = rest !== undefined || patterns.some((each) => each.plan !== null);
    plans.push({
      kind: 'properties',
      properties,
      ...(others ? { rest: { declared: Object.keys(schema.properties ?? {}), patterns, ...(rest === undefined ? {} : { plan: rest }) } } : {}),
    });
  }
  const prefix = (schema.prefixItems ?? []).map((item) => redactionPlan(item, context) ?? null);
  const items = schema.items === undefined ? undefined : redactionPlan(schema.items, context);
  if (items !== undefined || prefix.some((plan) => plan !== null)) plans.push({ kind: 'items', prefix, ...(items === undefined ? {} : { plan: items }) });
  // Which items `contains` counted is not known afterwards: its marks apply to every item.
  const contained = schema.contains === undefined ? undefined : redactionPlan(schema.contains, context);
  if (contained !== undefined) plans.push({ kind: 'items', prefix: [], plan: contained });
  const sameValue = [...(schema.oneOf ?? []), ...(schema.anyOf ?? []), ...(schema.allOf ?? []), ...Object.values(schema.dependentSchemas ?? {}), ...[schema.not, schema.if, schema.then, schema.else].filter((each) => each !== undefined)];
  for (const member of sameValue) {
    const plan = redactionPlan(member, context);
    if (plan?.kind === 'conceal') return CONCEAL;
    if (plan !== undefined) plans.push(plan);
  }
  if (plans.length <= 1) return plans[0];
  return { kind: 'each', plans };
}

/** The shared types that hold a sensitive value, directly or through other types (recursion included). */
export function sensitiveTypes(types: { readonly [name: string]: JsonSchema }, recursive: ReadonlySet<string>): Set<string> {
  const found = new Set<string>();
  // A least fixed point: each pass can only add types, so it ends.
  for (let changed = true; changed; ) {
    changed = false;
    for (const [name, schema] of Object.entries(types)) {
      if (!found.has(name) && redactionPlan(schema, { sensitiveTypes: found, recursive, inType: true }) !== undefined) {
        found.add(name);
        changed = true;
      }
    }
  }
  return found;
}
