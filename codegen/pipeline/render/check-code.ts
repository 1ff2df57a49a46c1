/**
 * A model schema → a straight-line check of it, as code text: the fast path the bus runs on every
 * emit before it falls back to the zod schema, whose verdict the check always shares, for the
 * issues of a payload it rejects. Plain comparisons and loops, no allocation on a valid value;
 * nested objects, arrays and unions become helper functions of their own, declared once per file.
 *
 * The code is emitted typed (for the generated files) or untyped (for evaluation in tests), from
 * the same walk.
 */
import type { JsonValue } from '../../catalogue/types.ts';
import type { SchemaNode } from '../model.ts';
import { evaluationCode } from './schema-code.ts';
import { jsonLiteral, RUNTIME, stringLiteral } from './code-text.ts';


/** Whether no value passes `node`: `false`, or unions and intersections that come to it. */
function acceptsNothing(node: SchemaNode): boolean {
  switch (node.kind) {
    case 'never':
      return true;
    case 'union':
      return node.variants.every(acceptsNothing);
    case 'intersection':
      return node.parts.some(acceptsNothing);
    default:
      return false;
  }
}

/** What one file's checks need: its helper functions and patterns, and the runtime functions they call. */
export class CheckFile {
  readonly #typed: boolean;
  readonly #helpers: string[] = [];
  readonly #patterns = new Map<string, string>();
  /** Module-level constants other than patterns (format predicates, literal values), by their code. */
  readonly #constants = new Map<string, string>();
  /** Whether any check calls the runtime (so the file imports it). */
  usesRuntime = false;
  #count = 0;

  constructor(typed: boolean) {
    this.#typed = typed;
  }

  /** The file's module-level declarations the checks use: patterns first, then helpers. */
  declarations(): string[] {
    return [
      ...[...this.#patterns].map(([pattern, name]) => `const ${name} = new RegExp(${stringLiteral(pattern)}, "u");`),
      // Literal values are only compared: typed `unknown`, TypeScript need not infer their shape.
      ...[...this.#constants].map(([code, name]) => `const ${name}${this.#typed && name.startsWith('literal') ? ': unknown' : ''} = ${code};`),
      ...this.#helpers,
    ];
  }

  /**
   * A type guard: `function isPlanCreatedPayload(value: unknown): value is PlanCreatedPayload`
   * (typed) or the same function without types, checking `node`.
   */
  guard(name: string, typeName: string, node: SchemaNode, doc: string, exported: boolean): string {
    const signature = this.#typed ? `(value: unknown): value is ${typeName}` : '(value)';
    return `${doc}${exported ? 'export ' : ''}function ${name}${signature} {\n${this.#body(node, name)}}`;
  }

  /**
   * A function that checks `node` and is no type guard (a shared type's guard as it is), for
   * generated zod code that needs only a verdict; `owner` names the helpers.
   */
  predicate(node: SchemaNode, owner: string): string {
    if (node.kind === 'ref') return node.names.typeGuard;
    const expression = this.#unguarded(node, 'value', owner);
    return expression.slice(0, expression.indexOf('('));
  }

  /** The statements of a function that checks `value` against `node`. */
  #body(node: SchemaNode, owner: string): string {
    if (node.kind === 'object') return this.#objectBody(node, owner);
    if (node.kind === 'array') return this.#arrayBody(node, owner);
    return `  return ${this.#expression(node, 'value', owner)};\n`;
  }

  #helper(node: SchemaNode, owner: string): string {
    const name = `${owner}_${++this.#count}`;
    const signature = this.#typed ? '(value: unknown): boolean' : '(value)';
    this.#helpers.push(`function ${name}${signature} {\n${this.#body(node, owner)}}`);
    return name;
  }

  #pattern(pattern: string): string {
    let name = this.#patterns.get(pattern);
    if (name === undefined) {
      name = `pattern${this.#patterns.size + 1}`;
      this.#patterns.set(pattern, name);
    }
    return name;
  }

  /** A module-level constant holding `code`, declared once as `name` (or `name` and a number). */
  #constant(code: string, name: string): string {
    let declared = this.#constants.get(code);
    if (declared === undefined) {
      const taken = new Set(this.#constants.values());
      declared = taken.has(name) ? `${name}${this.#constants.size + 1}` : name;
      this.#constants.set(code, declared);
    }
    return declared;
  }

  /** A format's predicate, as a constant named after it (`formatDateTime`). */
  #format(table: 'FORMAT_CHECKS' | 'NUMBER_FORMAT_CHECKS', format: string): string {
    const name = `format${format.split('-').map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join('')}`;
    return this.#constant(`${this.#use(table)}[${stringLiteral(format)}]`, name);
  }

  #use(name: string): string {
    this.usesRuntime = true;
    return `${RUNTIME}.${name}`;
  }

  /** A boolean expression: whether `value` (an identifier, so it may be read more than once) satisfies `node`. */
  #expression(node: SchemaNode, value: string, owner: string): string {
    switch (node.kind) {
      case 'unknown':
        return 'true';
      case 'never':
        return 'false';
      case 'null':
        return `${value} === null`;
      case 'boolean':
        return `typeof ${value} === "boolean"`;
      case 'literal': {
        const tests = node.values.map((each) => this.#equals(value, each));
        return tests.length === 1 ? (tests[0] ?? 'false') : `(${tests.join(' || ')})`;
      }
      case 'ref':
        return `${node.names.typeGuard}(${value})`;
      case 'string': {
        const checks = [`typeof ${value} === "string"`];
        // Lengths count code points, and a code point is one or two UTF-16 units: `length` settles
        // most strings without counting (at most `max` units, or at least twice `min`). They come
        // first, so a backtracking pattern never sees a string its bounds rule out.
        if (node.minLength !== undefined && node.minLength > 0) checks.push(`(${value}.length >= ${2 * node.minLength} || ${this.#use('codePointLength')}(${value}) >= ${node.minLength})`);
        if (node.maxLength !== undefined) checks.push(`(${value}.length <= ${node.maxLength} || ${this.#use('codePointLength')}(${value}) <= ${node.maxLength})`);
        if (node.format !== undefined) checks.push(`${this.#format('FORMAT_CHECKS', node.format)}(${value})`);
        if (node.pattern !== undefined) checks.push(`${this.#pattern(node.pattern)}.test(${value})`);
        return checks.length === 1 ? checks[0] ?? 'false' : `(${checks.join(' && ')})`;
      }
      case 'number': {
        // zod's number takes no NaN and no infinity, as JSON has neither.
        const checks = [`typeof ${value} === "number"`, node.integer ? `Number.isInteger(${value})` : `Number.isFinite(${value})`];
        if (node.minimum !== undefined) checks.push(`${value} >= ${jsonLiteral(node.minimum)}`);
        if (node.maximum !== undefined) checks.push(`${value} <= ${jsonLiteral(node.maximum)}`);
        if (node.exclusiveMinimum !== undefined) checks.push(`${value} > ${jsonLiteral(node.exclusiveMinimum)}`);
        if (node.exclusiveMaximum !== undefined) checks.push(`${value} < ${jsonLiteral(node.exclusiveMaximum)}`);
        if (node.multipleOf !== undefined) checks.push(`${this.#use('isMultipleOf')}(${value}, ${jsonLiteral(node.multipleOf)})`);
        if (node.format !== undefined) checks.push(`${this.#format('NUMBER_FORMAT_CHECKS', node.format)}(${value})`);
        return `(${checks.join(' && ')})`;
      }
      case 'union': {
        if (node.discriminator !== undefined) return `${this.#discriminatedHelper(node, owner)}(${value})`;
        // A shared type's guard that fails would narrow the value for the branches after it (to
        // `never`, when the type is a string and so is the next branch): call it unguarded.
        const variants = node.variants.map((variant, index) => (variant.kind === 'ref' && !node.exclusive && index < node.variants.length - 1 ? this.#unguarded(variant, value, owner) : this.#expression(variant, value, owner)));
        if (node.exclusive) return `(${variants.map((variant) => `(${variant} ? 1 : 0)`).join(' + ')} === 1)`;
        // A branch that takes anything takes the union (and `true || …` would confuse TypeScript's narrowing).
        return variants.includes('true') ? 'true' : acceptsNothing(node) ? 'false' : `(${variants.join(' || ')})`;
      }
      case 'intersection':
        // Each part in a function of its own: a type guard in one part would narrow the value
        // for the next, and TypeScript refuses comparisons it has narrowed away (`x === 1` on a string).
        return `(${node.parts.map((part) => this.#call(part, value, owner)).join(' && ')})`;
      case 'not':
        return `!${this.#unguarded(node.schema, value, owner)}`;
      case 'unevaluated': {
        const verdict = (each: SchemaNode): string => (each.kind === 'ref' ? each.names.typeGuard : this.#helper(each, owner));
        const rest = (each: SchemaNode | undefined): string => (each === undefined ? 'undefined' : each.kind === 'never' ? 'false' : verdict(each));
        const evaluation = this.#constant(evaluationCode(node.evaluation, verdict), `evaluation${this.#constants.size + 1}`);
        return `(${this.#call(node.schema, value, owner)} && ${this.#use('evaluatedOnly')}(${value}, ${evaluation}, ${rest(node.properties)}${node.items === undefined ? '' : `, ${rest(node.items)}`}))`;
      }
      case 'conditional': {
        const branch = (each: SchemaNode | undefined): string => (each === undefined ? 'true' : this.#unguarded(each, value, owner));
        return `(${this.#unguarded(node.if, value, owner)} ? ${branch(node.then)} : ${branch(node.else)})`;
      }
      case 'byKind': {
        // Each kind meets its own keywords; values of other kinds pass.
        const tests: { readonly [kind: string]: string } = { array: `Array.isArray(${value})`, object: `${this.#use('isRecord')}(${value})`, string: `typeof ${value} === "string"`, number: `typeof ${value} === "number"` };
        return `(${node.cases.map((each) => `${tests[each.kind] ?? 'false'} ? ${this.#unguarded(each.node, value, owner)} : `).join('')}true)`;
      }
      case 'object':
      case 'array':
        return `${this.#helper(node, owner)}(${value})`;
    }
  }

  /** A helper for a union its property tells apart: the property's value picks the one variant to check. */
  #discriminatedHelper(node: SchemaNode & { kind: 'union' }, owner: string): string {
    const name = `${owner}_${++this.#count}`;
    const signature = this.#typed ? '(value: unknown): boolean' : '(value)';
    const { key, values } = node.discriminator ?? { key: '', values: [] };
    const cases = node.variants.map((variant, index) => `    case ${jsonLiteral(values[index] ?? null)}:\n      return ${this.#call(variant, 'value', owner)};\n`).join('');
    this.#helpers.push(`function ${name}${signature} {\n  if (!${this.#use('isRecord')}(value)) return false;\n  switch (${this.#use('ownValue')}(value, ${stringLiteral(key)})) {\n${cases}    default:\n      return false;\n  }\n}`);
    return name;
  }

  /** Whether `value` equals a JSON value: `===` for a scalar, deep equality (key order aside) otherwise. */
  #equals(value: string, expected: JsonValue): string {
    if (expected === null || typeof expected !== 'object') return `${value} === ${jsonLiteral(expected)}`;
    return `${this.#use('jsonEqual')}(${value}, ${this.#constant(`Object.freeze(${jsonLiteral(expected)})`, `literal${this.#constants.size + 1}`)})`;
  }

  /** A call of a helper that checks `node` and is no type guard, so a failure narrows nothing. */
  #unguarded(node: SchemaNode, value: string, owner: string): string {
    const name = `${owner}_${++this.#count}`;
    const signature = this.#typed ? '(value: unknown): boolean' : '(value)';
    this.#helpers.push(`function ${name}${signature} {\n  return ${this.#expression(node, 'value', owner)};\n}`);
    return `${name}(${value})`;
  }

  /** A call of a function that checks `node`: the shared type's guard, or a helper of its own. */
  #call(node: SchemaNode, value: string, owner: string): string {
    if (node.kind === 'ref') return `${node.names.typeGuard}(${value})`;
    if (node.kind === 'unknown') return 'true';
    return `${this.#helper(node, owner)}(${value})`;
  }

  #objectBody(node: SchemaNode & { kind: 'object' }, owner: string): string {
    const lines = [`  if (!${this.#use('isRecord')}(value)) return false;`];
    // A required property no value satisfies (`anyOf: [false, false]`): no object is valid. Said
    // at once, since TypeScript would narrow the object away after a check that always fails.
    const impossible = node.properties.find((property) => property.required && acceptsNothing(property.schema));
    if (impossible !== undefined) return `${[...lines, `  // No value of ${stringLiteral(impossible.name)} is valid, so no object is.`, '  return false;'].join('\n')}\n`;
    const has = (name: string): string => `Object.hasOwn(value, ${stringLiteral(name)})`;
    const optional: string[] = [];
    node.properties.forEach((property, index) => {
      const field = `field${index}`;
      const read = node.ownOnly ? `${this.#use('ownValue')}(value, ${stringLiteral(property.name)})` : `value[${stringLiteral(property.name)}]`;
      lines.push(`  const ${field} = ${read};`);
      const check = this.#expression(property.schema, field, owner);
      if (property.required) lines.push(`  if (${field} === undefined${check === 'true' ? '' : ` || !${wrap(check)}`}) return false;`);
      else {
        if (check !== 'true') lines.push(`  if (${field} !== undefined && !${wrap(check)}) return false;`);
        optional.push(field);
      }
    });
    for (const name of node.requiredOnly) lines.push(`  if (!${has(name)}) return false;`);
    for (const dependency of node.dependentRequired) {
      if (dependency.required.length > 0) lines.push(`  if (${has(dependency.name)} && !(${dependency.required.map(has).join(' && ')})) return false;`);
    }
    for (const dependency of node.dependentSchemas) {
      const check = this.#call(dependency.schema, 'value', owner);
      if (check !== 'true') lines.push(`  if (${has(dependency.name)} && !${check}) return false;`);
    }
    if (node.minProperties !== undefined || node.maxProperties !== undefined) {
      const count = 'Object.keys(value).length';
      if (node.minProperties !== undefined) lines.push(`  if (${count} < ${node.minProperties}) return false;`);
      if (node.maxProperties !== undefined) lines.push(`  if (${count} > ${node.maxProperties}) return false;`);
    }
    const required = node.properties.filter((property) => property.required).length;
    if (node.patterns.length === 0 && node.propertyNames === undefined && node.additional === false) {
      // Each key must be a declared one: count the declared fields present against all keys.
      const present = [String(required), ...optional.map((field) => `(${field} === undefined ? 0 : 1)`)].filter((term) => term !== '0');
      lines.push(`  return Object.keys(value).length === ${present.length === 0 ? '0' : present.join(' + ')};`);
    } else if (node.patterns.length === 0 && node.propertyNames === undefined && node.additional === true) {
      lines.push('  return true;');
    } else {
      lines.push(...this.#otherKeys(node, owner), '  return true;');
    }
    return `${lines.join('\n')}\n`;
  }

  /** The loop over an object's keys for `patternProperties`, `propertyNames` and a schema or `false` for the rest. */
  #otherKeys(node: SchemaNode & { kind: 'object' }, owner: string): string[] {
    const lines = ['  for (const key of Object.keys(value)) {', '    const item = value[key];'];
    if (node.propertyNames !== undefined) {
      const check = this.#call(node.propertyNames, 'key', owner);
      if (check !== 'true') lines.push(`    if (!${check}) return false;`);
    }
    const declared = node.properties.map((property) => `key === ${stringLiteral(property.name)}`);
    const rest = node.additional === true ? undefined : node.additional === false ? 'false' : this.#expression(node.additional, 'item', owner);
    const tracksMatches = rest !== undefined && rest !== 'true' && node.patterns.length > 0;
    if (tracksMatches) lines.push('    let matched = false;');
    for (const each of node.patterns) {
      const check = this.#call(each.schema, 'item', owner);
      const body = [...(tracksMatches ? ['matched = true;'] : []), ...(check === 'true' ? [] : [`if (!${check}) return false;`])];
      if (body.length > 0) lines.push(`    if (${this.#pattern(each.pattern)}.test(key)) { ${body.join(' ')} }`);
    }
    if (rest !== undefined && rest !== 'true') {
      const skip = [...declared, ...(tracksMatches ? ['matched'] : [])];
      if (skip.length > 0) lines.push(`    if (${skip.join(' || ')}) continue;`);
      lines.push(`    if (item === undefined || !${wrap(rest)}) return false;`);
    }
    lines.push('  }');
    return lines;
  }

  #arrayBody(node: SchemaNode & { kind: 'array' }, owner: string): string {
    const lines = ['  if (!Array.isArray(value)) return false;'];
    if (node.minItems !== undefined) lines.push(`  if (value.length < ${node.minItems}) return false;`);
    if (node.maxItems !== undefined) lines.push(`  if (value.length > ${node.maxItems}) return false;`);
    node.prefix.forEach((item, index) => {
      const check = this.#call(item, `value[${index}]`, owner);
      if (check !== 'true') lines.push(`  if (value.length > ${index} && !${check}) return false;`);
    });
    const check = this.#expression(node.items, 'item', owner);
    if (node.prefix.length === 0) {
      if (check !== 'true') lines.push(`  for (const item of value) if (!${wrap(check)}) return false;`);
    } else if (check === 'false') {
      lines.push(`  if (value.length > ${node.prefix.length}) return false;`);
    } else if (check !== 'true') {
      lines.push(`  for (let index = ${node.prefix.length}; index < value.length; index++) {`, '    const item = value[index];', `    if (!${wrap(check)}) return false;`, '  }');
    }
    if (node.contains !== undefined) {
      const matches = this.#call(node.contains.schema, 'item', owner);
      lines.push('  let matches = 0;', `  for (const item of value) if (${matches}) matches++;`);
      lines.push(`  if (matches < ${node.contains.min}${node.contains.max === undefined ? '' : ` || matches > ${node.contains.max}`}) return false;`);
    }
    lines.push(node.uniqueItems ? `  return ${this.#use('hasUniqueItems')}(value);` : '  return true;');
    return `${lines.join('\n')}\n`;
  }
}

/** An expression negatable with `!`: a call or a parenthesised one stays as it is. */
function wrap(expression: string): string {
  return /^[\w$]+\([^()]*\)$/.test(expression) || (expression.startsWith('(') && expression.endsWith(')') && balanced(expression.slice(1, -1))) ? expression : `(${expression})`;
}

function balanced(text: string): boolean {
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quote !== undefined) {
      if (char === '\\') i++;
      else if (char === quote) quote = undefined;
    } else if (char === '"') quote = char;
    else if (char === '(') depth++;
    else if (char === ')' && --depth < 0) return false;
  }
  return depth === 0;
}
