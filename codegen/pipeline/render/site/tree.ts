/**
 * A payload as a tree people can read: one entry per field (nested objects, array items, map
 * values and union variants under their parent), each with its type, whether it is required, its
 * constraints, enum values, sensitive and deprecated marks and description, and an anchor to link
 * to. Shared types are linked to their own pages, not expanded.
 */
import type { PropertyNode, SchemaNode } from '../../model.ts';
import { constraints, typeLabel, type LabelFormat } from '../schema-labels.ts';
import { code, escapeHtml, fieldId, pagePath } from './html.ts';

/** One entry of the tree: a field, or a place inside one (an item, a variant, a map value). */
interface Entry {
  readonly label: string;
  /** Its path in the payload, unique within the tree: the anchor. */
  readonly path: string;
  readonly node: SchemaNode;
  readonly required?: boolean;
  readonly annotations?: Pick<PropertyNode, 'description' | 'deprecated' | 'sensitive'>;
}

export interface TreeOptions {
  /** The way to the site's root from the page the tree is on. */
  readonly root: string;
  /** Keeps anchors unique when a page shows several trees (earlier versions): `v1-`. */
  readonly idPrefix: string;
}

function format(root: string): LabelFormat {
  return { code, ref: (type) => `<a href="${escapeHtml(root + pagePath.type(type))}">${escapeHtml(type)}</a>`, or: ' | ' };
}

const joinPath = (parent: string, child: string): string => (parent === '' ? child : `${parent}.${child}`);

/** The entries directly under a value: its fields, or those of its items, variants, parts and map values. */
function children(node: SchemaNode, path: string): Entry[] {
  switch (node.kind) {
    case 'object':
      return [
        ...node.properties.map((property) => ({
          label: property.name,
          path: joinPath(path, property.name),
          node: property.schema,
          required: property.required,
          annotations: property,
        })),
        ...node.requiredOnly.map((name) => ({ label: name, path: joinPath(path, name), node: { kind: 'unknown' } as const, required: true })),
        ...node.patterns.map((each, index) => ({ label: `keys matching /${each.pattern}/`, path: `${path}{pattern${index + 1}}`, node: each.schema })),
        ...(typeof node.additional === 'object' ? [{ label: 'any other key', path: `${path}{*}`, node: node.additional }] : []),
      ];
    case 'array':
      return [
        ...node.prefix.map((item, index) => ({ label: `item ${index}`, path: `${path}[${index}]`, node: item })),
        ...(node.items.kind === 'never' ? [] : expandable(node.items) ? [{ label: node.prefix.length > 0 ? 'later items' : 'each item', path: `${path}[]`, node: node.items }] : []),
      ];
    case 'union':
      return node.variants.filter(expandable).map((variant, index) => ({ label: `${node.exclusive ? 'one of' : 'any of'}, variant ${index + 1}`, path: `${path}(${index + 1})`, node: variant }));
    case 'intersection':
      return node.parts.filter(expandable).map((part, index) => ({ label: `all of, part ${index + 1}`, path: `${path}&${index + 1}`, node: part }));
    case 'conditional':
      return [
        { label: 'if', path: `${path}?if`, node: node.if },
        ...(node.then === undefined ? [] : [{ label: 'then', path: `${path}?then`, node: node.then }]),
        ...(node.else === undefined ? [] : [{ label: 'else', path: `${path}?else`, node: node.else }]),
      ];
    case 'unevaluated':
      return children(node.schema, path);
    default:
      return [];
  }
}

/** Whether a value has anything under it worth a level of the tree (what `children` would list). */
function expandable(node: SchemaNode): boolean {
  switch (node.kind) {
    case 'object':
      return node.properties.length > 0 || node.requiredOnly.length > 0 || node.patterns.length > 0 || typeof node.additional === 'object';
    case 'array':
      return node.prefix.length > 0 || (node.items.kind !== 'never' && expandable(node.items));
    case 'union':
      return node.variants.some(expandable);
    case 'intersection':
      return node.parts.some(expandable);
    case 'conditional':
      return true;
    case 'unevaluated':
      return expandable(node.schema);
    default:
      return false;
  }
}

/** An array's items (or a field that is one) are shown under the field itself, as `field[]`. */
function entryChildren(entry: Entry): Entry[] {
  const { node } = entry;
  if (node.kind === 'array' && node.prefix.length === 0 && node.items.kind === 'object') return children(node.items, `${entry.path}[]`);
  return children(node, entry.path);
}

function marks(entry: Entry, labels: LabelFormat): string {
  const parts: string[] = [];
  if (entry.required === true) parts.push('<span class="mark required">required</span>');
  else if (entry.required === false) parts.push('<span class="mark optional">optional</span>');
  if (entry.annotations?.sensitive === true) parts.push('<span class="mark sensitive" title="x-sensitive: redacted in logs and the audit trail">sensitive</span>');
  if (entry.annotations?.deprecated === true) parts.push('<span class="mark deprecated">deprecated</span>');
  for (const each of constraints(entry.node, labels)) parts.push(`<span class="constraint">${each}</span>`);
  return parts.join(' ');
}

function renderEntry(entry: Entry, options: TreeOptions, labels: LabelFormat, out: string[]): void {
  const id = fieldId(options.idPrefix, entry.path);
  const below = entryChildren(entry);
  out.push(`<li id="${escapeHtml(id)}">`);
  out.push(`<div class="field"><a class="name" href="#${escapeHtml(id)}">${escapeHtml(entry.label)}</a> <span class="type">${typeLabel(entry.node, labels)}</span> ${marks(entry, labels)}</div>`);
  if (entry.annotations?.description !== undefined) out.push(`<p class="description">${escapeHtml(entry.annotations.description)}</p>`);
  if (below.length > 0) {
    out.push('<ul>');
    for (const child of below) renderEntry(child, options, labels, out);
    out.push('</ul>');
  }
  out.push('</li>');
}

/** The tree of a payload or a shared type, as HTML; a value that is not an object says what it is. */
export function renderTree(node: SchemaNode, options: TreeOptions): string {
  const labels = format(options.root);
  const top = children(node, '');
  if (top.length === 0) {
    const rules = constraints(node, labels);
    return `<p class="tree-value">${node.kind === 'object' ? 'No fields.' : `A value of type ${typeLabel(node, labels)}${rules.length === 0 ? '' : ` (${rules.join(', ')})`}.`}</p>`;
  }
  const out: string[] = [`<ul class="tree">`];
  for (const entry of top) renderEntry(entry, options, labels, out);
  out.push('</ul>');
  return out.join('\n');
}

/** Every entry of a tree, parents before their children. */
function entriesOf(node: SchemaNode): Entry[] {
  const out: Entry[] = [];
  const visit = (entries: readonly Entry[]): void => {
    for (const entry of entries) {
      out.push(entry);
      visit(entryChildren(entry));
    }
  };
  visit(children(node, ''));
  return out;
}

/** The path of every entry of a tree: the anchors a link into it may use. */
export function treePaths(node: SchemaNode): Set<string> {
  return new Set(entriesOf(node).map((entry) => entry.path));
}

/** The field names and descriptions under a payload, for the search index: `[path, name, description]`. */
export function fieldsOf(node: SchemaNode): [path: string, name: string, description: string][] {
  return entriesOf(node).flatMap((entry): [string, string, string][] => (entry.annotations === undefined ? [] : [[entry.path, entry.label, entry.annotations.description ?? '']]));
}
