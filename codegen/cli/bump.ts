/**
 * `eventspec bump <event>`: the first step of a breaking change. The event's current payload
 * schema moves into its history (`previous:`, shared types copied in so it stays as it was) and
 * its `version` goes up by one; the payload itself is left for the user to change. The file is
 * edited in place, its comments and layout kept.
 */
import { isMap, isScalar, isSeq, parseDocument, type Node, type YAMLMap } from 'yaml';
import type { Diagnostic } from '../catalogue/diagnostics.ts';
import { closest } from '../catalogue/suggest.ts';
import { entryYaml, historyEntry } from '../diff/history.ts';
import { lintCatalogue } from '../pipeline/index.ts';

function columnOf(text: string, offset: number): number {
  return offset - (text.lastIndexOf('\n', offset - 1) + 1);
}

/** Text edits, applied from the end so earlier offsets stay right. */
function applyEdits(text: string, edits: { at: number; remove: number; insert: string }[]): string {
  let result = text;
  for (const edit of [...edits].sort((a, b) => b.at - a.at)) result = result.slice(0, edit.at) + edit.insert + result.slice(edit.at + edit.remove);
  return result;
}

export type BumpResult =
  | { readonly ok: true; readonly text: string; readonly from: number; readonly to: number }
  | { readonly ok: false; readonly message: string; readonly diagnostics?: readonly Diagnostic[] };

export function bumpEvent(text: string, file: string, event: string, upcast?: string): BumpResult {
  const linted = lintCatalogue(text, file);
  if (!linted.ok) return { ok: false, message: `${file} has errors; fix them before bumping a version`, diagnostics: linted.diagnostics };
  if (!Object.hasOwn(linted.document.events, event)) {
    const near = closest(event, Object.keys(linted.document.events));
    return { ok: false, message: `${file} has no event ${JSON.stringify(event)}${near === undefined ? '' : `; did you mean ${near}?`}` };
  }
  const entry = historyEntry(linted.document, event, upcast);
  const to = entry.version + 1;
  // What is inserted ends its lines as the file does (Windows line ends stay Windows ones).
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const source = text.endsWith('\n') ? text : `${text}${eol}`;
  const doc = parseDocument(source);
  const node = doc.getIn(['events', event], true);
  if (!isMap(node) || node.flow === true || node.range === undefined || node.range === null) {
    return { ok: false, message: `events.${event} is written in flow style ({ ... }); bump edits block-style events: write it as a block, or copy its payload under \`previous:\` by hand` };
  }
  const eventMap = node as YAMLMap<Node, Node>;
  const firstKey = eventMap.items[0]?.key;
  const keyIndent = ' '.repeat(isScalar(firstKey) && firstKey.range != null ? columnOf(source, firstKey.range[0]) : 4);
  const edits: { at: number; remove: number; insert: string }[] = [];
  const pairOf = (name: string) => eventMap.items.find((pair) => isScalar(pair.key) && pair.key.value === name);
  const version = pairOf('version')?.value;
  if (version != null && version.range != null) {
    edits.push({ at: version.range[0], remove: version.range[1] - version.range[0], insert: String(to) });
  } else {
    // `version` goes right after `description`, where a reader looks for it.
    const description = pairOf('description')?.value;
    const lineEnd = description?.range == null ? -1 : source.indexOf('\n', description.range[1] - 1);
    if (lineEnd === -1) return { ok: false, message: `events.${event} has no \`description\` line to put \`version\` after` };
    edits.push({ at: lineEnd + 1, remove: 0, insert: `${keyIndent}version: ${to}\n` });
  }
  const previous = pairOf('previous')?.value;
  if (previous != null) {
    if (!isSeq(previous) || previous.flow === true || previous.range == null || previous.items.length === 0) return { ok: false, message: `events.${event}.previous is not a block list; add the entry by hand` };
    const first = previous.items[0] as Node | undefined;
    const dash = first?.range == null ? previous.range[0] : source.lastIndexOf('-', first.range[0]);
    edits.push({ at: previous.range[2], remove: 0, insert: entryYaml(entry, ' '.repeat(columnOf(source, dash))) });
  } else {
    edits.push({ at: node.range[2], remove: 0, insert: `${keyIndent}previous:\n${entryYaml(entry, `${keyIndent}  `)}` });
  }
  const bumped = applyEdits(source, edits.map((edit) => ({ ...edit, insert: edit.insert.replaceAll('\n', eol) })));
  const check = lintCatalogue(bumped, file);
  // The kept schema is the current one, so the new step is compatible: anything else is our bug.
  if (!check.ok) return { ok: false, message: `the bumped catalogue would not lint (a bug in eventspec bump; the file is unchanged)`, diagnostics: check.diagnostics };
  return { ok: true, text: bumped, from: entry.version, to };
}
