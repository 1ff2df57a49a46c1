/**
 * A model schema → its TypeScript type and its zod 4 validator, as formatted code text.
 * The two walks mirror each other arm by arm, so the interface and the validator describe one shape.
 */
import type { JsonScalar } from '../../catalogue/types.ts';
import type { PropertyNode, RedactionPlan, SchemaNode } from '../model.ts';
import { jsDoc, jsonLiteral, stringLiteral } from './code-text.ts';

const INDENT = '  ';

/**
 * Members TypeScript's `Object` declares: every object type has them, so an optional property of
 * that name typed only by its schema would accept no object that lacks it (`{}` has a
 * `constructor: Function`). Its type also admits the inherited member's: wider, never wrong.
 */
const OBJECT_MEMBERS: ReadonlySet<string> = new Set(['constructor', 'toString', 'toLocaleString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', 'propertyIsEnumerable']);

function inheritsMember(property: PropertyNode): boolean {
  return !property.required && OBJECT_MEMBERS.has(property.name);
}

function propertyDoc(property: PropertyNode): string[] {
  return [
    ...(property.description === undefined ? [] : [property.description]),
    ...(property.sensitive === true ? ['Sensitive: redacted from logs.'] : []),
    ...(inheritsMember(property) ? [`Typed to admit the \`${property.name}\` every object inherits, so that objects without this field fit.`] : []),
    ...(property.deprecated === true ? ['@deprecated'] : []),
  ];
}

function literalType(value: JsonScalar): string {
  return value === null ? 'null' : typeof value === 'string' ? stringLiteral(value) : String(value);
}

function needsParentheses(type: string): boolean {
  // A union or intersection at the top level must be wrapped before `[]` applies to it.
  let depth = 0;
  for (const char of type) {
    if (char === '{' || char === '(' || char === '<' || char === '[') depth++;
    else if (char === '}' || char === ')' || char === '>' || char === ']') depth--;
    else if (depth === 0 && (char === '|' || char === '&')) return true;
  }
  return false;
}

/** The members of an object type, one per line, each with its JSDoc. */
export function objectMembers(node: SchemaNode & { kind: 'object' }, indent: string): string {
  const lines = node.properties.map((property) => {
    const optional = property.required ? '' : '?';
    const type = tsType(property.schema, indent);
    const typed = inheritsMember(property) ? `${needsParentheses(type) ? `(${type})` : type} | Object[${JSON.stringify(property.name)}]` : type;
    return `${jsDoc(propertyDoc(property), indent)}${indent}readonly ${property.key}${optional}: ${typed};\n`;
  });
  if (node.additional !== false) {
    const valueType = node.additional === true || node.properties.length > 0 ? 'unknown' : tsType(node.additional, indent);
    lines.push(`${indent}readonly [key: string]: ${valueType};\n`);
  }
  return lines.join('');
}

/** The TypeScript type of a schema; objects span lines, indented from `indent`. */
export function tsType(node: SchemaNode, indent: string): string {
  switch (node.kind) {
    case 'ref':
      return node.names.typeInterface;
    case 'object': {
      if (node.properties.length === 0 && node.additional === false) return 'Record<string, never>';
      return `{\n${objectMembers(node, indent + INDENT)}${indent}}`;
    }
    case 'array': {
      const items = tsType(node.items, indent);
      // `readonly readonly T[][]` is no type: an array of arrays needs the inner one wrapped.
      return `readonly ${needsParentheses(items) || items.startsWith('readonly ') ? `(${items})` : items}[]`;
    }
    case 'string':
      return 'string';
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'literal':
      return node.values.map(literalType).join(' | ');
    case 'union':
      return node.variants.map((variant) => tsType(variant, indent)).join(' | ');
    case 'intersection':
      return node.parts.map((part) => {
        const type = tsType(part, indent);
        return needsParentheses(type) ? `(${type})` : type;
      }).join(' & ');
    case 'unknown':
      return 'unknown';
  }
}

function numberChain(node: SchemaNode & { kind: 'number' }): string {
  const checks = [
    ...(node.integer ? ['integer'] : []),
    ...(node.multipleOf === undefined ? [] : [`multipleOf(${jsonLiteral(node.multipleOf)})`]),
  ];
  return [
    'z.number()',
    node.minimum === undefined ? '' : `.gte(${jsonLiteral(node.minimum)})`,
    node.maximum === undefined ? '' : `.lte(${jsonLiteral(node.maximum)})`,
    node.exclusiveMinimum === undefined ? '' : `.gt(${jsonLiteral(node.exclusiveMinimum)})`,
    node.exclusiveMaximum === undefined ? '' : `.lt(${jsonLiteral(node.exclusiveMaximum)})`,
    checks.length === 0 ? '' : `.check(${checks.join(', ')})`,
  ].join('');
}

function stringChain(node: SchemaNode & { kind: 'string' }): string {
  const checks = [
    ...(node.format === undefined ? [] : [`format(${stringLiteral(node.format)})`]),
    ...(node.minLength === undefined ? [] : [`minChars(${node.minLength})`]),
    ...(node.maxLength === undefined ? [] : [`maxChars(${node.maxLength})`]),
  ];
  return [
    'z.string()',
    node.pattern === undefined ? '' : `.regex(new RegExp(${stringLiteral(node.pattern)}, "u"))`,
    checks.length === 0 ? '' : `.check(${checks.join(', ')})`,
  ].join('');
}

function literalSchema(values: readonly JsonScalar[]): string {
  if (values.length === 1 && values[0] === null) return 'z.null()';
  if (values.every((value) => typeof value === 'string')) return `z.enum([${values.map(jsonLiteral).join(', ')}])`;
  return values.length === 1 ? `z.literal(${jsonLiteral(values[0])})` : `z.literal([${values.map(jsonLiteral).join(', ')}])`;
}

/** zod's object constructors: closed, open, or open with a schema for the extra keys. */
export function objectSchema(node: SchemaNode & { kind: 'object' }, indent: string): string {
  const inner = indent + INDENT;
  const shape = node.properties.length === 0
    ? '{}'
    : `{\n${node.properties.map((property) => `${inner}${property.key}: ${zodSchema(property.schema, inner)}${property.required ? '' : '.optional()'},\n`).join('')}${indent}}`;
  const schema = node.additional === false ? `z.strictObject(${shape})`
    : node.additional === true ? `z.looseObject(${shape})`
    : `z.object(${shape}).catchall(${zodSchema(node.additional, indent)})`;
  // zod reads `value.constructor` for an absent `constructor` and finds Object's: look at own properties only.
  return node.ownOnly ? `ownProperties(${schema})` : schema;
}

/** The zod 4 schema expression for a schema; objects span lines, indented from `indent`. */
export function zodSchema(node: SchemaNode, indent: string): string {
  switch (node.kind) {
    case 'ref':
      return node.lazy ? `z.lazy(() => ${node.names.typeSchema})` : node.names.typeSchema;
    case 'object':
      return objectSchema(node, indent);
    case 'array': {
      const checks = [
        `z.array(${zodSchema(node.items, indent)})`,
        node.minItems === undefined ? '' : `.min(${node.minItems})`,
        node.maxItems === undefined ? '' : `.max(${node.maxItems})`,
        node.uniqueItems ? '.check(uniqueItems)' : '',
      ];
      return checks.join('');
    }
    case 'string':
      return stringChain(node);
    case 'number':
      return numberChain(node);
    case 'boolean':
      return 'z.boolean()';
    case 'null':
      return 'z.null()';
    case 'literal':
      return literalSchema(node.values);
    case 'union': {
      const [first, second, ...rest] = node.variants;
      // `[T, null]` is the common nullable field: say it the short way.
      if (!node.exclusive && rest.length === 0 && second?.kind === 'null' && first !== undefined) return `${zodSchema(first, indent)}.nullable()`;
      const variants = node.variants.map((variant) => zodSchema(variant, indent)).join(', ');
      return node.exclusive ? `oneOf(${variants})` : `z.union([${variants}])`;
    }
    case 'intersection':
      return `allOf(${node.parts.map((part) => zodSchema(part, indent)).join(', ')})`;
    case 'unknown':
      return 'z.unknown()';
  }
}

/** Calls `visit` with a schema and every schema nested in it (references are not followed). */
function forEachNode(node: SchemaNode, visit: (node: SchemaNode) => void): void {
  visit(node);
  const children =
    node.kind === 'object' ? [...node.properties.map((property) => property.schema), ...(typeof node.additional === 'object' ? [node.additional] : [])]
    : node.kind === 'array' ? [node.items]
    : node.kind === 'union' ? node.variants
    : node.kind === 'intersection' ? node.parts
    : [];
  for (const child of children) forEachNode(child, visit);
}

/** Which runtime checks a piece of generated code calls, so its file imports exactly those. */
export function runtimeChecksUsed(node: SchemaNode, used: Set<string>): void {
  forEachNode(node, (each) => {
    if (each.kind === 'array' && each.uniqueItems) used.add('uniqueItems');
    if (each.kind === 'object' && each.ownOnly) used.add('ownProperties');
    if (each.kind === 'intersection') used.add('allOf');
    if (each.kind === 'union' && each.exclusive) used.add('oneOf');
    if (each.kind === 'string') {
      if (each.format !== undefined) used.add('format');
      if (each.minLength !== undefined) used.add('minChars');
      if (each.maxLength !== undefined) used.add('maxChars');
    }
    if (each.kind === 'number') {
      if (each.integer) used.add('integer');
      if (each.multipleOf !== undefined) used.add('multipleOf');
    }
  });
}

/** The shared types a piece of generated code refers to. */
export function typesReferenced(node: SchemaNode, used: Set<string>): void {
  forEachNode(node, (each) => {
    if (each.kind === 'ref') used.add(each.type);
  });
}

/** The redactor expression for a plan; a map of properties spans lines, indented from `indent`. */
export function redactorCode(plan: RedactionPlan, indent: string): string {
  switch (plan.kind) {
    case 'conceal':
      return 'concealed';
    case 'type':
      return plan.lazy ? `lazyRedactor(() => ${plan.names.typeRedactor})` : plan.names.typeRedactor;
    case 'items':
      return `redactItems(${redactorCode(plan.plan, indent)})`;
    case 'each':
      return `redactEach(${plan.plans.map((each) => redactorCode(each, indent)).join(', ')})`;
    case 'properties': {
      const inner = indent + INDENT;
      const pairs = plan.properties.length === 0
        ? '[]'
        : `[\n${plan.properties.map((property) => `${inner}[${stringLiteral(property.name)}, ${redactorCode(property.plan, inner)}],\n`).join('')}${indent}]`;
      if (plan.rest === undefined) return `redactProperties(${pairs})`;
      const declared = `[${plan.rest.declared.map(stringLiteral).join(', ')}]`;
      return `redactProperties(${pairs}, { declared: ${declared}, value: ${redactorCode(plan.rest.plan, indent)} })`;
    }
  }
}

/** Which runtime combinators a redactor calls, and the shared types' redactors it refers to. */
export function redactorNamesUsed(plan: RedactionPlan, combinators: Set<string>, types: Set<string>): void {
  switch (plan.kind) {
    case 'conceal':
      combinators.add('concealed');
      return;
    case 'type':
      if (plan.lazy) combinators.add('lazyRedactor');
      types.add(plan.names.typeRedactor);
      return;
    case 'items':
      combinators.add('redactItems');
      redactorNamesUsed(plan.plan, combinators, types);
      return;
    case 'each':
      combinators.add('redactEach');
      for (const each of plan.plans) redactorNamesUsed(each, combinators, types);
      return;
    case 'properties':
      combinators.add('redactProperties');
      for (const property of plan.properties) redactorNamesUsed(property.plan, combinators, types);
      if (plan.rest !== undefined) redactorNamesUsed(plan.rest.plan, combinators, types);
  }
}
