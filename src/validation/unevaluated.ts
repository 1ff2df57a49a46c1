/**
 * `unevaluatedProperties` and `unevaluatedItems` at run time: the generator worked out what each
 * schema evaluates (codegen/pipeline/validate/evaluation.ts); here the branches that pass add
 * theirs, and every key or item left over must pass the rest schema.
 */
import * as z from 'zod/v4';
import { addIssuesOf, passes, type Context, type Schema, type Verdict } from './schema-checks.ts';

/**
 * What a schema evaluates, for `unevaluatedProperties`/`unevaluatedItems`, as the generator
 * worked it out: keys by name and pattern, or all of them; the first `items` items, or all; and
 * per `oneOf`/`anyOf` of the schema and of the parts it applies in place, the branches, whose
 * own evaluation counts when they pass.
 */
export interface Evaluation {
  readonly names?: readonly string[];
  readonly patterns?: readonly RegExp[];
  readonly allKeys?: boolean;
  /** How many items from the start are evaluated (`Infinity`: all of them). */
  readonly items?: number;
  readonly groups?: readonly (readonly EvaluationBranch[])[];
}

export interface EvaluationBranch extends Evaluation {
  readonly passes: Verdict;
}

interface Evaluated {
  readonly keys: Set<string>;
  patterns: RegExp[];
  allKeys: boolean;
  items: number;
}

function evaluate(value: unknown, evaluation: Evaluation, into: Evaluated): void {
  for (const name of evaluation.names ?? []) into.keys.add(name);
  if (evaluation.patterns !== undefined) into.patterns = [...into.patterns, ...evaluation.patterns];
  if (evaluation.allKeys === true) into.allKeys = true;
  into.items = Math.max(into.items, evaluation.items ?? 0);
  for (const group of evaluation.groups ?? []) {
    for (const branch of group) if (passes(branch.passes, value)) evaluate(value, branch, into);
  }
}

function evaluated(value: unknown, evaluation: Evaluation): Evaluated {
  const into: Evaluated = { keys: new Set(), patterns: [], allKeys: false, items: 0 };
  evaluate(value, evaluation, into);
  return into;
}

/** The keys of an object that `evaluation` leaves unevaluated, in order. */
function unevaluatedKeys(value: Readonly<Record<string, unknown>>, done: Evaluated): string[] {
  if (done.allKeys) return [];
  return Object.keys(value).filter((key) => !done.keys.has(key) && !done.patterns.some((pattern) => pattern.test(key)));
}

/**
 * The fast check of `unevaluatedProperties`/`unevaluatedItems`: every key (item) `evaluation`
 * leaves unevaluated passes `properties` (`items`); `false` takes none, undefined any.
 */
export function evaluatedOnly(value: unknown, evaluation: Evaluation, properties?: Verdict | false, items?: Verdict | false): boolean {
  const isArray = Array.isArray(value);
  if ((isArray ? items : properties) === undefined || typeof value !== 'object' || value === null) return true;
  const done = evaluated(value, evaluation);
  if (isArray) {
    const rest = value.slice(Math.min(done.items, value.length));
    return items === false ? rest.length === 0 : rest.every((item) => passes(items as Verdict, item));
  }
  const record = value as Readonly<Record<string, unknown>>;
  const keys = unevaluatedKeys(record, done);
  return properties === false ? keys.length === 0 : keys.every((key) => passes(properties as Verdict, record[key]));
}

/** `evaluatedOnly` as a zod check that names each unevaluated key or item it refuses. */
export function unevaluated(evaluation: Evaluation, properties?: Schema | false, items?: Schema | false): z.core.$ZodCheck<unknown> {
  return z.superRefine<unknown>((value, context) => {
    if (typeof value !== 'object' || value === null) return;
    const done = evaluated(value, evaluation);
    if (Array.isArray(value)) {
      if (items === undefined) return;
      for (let index = Math.min(done.items, value.length); index < value.length; index++) {
        if (items === false) context.addIssue({ code: 'custom', path: [index], message: 'Unexpected item (`unevaluatedItems`)', input: value[index] });
        else addIssuesOf(context as Context, items, value[index], [index]);
      }
      return;
    }
    if (properties === undefined) return;
    const record = value as Readonly<Record<string, unknown>>;
    for (const key of unevaluatedKeys(record, done)) {
      if (properties === false) context.addIssue({ code: 'custom', path: [key], message: 'Unexpected key', input: record[key] });
      else addIssuesOf(context as Context, properties, record[key], [key]);
    }
  });
}
