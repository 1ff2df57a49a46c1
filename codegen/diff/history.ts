/**
 * Keeping an event's history: the current payload schema as an entry of `previous:`, frozen so
 * that later changes to shared types cannot change it (each shared type it uses, directly or
 * through others, is copied into its `$defs`). `eventspec bump` writes it into the catalogue;
 * `eventspec diff` prints it when a version was bumped and the old one was not kept.
 */
import { Document, isMap, isScalar, isSeq, visit } from 'yaml';
import { pascalCase } from '../catalogue/naming.ts';
import { holdsData, subSchemas, type CatalogueDocument, type JsonSchema, type SubSchema } from '../catalogue/types.ts';
import type { CatalogueModel } from '../pipeline/model.ts';
import { breaks, type DiffReport } from './diff.ts';
import type { KeepAdvice } from './format-diff.ts';

const TYPE_REF = /^#\/types\/(.+)$/;

function typeRefs(schema: SubSchema): string[] {
  if (typeof schema === 'boolean') return [];
  const own = TYPE_REF.exec(schema.$ref ?? '')?.[1];
  return [...(own === undefined ? [] : [own]), ...subSchemas(schema).flatMap((child) => typeRefs(child.schema))];
}

/** `#/types/Name` → `#/$defs/<key of Name>` everywhere a schema is (never inside data such as `enum`). */
function localRefs(schema: SubSchema, keyOf: (name: string) => string): SubSchema {
  const convert = (value: unknown, key: string | undefined): unknown => {
    if (Array.isArray(value)) return value.map((item) => convert(item, undefined));
    if (typeof value !== 'object' || value === null || holdsData(key)) return value;
    return Object.fromEntries(Object.entries(value).map(([name, child]) => [name, name === '$ref' && typeof child === 'string' ? child.replace(TYPE_REF, (_match, type: string) => `#/$defs/${keyOf(type)}`) : convert(child, name)]));
  };
  return convert(schema, undefined) as SubSchema;
}

/** An event's payload schema on its own: every shared type it uses copied into `$defs`. */
export function frozenPayload(document: CatalogueDocument, event: string): JsonSchema {
  const payload = document.events[event]?.payload ?? {};
  const types = document.types ?? {};
  const used: string[] = [];
  const collect = (name: string): void => {
    if (used.includes(name) || !Object.hasOwn(types, name)) return;
    used.push(name);
    for (const next of typeRefs(types[name] ?? {})) collect(next);
  };
  for (const name of typeRefs(payload)) collect(name);
  // The payload's own definitions were lifted as `<Event><Key>`: they go back under their key.
  const prefix = pascalCase(event);
  const keys = new Map(used.map((name) => [name, name]));
  for (const name of used) {
    const short = name.slice(prefix.length);
    if (name.startsWith(prefix) && /^[A-Z]/.test(short) && ![...keys.values()].includes(short)) keys.set(name, short);
  }
  const rename = (schema: SubSchema): SubSchema => localRefs(schema, (name) => keys.get(name) ?? name);
  const frozen = rename(payload) as JsonSchema;
  if (used.length === 0) return frozen;
  return { ...frozen, $defs: Object.fromEntries(used.map((name) => [keys.get(name) ?? name, rename(types[name] ?? {})])) };
}

/** The `previous:` entry that keeps an event's current version. */
export function historyEntry(document: CatalogueDocument, event: string, upcast?: string): { readonly version: number; readonly upcast?: string; readonly payload: JsonSchema } {
  return { version: document.events[event]?.version ?? 1, ...(upcast === undefined ? {} : { upcast }), payload: frozenPayload(document, event) };
}

/** The entry as a YAML list item, each line indented by `indent`: short collections in flow style (`{ type: string }`), as catalogues are usually written. */
export function entryYaml(entry: ReturnType<typeof historyEntry>, indent: string): string {
  const doc = new Document([entry]);
  const short = (_key: unknown, node: unknown): void => {
    if ((isMap(node) || isSeq(node)) && JSON.stringify(node.toJSON()).length <= 60) node.flow = true;
  };
  visit(doc, { Map: short, Seq: short });
  // The list, the entry itself and its payload stay in block style.
  if (isSeq(doc.contents)) doc.contents.flow = false;
  const item = doc.getIn([0], true);
  if (isMap(item)) {
    item.flow = false;
    const payload = item.get('payload', true);
    if (isMap(payload)) payload.flow = false;
    // Quoted, so that whatever replaces the text (backticks, colons) stays one string.
    const upcast = item.get('upcast', true);
    if (isScalar(upcast)) upcast.type = 'QUOTE_DOUBLE';
  }
  return doc.toString({ lineWidth: 0 }).split('\n').filter((line) => line !== '').map((line) => `${indent}${line}\n`).join('');
}

/**
 * Each event whose version went up (or must, for a breaking change) while the new catalogue does
 * not keep the old version: the `previous:` entry to paste, made from the old catalogue.
 */
export function keepAdvice(report: DiffReport, before: { readonly document: CatalogueDocument }, after: { readonly model: CatalogueModel }): KeepAdvice[] {
  return report.events.flatMap((verdict): KeepAdvice[] => {
    const next = after.model.events.find((event) => event.name === verdict.event);
    if (verdict.oldVersion === undefined || verdict.newVersion === undefined || next === undefined) return [];
    if (next.previous.some((kept) => kept.version === verdict.oldVersion)) return [];
    const rewritten = verdict.changes.some((change) => change.rule === 'history-changed');
    const bump = verdict.unacknowledged && !rewritten ? verdict.oldVersion + 1 : undefined;
    if (verdict.newVersion <= verdict.oldVersion && bump === undefined) return [];
    const breaking = verdict.changes.some((change) => breaks(change.effect, 'backward') && change.rule !== 'history-changed');
    const entry = historyEntry(before.document, verdict.event, breaking ? '<what the upcaster does>' : undefined);
    const hasHistory = next.previous.length > 0;
    const yaml = entryYaml(entry, '      ');
    return [{ event: verdict.event, version: verdict.oldVersion, ...(bump === undefined ? {} : { bump }), hasHistory, yaml: hasHistory ? yaml : `    previous:\n${yaml}` }];
  });
}
