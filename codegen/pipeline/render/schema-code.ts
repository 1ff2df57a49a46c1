/**
 * A model schema → its TypeScript type and its zod 4 validator, as formatted code text.
 * The two walks mirror each other arm by arm, so the interface and the validator describe one shape.
 */
import type { JsonScalar } from '../../catalogue/types.ts';
import type { PropertyNode, RedactionPlan, SchemaNode } from '../model.ts';
import { jsDoc, jsonLiteral, RUNTIME, stringLiteral } from './code-text.ts';

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
    ...(node.integer ? [`${RUNTIME}.integer`] : []),
    ...(node.multipleOf === undefined ? [] : [`${RUNTIME}.multipleOf(${jsonLiteral(node.multipleOf)})`]),
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
    ...(node.format === undefined ? [] : [`${RUNTIME}.format(${stringLiteral(node.format)})`]),
    ...(node.minLength === undefined ? [] : [`${RUNTIME}.minChars(${node.minLength})`]),
    ...(node.maxLength === undefined ? [] : [`${RUNTIME}.maxChars(${node.maxLength})`]),
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
  return node.ownOnly ? `${RUNTIME}.ownProperties(${schema})` : schema;
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
        node.uniqueItems ? `.check(${RUNTIME}.uniqueItems)` : '',
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
      return node.exclusive ? `${RUNTIME}.oneOf(${variants})` : `z.union([${variants}])`;
    }
    case 'intersection':
      return `${RUNTIME}.allOf(${node.parts.map((part) => zodSchema(part, indent)).join(', ')})`;
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

/** Whether the zod schema of a node calls the runtime (so its file imports it). */
export function schemaUsesRuntime(node: SchemaNode): boolean {
  let uses = false;
  forEachNode(node, (each) => {
    if (
      (each.kind === 'array' && each.uniqueItems) ||
      (each.kind === 'object' && each.ownOnly) ||
      each.kind === 'intersection' ||
      (each.kind === 'union' && each.exclusive) ||
      (each.kind === 'string' && (each.format !== undefined || each.minLength !== undefined || each.maxLength !== undefined)) ||
      (each.kind === 'number' && (each.integer || each.multipleOf !== undefined))
    ) {
      uses = true;
    }
  });
  return uses;
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
      return `${RUNTIME}.concealed`;
    case 'type':
      return plan.lazy ? `${RUNTIME}.lazyRedactor(() => ${plan.names.typeRedactor})` : plan.names.typeRedactor;
    case 'items':
      return `${RUNTIME}.redactItems(${redactorCode(plan.plan, indent)})`;
    case 'each':
      return `${RUNTIME}.redactEach(${plan.plans.map((each) => redactorCode(each, indent)).join(', ')})`;
    case 'properties': {
      const inner = indent + INDENT;
      const pairs = plan.properties.length === 0
        ? '[]'
        : `[\n${plan.properties.map((property) => `${inner}[${stringLiteral(property.name)}, ${redactorCode(property.plan, inner)}],\n`).join('')}${indent}]`;
      if (plan.rest === undefined) return `${RUNTIME}.redactProperties(${pairs})`;
      const declared = `[${plan.rest.declared.map(stringLiteral).join(', ')}]`;
      return `${RUNTIME}.redactProperties(${pairs}, { declared: ${declared}, value: ${redactorCode(plan.rest.plan, indent)} })`;
    }
  }
}

/** The shared types' redactors a redactor refers to (every redactor calls the runtime). */
export function redactorsReferenced(plan: RedactionPlan, types: Set<string>): void {
  switch (plan.kind) {
    case 'conceal':
      return;
    case 'type':
      types.add(plan.names.typeRedactor);
      return;
    case 'items':
      redactorsReferenced(plan.plan, types);
      return;
    case 'each':
      for (const each of plan.plans) redactorsReferenced(each, types);
      return;
    case 'properties':
      for (const property of plan.properties) redactorsReferenced(property.plan, types);
      if (plan.rest !== undefined) redactorsReferenced(plan.rest.plan, types);
  }
}
