/** Keywords beside an `enum` or `const`: redundant when every listed value satisfies them, an error when one does not. */
/**
 * The supported JSON Schema subset as an allow-list: each keyword, the kind of value it takes and
 * the type it applies to. Anything outside the list is refused with its location, because a
 * validator that ignored a keyword would accept what the schema meant to reject.
 */
import { FORMAT_CHECKS, codePointLength, isMultipleOf, jsonEqual } from 'eventspec/payload';
import type { Finding } from '../../catalogue/diagnostics.ts';
import { type TypeName } from '../../catalogue/types.ts';

import { keywordTypes, type NodeRule } from './schema-keywords.ts';

function jsonType(value: unknown): TypeName {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value as TypeName;
}

function matchesType(value: unknown, type: TypeName): boolean {
  const actual = jsonType(value);
  return actual === type || (type === 'number' && actual === 'integer');
}

/**
 * What a keyword says of one known value, for keywords beside `enum`/`const`: whether it passes,
 * or undefined when the keyword is not one whose verdict is simple to take here.
 */
function passesScalarKeyword(keyword: string, limit: unknown, value: unknown): boolean | undefined {
  const appliesTo = keywordTypes(keyword, limit);
  if (appliesTo !== undefined && !appliesTo.some((type) => matchesType(value, type))) return true;
  switch (keyword) {
    case 'type':
      return [limit].flat().some((type) => matchesType(value, type as TypeName));
    case 'format':
      return typeof value !== 'string' || !Object.hasOwn(FORMAT_CHECKS, limit as string) || FORMAT_CHECKS[limit as keyof typeof FORMAT_CHECKS](value);
    case 'pattern':
      return new RegExp(limit as string, 'u').test(value as string);
    case 'minLength':
      return codePointLength(value as string) >= (limit as number);
    case 'maxLength':
      return codePointLength(value as string) <= (limit as number);
    case 'minimum':
      return (value as number) >= (limit as number);
    case 'maximum':
      return (value as number) <= (limit as number);
    case 'exclusiveMinimum':
      return (value as number) > (limit as number);
    case 'exclusiveMaximum':
      return (value as number) < (limit as number);
    case 'multipleOf':
      return isMultipleOf(value as number, limit as number);
    case 'minItems':
      return (value as unknown[]).length >= (limit as number);
    case 'maxItems':
      return (value as unknown[]).length <= (limit as number);
    case 'uniqueItems':
      return limit === false || (value as unknown[]).every((item, index, items) => items.findIndex((other) => jsonEqual(item, other)) === index);
    default:
      return undefined;
  }
}

/** The keywords beside `enum`/`const` whose verdict on each value lint takes itself (see the model). */
export const SCALAR_SIBLINGS: ReadonlySet<string> = new Set(['type', 'format', 'pattern', 'minLength', 'maxLength', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'minItems', 'maxItems', 'uniqueItems']);

/**
 * Beside `enum`/`const`, a simple keyword either holds for every listed value (redundant: a
 * warning) or fails one (that value can never be valid: an error). Other keywords beside them
 * apply as JSON Schema says, with no finding.
 */
export const literalSiblings: NodeRule = (node, path, options) => {
  const owner = 'const' in node ? 'const' : 'enum' in node ? 'enum' : undefined;
  if (owner === undefined) return [];
  const values: unknown[] = owner === 'const' ? [node['const']] : (node['enum'] as unknown[]);
  const findings: Finding[] = [];
  values.forEach((value, index) => {
    const valuePath = owner === 'enum' ? [...path, 'enum', index] : [...path, 'const'];
    if (owner === 'enum' && values.findIndex((other) => jsonEqual(other, value)) < index) {
      findings.push({ code: 'duplicate-enum-value', path: valuePath, message: `${JSON.stringify(value)} is listed twice in \`enum\``, hint: 'remove the second one' });
    }
  });
  for (const [keyword, limit] of Object.entries(node)) {
    if (!SCALAR_SIBLINGS.has(keyword) || (keyword === 'format' && options.formats === 'annotate')) continue;
    const failing = values.findIndex((value) => passesScalarKeyword(keyword, limit, value) === false);
    if (failing >= 0) {
      const value = values[failing];
      findings.push(keyword === 'type'
        ? { code: 'enum-type-mismatch', path: owner === 'enum' ? [...path, 'enum', failing] : [...path, 'const'], message: `${JSON.stringify(value)} is not of type ${[limit].flat().join(' or ')}, so no value could match it`, hint: 'fix the value or the `type`' }
        : { code: 'enum-value-rejected', path: owner === 'enum' ? [...path, 'enum', failing] : [...path, 'const'], message: `${JSON.stringify(value)} fails \`${keyword}: ${JSON.stringify(limit)}\` beside it, so no value could match it`, hint: `fix the value, or remove \`${keyword}\`` });
    } else if (keyword !== 'type' || owner === 'const') {
      findings.push({ code: 'redundant-keyword', path: [...path, keyword], atKey: true, message: `\`${keyword}\` beside \`${owner}\` changes nothing: every listed value already satisfies it`, hint: `remove \`${keyword}\`; \`${owner}\` already fixes the allowed values` });
    }
  }
  return findings;
};
