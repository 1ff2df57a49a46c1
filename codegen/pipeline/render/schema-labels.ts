/**
 * A schema node in words, for the documents people read (EVENTS.md and the web catalogue): its
 * type and its constraints. Each document formats code and shared-type links its own way.
 */
import type { SchemaNode } from '../model.ts';

export interface LabelFormat {
  /** A literal, a pattern or a keyword, as code. */
  readonly code: (text: string) => string;
  /** A shared type, as a link to where it is described. */
  readonly ref: (type: string) => string;
  /** Between the values of an enum. */
  readonly or: string;
}

export function typeLabel(node: SchemaNode, format: LabelFormat): string {
  const label = (each: SchemaNode): string => typeLabel(each, format);
  switch (node.kind) {
    case 'ref':
      return format.ref(node.type);
    case 'number':
      return node.integer ? 'integer' : 'number';
    case 'literal':
      return node.values.map((value) => format.code(JSON.stringify(value))).join(format.or);
    case 'array':
      return node.prefix.length > 0 ? `tuple [${[...node.prefix.map(label), ...(node.items.kind === 'never' ? [] : [`…${label(node.items)}`])].join(', ')}]` : `array of ${label(node.items)}`;
    case 'not':
      return `not ${label(node.schema)}`;
    case 'conditional':
      // The branches' keywords say more than a label could: the JSON Schema export has them.
      return `${format.code('if')}/${format.code('then')}/${format.code('else')}`;
    case 'byKind':
      return `any (${node.cases.map((each) => `${each.kind} ${constraints(each.node, format).join(', ') || 'constrained'}`).join('; ')})`;
    case 'never':
      return `nothing (${format.code('false')})`;
    case 'union':
      return node.variants.map(label).join(' or ');
    case 'intersection':
      return node.parts.map(label).join(' and ');
    case 'unknown':
      return 'any';
    case 'unevaluated':
      return `${label(node.schema)}, nothing unevaluated${node.properties === undefined || node.properties.kind === 'never' ? '' : ' but as allowed'}`;
    case 'object':
      return node.additional === false ? 'object' : 'object (open)';
    default:
      return node.kind;
  }
}

export function constraints(node: SchemaNode, format: LabelFormat): string[] {
  switch (node.kind) {
    case 'string':
      return [
        ...(node.format === undefined ? [] : [`format ${node.format}`]),
        ...(node.minLength === undefined && node.maxLength === undefined ? [] : [`${node.minLength ?? 0}–${node.maxLength ?? '∞'} characters`]),
        ...(node.pattern === undefined ? [] : [`matches ${format.code(node.pattern)}`]),
      ];
    case 'number':
      return [
        ...(node.format === undefined ? [] : [`format ${node.format}`]),
        ...(node.minimum === undefined ? [] : [`≥ ${node.minimum}`]),
        ...(node.exclusiveMinimum === undefined ? [] : [`> ${node.exclusiveMinimum}`]),
        ...(node.maximum === undefined ? [] : [`≤ ${node.maximum}`]),
        ...(node.exclusiveMaximum === undefined ? [] : [`< ${node.exclusiveMaximum}`]),
        ...(node.multipleOf === undefined ? [] : [`multiple of ${node.multipleOf}`]),
      ];
    case 'array':
      return [
        ...(node.minItems === undefined && node.maxItems === undefined ? [] : [`${node.minItems ?? 0}–${node.maxItems ?? '∞'} items`]),
        ...(node.uniqueItems ? ['unique items'] : []),
        ...constraints(node.items, format).map((each) => `each: ${each}`),
      ];
    case 'union': {
      const nullable = node.variants.some((variant) => variant.kind === 'null');
      return [...(nullable ? ['may be null'] : []), ...node.variants.flatMap((variant) => constraints(variant, format))];
    }
    default:
      return [];
  }
}
