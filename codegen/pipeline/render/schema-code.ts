/**
 * A model schema → its TypeScript type and its zod 4 validator, as formatted code text.
 * The two walks mirror each other arm by arm, so the interface and the validator describe one shape.
 */
import type { JsonScalar, JsonValue } from '../../catalogue/types.ts';
import { propertyKey } from '../../catalogue/naming.ts';
import type { EvaluationNode, PropertyNode, RedactionPlan, SchemaNode } from '../model.ts';
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

/** The TypeScript type of one JSON value: `"a"`, `1`, `readonly [1, 2]`, `{ readonly "a": 1 }`. */
function literalType(value: JsonValue): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return stringLiteral(value);
  if (typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return `readonly [${(value as readonly JsonValue[]).map(literalType).join(', ')}]`;
  const entries = Object.entries(value as { readonly [key: string]: JsonValue });
  return entries.length === 0 ? 'Record<string, never>' : `{ ${entries.map(([key, each]) => `readonly ${stringLiteral(key)}: ${literalType(each)}`).join('; ')} }`;
}

const isScalar = (value: JsonValue): value is JsonScalar => value === null || typeof value !== 'object';

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
  // Required keys only an open object or a pattern holds: present, of no declared type.
  for (const name of node.requiredOnly) lines.push(`${indent}readonly ${propertyKey(name)}: unknown;\n`);
  if (node.additional !== false || node.patterns.length > 0) {
    const onlyMap = node.properties.length === 0 && node.patterns.length === 0 && node.requiredOnly.length === 0;
    const valueType = node.additional === true || node.additional === false || !onlyMap ? 'unknown' : tsType(node.additional, indent);
    lines.push(`${indent}readonly [key: string]: ${valueType};\n`);
  }
  return lines.join('');
}

/** A tuple type for `prefixItems`: the first `minItems` elements required, the rest optional. */
function tupleType(node: SchemaNode & { kind: 'array' }, indent: string): string {
  const required = node.minItems ?? 0;
  const elements = node.prefix.map((item, index) => {
    const type = tsType(item, indent);
    if (index < required) return type;
    return `${needsParentheses(type) || type.startsWith('readonly ') ? `(${type})` : type}?`;
  });
  if (node.items.kind !== 'never') {
    const rest = tsType(node.items, indent);
    elements.push(`...${needsParentheses(rest) || rest.startsWith('readonly ') ? `(${rest})` : rest}[]`);
  }
  return `readonly [${elements.join(', ')}]`;
}

/** The TypeScript type of a schema; objects span lines, indented from `indent`. */
export function tsType(node: SchemaNode, indent: string): string {
  switch (node.kind) {
    case 'ref':
      return node.names.typeInterface;
    case 'object': {
      if (node.properties.length === 0 && node.additional === false && node.patterns.length === 0 && node.requiredOnly.length === 0) return 'Record<string, never>';
      return `{\n${objectMembers(node, indent + INDENT)}${indent}}`;
    }
    case 'array': {
      if (node.prefix.length > 0) return tupleType(node, indent);
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
    case 'intersection': {
      // Parts no type can say (`not`, `if`) leave the type to the others: wider, never wrong.
      const types = node.parts.map((part) => tsType(part, indent)).filter((type) => type !== 'unknown');
      if (types.length === 0) return 'unknown';
      return types.map((type) => (needsParentheses(type) ? `(${type})` : type)).join(' & ');
    }
    case 'never':
      return 'never';
    case 'unevaluated':
      return tsType(node.schema, indent);
    case 'not':
    case 'conditional':
    case 'byKind':
    case 'unknown':
      return 'unknown';
  }
}

/** An evaluation's fields as code: names, patterns and the branches with their verdicts (`verdict` renders each). */
function evaluationFields(evaluation: EvaluationNode, verdict: (node: SchemaNode) => string): string[] {
  return [
    ...(evaluation.names.length === 0 ? [] : [`names: [${evaluation.names.map(stringLiteral).join(', ')}]`]),
    ...(evaluation.patterns.length === 0 ? [] : [`patterns: [${evaluation.patterns.map(regExp).join(', ')}]`]),
    ...(evaluation.allKeys ? ['allKeys: true'] : []),
    ...(evaluation.items === 0 ? [] : [`items: ${evaluation.items === 'all' ? 'Number.POSITIVE_INFINITY' : String(evaluation.items)}`]),
    ...(evaluation.groups.length === 0 ? [] : [`groups: [${evaluation.groups.map((group) => `[${group.map((branch) => `{ ${[`passes: ${verdict(branch.node)}`, ...evaluationFields(branch.evaluation, verdict)].join(', ')} }`).join(', ')}]`).join(', ')}]`]),
  ];
}

/** An evaluation as an object literal for the runtime's `unevaluated` and `evaluatedOnly`. */
export function evaluationCode(evaluation: EvaluationNode, verdict: (node: SchemaNode) => string): string {
  const fields = evaluationFields(evaluation, verdict);
  return fields.length === 0 ? '{}' : `{ ${fields.join(', ')} }`;
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
    node.format === undefined ? '' : `.check(${RUNTIME}.numberFormat(${stringLiteral(node.format)}))`,
    checks.length === 0 ? '' : `.check(${checks.join(', ')})`,
  ].join('');
}

function stringChain(node: SchemaNode & { kind: 'string' }): string {
  // Lengths first (they abort the rest), then format and pattern: a backtracking pattern only
  // ever sees strings within the bounds, as ajv checks them.
  const checks = [
    ...(node.minLength === undefined ? [] : [`${RUNTIME}.minChars(${node.minLength})`]),
    ...(node.maxLength === undefined ? [] : [`${RUNTIME}.maxChars(${node.maxLength})`]),
    ...(node.format === undefined ? [] : [`${RUNTIME}.format(${stringLiteral(node.format)})`]),
  ];
  return [
    'z.string()',
    checks.length === 0 ? '' : `.check(${checks.join(', ')})`,
    node.pattern === undefined ? '' : `.regex(new RegExp(${stringLiteral(node.pattern)}, "u"))`,
  ].join('');
}

function literalSchema(values: readonly JsonValue[]): string {
  if (!values.every(isScalar)) return `${RUNTIME}.jsonValues([${values.map(jsonLiteral).join(', ')}])`;
  if (values.length === 1 && values[0] === null) return 'z.null()';
  if (values.every((value) => typeof value === 'string')) return `z.enum([${values.map(jsonLiteral).join(', ')}])`;
  return values.length === 1 ? `z.literal(${jsonLiteral(values[0])})` : `z.literal([${values.map(jsonLiteral).join(', ')}])`;
}

/** `new RegExp(…, "u")` for a JSON Schema pattern. */
export function regExp(pattern: string): string {
  return `new RegExp(${stringLiteral(pattern)}, "u")`;
}

/** zod's object constructors (closed, open, or open with a schema for the extra keys), and the checks beside them. */
export function objectSchema(node: SchemaNode & { kind: 'object' }, indent: string, predicate?: Predicates): string {
  const inner = indent + INDENT;
  const shape = node.properties.length === 0
    ? '{}'
    : `{\n${node.properties.map((property) => `${inner}${property.key}: ${zodSchema(property.schema, inner, predicate)}${property.required ? '' : '.optional()'},\n`).join('')}${indent}}`;
  const checks: string[] = [];
  let schema: string;
  if (node.patterns.length > 0 || node.propertyNames !== undefined) {
    // Patterns and key names are beyond zod's object: the runtime judges every other key.
    schema = `z.looseObject(${shape})`;
    const options = [
      `declared: [${node.properties.map((property) => stringLiteral(property.name)).join(', ')}]`,
      ...(node.patterns.length === 0 ? [] : [`patterns: [${node.patterns.map((each) => `[${regExp(each.pattern)}, ${zodSchema(each.schema, indent, predicate)}]`).join(', ')}]`]),
      ...(node.additional === true ? [] : [`additional: ${node.additional === false ? 'false' : zodSchema(node.additional, indent, predicate)}`]),
      ...(node.propertyNames === undefined ? [] : [`names: ${verdictOf(node.propertyNames, indent, predicate)}`]),
    ];
    checks.push(`${RUNTIME}.otherProperties({ ${options.join(', ')} })`);
  } else {
    schema = node.additional === false ? `z.strictObject(${shape})`
      : node.additional === true ? `z.looseObject(${shape})`
      : `z.object(${shape}).catchall(${zodSchema(node.additional, indent, predicate)})`;
  }
  if (node.requiredOnly.length > 0) checks.push(`${RUNTIME}.requiredKeys([${node.requiredOnly.map(stringLiteral).join(', ')}])`);
  if (node.minProperties !== undefined || node.maxProperties !== undefined) checks.push(`${RUNTIME}.propertyCount(${node.minProperties ?? 'undefined'}, ${node.maxProperties ?? 'undefined'})`);
  if (node.dependentRequired.length > 0) {
    checks.push(`${RUNTIME}.dependentRequired([${node.dependentRequired.map((each) => `[${stringLiteral(each.name)}, [${each.required.map(stringLiteral).join(', ')}]]`).join(', ')}])`);
  }
  if (node.dependentSchemas.length > 0) {
    checks.push(`${RUNTIME}.dependentSchemas([${node.dependentSchemas.map((each) => `[${stringLiteral(each.name)}, ${zodSchema(each.schema, indent, predicate)}]`).join(', ')}])`);
  }
  // Through the runtime, not `.check()`: TypeScript would work out the whole object's output type.
  if (checks.length > 0) schema = `${RUNTIME}.withChecks(${schema}, ${checks.join(', ')})`;
  // zod reads `value.constructor` for an absent `constructor` and finds Object's: look at own properties only.
  return node.ownOnly ? `${RUNTIME}.ownProperties(${schema})` : schema;
}

function arraySchema(node: SchemaNode & { kind: 'array' }, indent: string, predicate?: Predicates): string {
  const checks = [
    ...(node.prefix.length === 0 ? [] : [`${RUNTIME}.prefixItems([${node.prefix.map((item) => zodSchema(item, indent, predicate)).join(', ')}]${node.items.kind === 'unknown' ? '' : `, ${node.items.kind === 'never' ? 'false' : zodSchema(node.items, indent, predicate)}`})`]),
    ...(node.uniqueItems ? [`${RUNTIME}.uniqueItems`] : []),
    ...(node.contains === undefined ? [] : [`${RUNTIME}.contains(${verdictOf(node.contains.schema, indent, predicate)}, ${node.contains.min}${node.contains.max === undefined ? '' : `, ${node.contains.max}`})`]),
  ];
  const array = [
    `z.array(${node.prefix.length === 0 ? zodSchema(node.items, indent, predicate) : 'z.unknown()'})`,
    node.minItems === undefined ? '' : `.min(${node.minItems})`,
    node.maxItems === undefined ? '' : `.max(${node.maxItems})`,
  ].join('');
  if (checks.length === 0) return array;
  // `uniqueItems` alone reads best as `.check()`; tuples and `contains` go through the runtime (see objectSchema).
  return node.prefix.length === 0 && node.contains === undefined ? `${array}.check(${checks.join(', ')})` : `${RUNTIME}.withChecks(${array}, ${checks.join(', ')})`;
}

/**
 * The generated check of a node, as a function name: where only a schema's verdict matters (the
 * `if` of a condition, `not`, `contains`, `propertyNames`), generated code passes the check
 * instead of a zod schema, which spares TypeScript the schema's types.
 */
export type Predicates = (node: SchemaNode) => string;

/** A predicate when there are any, else the zod schema: either gives the verdict. */
function verdictOf(node: SchemaNode, indent: string, predicate: Predicates | undefined): string {
  return predicate === undefined ? zodSchema(node, indent) : predicate(node);
}

/** Kinds whose schema has no output type of its own (zod's `unknown`). */
const UNTYPED: ReadonlySet<SchemaNode['kind']> = new Set(['not', 'conditional', 'byKind', 'unknown']);

/** The zod 4 schema expression for a schema; objects span lines, indented from `indent`. */
export function zodSchema(node: SchemaNode, indent: string, predicate?: Predicates): string {
  switch (node.kind) {
    case 'ref':
      return node.lazy ? `z.lazy(() => ${node.names.typeSchema})` : node.names.typeSchema;
    case 'object':
      return objectSchema(node, indent, predicate);
    case 'array':
      return arraySchema(node, indent, predicate);
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
      if (!node.exclusive && rest.length === 0 && second?.kind === 'null' && first !== undefined) return `${zodSchema(first, indent, predicate)}.nullable()`;
      const variants = node.variants.map((variant) => zodSchema(variant, indent, predicate)).join(', ');
      // Variants a property tells apart: the rejected value gets the issues of the variant it names.
      if (node.discriminator !== undefined) return `${RUNTIME}.discriminated(${stringLiteral(node.discriminator.key)}, [${node.discriminator.values.map(jsonLiteral).join(', ')}], ${variants})`;
      return node.exclusive ? `${RUNTIME}.oneOf(${variants})` : `z.union([${variants}])`;
    }
    case 'intersection': {
      // One typed part and conditions beside it (`not`, `if`, type-less keywords, whose output is
      // unknown): the conditions are checks of the typed schema, which keeps its output type.
      const typed = node.parts.filter((part) => !UNTYPED.has(part.kind));
      const [only] = typed;
      if (typed.length === 1 && only !== undefined) {
        const conditions = node.parts.filter((part) => part !== only).map((part) => `${RUNTIME}.satisfies(${zodSchema(part, indent, predicate)})`);
        return `${RUNTIME}.withChecks(${zodSchema(only, indent, predicate)}, ${conditions.join(', ')})`;
      }
      return `${RUNTIME}.allOf(${node.parts.map((part) => zodSchema(part, indent, predicate)).join(', ')})`;
    }
    case 'not':
      return `${RUNTIME}.not(${verdictOf(node.schema, indent, predicate)})`;
    case 'conditional':
      return `${RUNTIME}.ifThenElse(${verdictOf(node.if, indent, predicate)}, ${node.then === undefined ? 'undefined' : zodSchema(node.then, indent, predicate)}, ${node.else === undefined ? 'undefined' : zodSchema(node.else, indent, predicate)})`;
    case 'byKind':
      return `${RUNTIME}.byKind({ ${node.cases.map((each) => `${each.kind}: ${zodSchema(each.node, indent, predicate)}`).join(', ')} })`;
    case 'never':
      return 'z.never()';
    case 'unknown':
      return 'z.unknown()';
    case 'unevaluated': {
      const rest = (each: SchemaNode | undefined): string => (each === undefined ? 'undefined' : each.kind === 'never' ? 'false' : zodSchema(each, indent, predicate));
      const evaluation = evaluationCode(node.evaluation, (branch) => verdictOf(branch, indent, predicate));
      return `${RUNTIME}.withChecks(${zodSchema(node.schema, indent, predicate)}, ${RUNTIME}.unevaluated(${evaluation}, ${rest(node.properties)}${node.items === undefined ? '' : `, ${rest(node.items)}`}))`;
    }
  }
}

/** The schemas directly inside a model node (references are not followed). */
export function childNodes(node: SchemaNode): readonly SchemaNode[] {
  switch (node.kind) {
    case 'object':
      return [
        ...node.properties.map((property) => property.schema),
        ...(typeof node.additional === 'object' ? [node.additional] : []),
        ...node.patterns.map((each) => each.schema),
        ...(node.propertyNames === undefined ? [] : [node.propertyNames]),
        ...node.dependentSchemas.map((each) => each.schema),
      ];
    case 'array':
      return [...node.prefix, node.items, ...(node.contains === undefined ? [] : [node.contains.schema])];
    case 'union':
      return node.variants;
    case 'intersection':
      return node.parts;
    case 'not':
      return [node.schema];
    case 'conditional':
      return [node.if, ...(node.then === undefined ? [] : [node.then]), ...(node.else === undefined ? [] : [node.else])];
    case 'byKind':
      return node.cases.map((each) => each.node);
    case 'unevaluated': {
      const branches = (evaluation: EvaluationNode): SchemaNode[] => evaluation.groups.flatMap((group) => group.flatMap((branch) => [branch.node, ...branches(branch.evaluation)]));
      return [node.schema, ...(node.properties === undefined ? [] : [node.properties]), ...(node.items === undefined ? [] : [node.items]), ...branches(node.evaluation)];
    }
    default:
      return [];
  }
}

/** Calls `visit` with a schema and every schema nested in it (references are not followed). */
function forEachNode(node: SchemaNode, visit: (node: SchemaNode) => void): void {
  visit(node);
  for (const child of childNodes(node)) forEachNode(child, visit);
}

/** Whether the zod schema of a node calls the runtime (so its file imports it). */
export function schemaUsesRuntime(node: SchemaNode): boolean {
  let uses = false;
  forEachNode(node, (each) => {
    if (
      (each.kind === 'array' && (each.uniqueItems || each.prefix.length > 0 || each.contains !== undefined)) ||
      (each.kind === 'object' && (each.ownOnly || each.patterns.length > 0 || each.propertyNames !== undefined || each.requiredOnly.length > 0 || each.minProperties !== undefined || each.maxProperties !== undefined || each.dependentRequired.length > 0 || each.dependentSchemas.length > 0)) ||
      each.kind === 'intersection' ||
      each.kind === 'not' ||
      each.kind === 'conditional' ||
      each.kind === 'byKind' ||
      each.kind === 'unevaluated' ||
      (each.kind === 'literal' && !each.values.every(isScalar)) ||
      (each.kind === 'union' && (each.exclusive || each.discriminator !== undefined)) ||
      (each.kind === 'string' && (each.format !== undefined || each.minLength !== undefined || each.maxLength !== undefined)) ||
      (each.kind === 'number' && (each.integer || each.multipleOf !== undefined || each.format !== undefined))
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
    case 'items': {
      const rest = plan.plan === undefined ? 'null' : redactorCode(plan.plan, indent);
      return plan.prefix.length === 0 ? `${RUNTIME}.redactItems(${rest})` : `${RUNTIME}.redactItems(${rest}, [${plan.prefix.map((each) => (each === null ? 'null' : redactorCode(each, indent))).join(', ')}])`;
    }
    case 'each':
      return `${RUNTIME}.redactEach(${plan.plans.map((each) => redactorCode(each, indent)).join(', ')})`;
    case 'properties': {
      const inner = indent + INDENT;
      const pairs = plan.properties.length === 0
        ? '[]'
        : `[\n${plan.properties.map((property) => `${inner}[${stringLiteral(property.name)}, ${redactorCode(property.plan, inner)}],\n`).join('')}${indent}]`;
      if (plan.rest === undefined) return `${RUNTIME}.redactProperties(${pairs})`;
      const others = [
        `declared: [${plan.rest.declared.map(stringLiteral).join(', ')}]`,
        ...(plan.rest.patterns.length === 0 ? [] : [`patterns: [${plan.rest.patterns.map((each) => `[${regExp(each.pattern)}, ${each.plan === null ? 'null' : redactorCode(each.plan, indent)}]`).join(', ')}]`]),
        ...(plan.rest.plan === undefined ? [] : [`value: ${redactorCode(plan.rest.plan, indent)}`]),
      ];
      return `${RUNTIME}.redactProperties(${pairs}, { ${others.join(', ')} })`;
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
      if (plan.plan !== undefined) redactorsReferenced(plan.plan, types);
      for (const each of plan.prefix) if (each !== null) redactorsReferenced(each, types);
      return;
    case 'each':
      for (const each of plan.plans) redactorsReferenced(each, types);
      return;
    case 'properties':
      for (const property of plan.properties) redactorsReferenced(property.plan, types);
      if (plan.rest?.plan !== undefined) redactorsReferenced(plan.rest.plan, types);
      for (const each of plan.rest?.patterns ?? []) if (each.plan !== null) redactorsReferenced(each.plan, types);
  }
}
