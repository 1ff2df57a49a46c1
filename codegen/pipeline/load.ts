/**
 * Stage 1: catalogue text → plain data, plus a locator that maps any path in that data back to
 * its line and column. Nothing here knows the catalogue format; it only reads YAML safely.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { Diagnostic, DocPath, Finding, SourcePosition } from '../catalogue/diagnostics.ts';
import { DIAGNOSTIC_CODES, toPointer } from '../catalogue/diagnostics.ts';

/** How many alias expansions one document may need; far above any real catalogue, far below a bomb. */
const MAX_ALIAS_COUNT = 1000;
/**
 * How deep a catalogue's YAML may nest (collections within collections). Far deeper than any
 * schema a person writes (a payload property 100 levels down is about 300), and shallow enough
 * that the YAML parser and every later stage stay within the stack: past about 400 levels of
 * flow collections the parser itself runs out.
 */
export const MAX_YAML_DEPTH = 300;

/** How deep a parsed document's collections nest, walked without recursion, and where the first collection past the limit starts. */
function yamlDepth(doc: Document): { depth: number; pastLimit: number | undefined } {
  let deepest = 0;
  let pastLimit: number | undefined;
  const stack: [unknown, number][] = [[doc.contents, 1]];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const [node, depth] = next;
    if (isMap(node) || isSeq(node)) {
      deepest = Math.max(deepest, depth);
      if (depth > MAX_YAML_DEPTH && pastLimit === undefined) pastLimit = node.range?.[0];
      for (const item of node.items) stack.push([isPair(item) ? item.value : item, depth + 1]);
    }
  }
  return { depth: deepest, pastLimit };
}

function nestingLimit(file: string, position: { line: number; column: number }): Diagnostic {
  return {
    code: 'nesting-limit',
    severity: 'error',
    message: `the YAML nests deeper than ${MAX_YAML_DEPTH} levels`,
    hint: 'move the deep parts into shared `types:` and `$ref` them, or flatten the structure',
    file,
    line: position.line,
    column: position.column,
    pointer: '',
  };
}

export interface LoadedCatalogue {
  readonly file: string;
  readonly data: unknown;
  /** Turns findings of later stages into positioned diagnostics. */
  readonly place: (finding: Finding) => Diagnostic;
}

export type LoadResult =
  | { readonly ok: true; readonly catalogue: LoadedCatalogue }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

type Located = { readonly range?: readonly [number, number, number] | null | undefined } | null | undefined;

function offsetOf(node: Located): number {
  return node?.range?.[0] ?? 0;
}

/** Where a node's text ends: a scalar's end, or the end of the first line of a collection. */
function endOf(node: unknown, text: string): number {
  const range = (node as Located)?.range;
  if (range === undefined || range === null) return 0;
  if (!isMap(node) && !isSeq(node)) return range[1];
  const lineEnd = text.indexOf('\n', range[0]);
  return lineEnd < 0 ? range[1] : Math.min(range[1], lineEnd);
}

/** The text span of the node at `path` (following aliases); the deepest node that exists when the path goes further. */
function locate(doc: Document, path: DocPath, atKey: boolean, text: string): readonly [number, number] {
  let node: unknown = doc.contents;
  let span: readonly [number, number] = [offsetOf(doc.contents as Located), endOf(doc.contents, text)];
  for (const [index, segment] of path.entries()) {
    if (isAlias(node)) node = node.resolve(doc);
    const last = index === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment));
      if (pair === undefined || !isPair(pair)) return span;
      if (last && atKey) return [offsetOf(pair.key as Located), endOf(pair.key, text)];
      node = pair.value;
      span = pair.value === null ? [offsetOf(pair.key as Located), endOf(pair.key, text)] : [offsetOf(pair.value as Located), endOf(pair.value, text)];
    } else if (isSeq(node) && typeof segment === 'number') {
      const item: unknown = node.items[segment];
      if (item === undefined) return span;
      node = item;
      span = [offsetOf(item as Located), endOf(item, text)];
    } else {
      return span;
    }
  }
  return span;
}

function positionAt(lineCounter: LineCounter, offset: number): SourcePosition {
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}

/** A diagnostic's start, and its end when it spans more than a point. */
function spanAt(lineCounter: LineCounter, [start, end]: readonly [number, number]): SourcePosition & { endLine?: number; endColumn?: number } {
  const from = positionAt(lineCounter, start);
  if (end <= start) return from;
  const to = positionAt(lineCounter, end);
  return { ...from, endLine: to.line, endColumn: to.column };
}

/**
 * Parsed pieces of a catalogue kept between edits (the language server keeps one per open file):
 * each top-level section and each event is parsed on its own, and a piece whose text did not
 * change is not parsed again.
 */
export class LoadCache {
  /** Whether the last text was read piece by piece (false: it needed the whole-document parse). */
  piecewise = false;
  /** How many pieces the last text had to parse (not found in the cache). */
  parsed = 0;
  #pieces = new Map<string, ParsedPiece>();
  #used = new Map<string, ParsedPiece>();

  /** The parsed piece and its data, from the cache when its text was seen before. */
  piece(text: string): ParsedPiece {
    let parsed = this.#used.get(text) ?? this.#pieces.get(text);
    if (parsed === undefined) {
      this.parsed++;
      const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false, strict: true });
      // Near the nesting limit the whole document decides (a piece sits a level or two lower).
      const sound = doc.errors.length === 0 && doc.warnings.length === 0 && yamlDepth(doc).depth <= MAX_YAML_DEPTH - 2;
      parsed = { doc, sound, data: sound ? (doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as unknown) : undefined };
    }
    this.#used.set(text, parsed);
    return parsed;
  }

  /** Keeps only the pieces of the latest text. */
  settle(): void {
    this.#pieces = this.#used;
    this.#used = new Map();
  }
}

interface ParsedPiece {
  readonly doc: Document;
  /** Parsed without any problem. */
  readonly sound: boolean;
  readonly data: unknown;
}

interface Piece {
  readonly doc: Document;
  /** Where the piece's text starts in the whole text, and the piece's text. */
  readonly start: number;
  readonly text: string;
}

/** Line starts of a text, for positions of offsets found in its pieces. */
function lineStarts(text: string): LineCounter {
  const counter = new LineCounter();
  counter.addNewLine(0);
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) counter.addNewLine(at + 1);
  return counter;
}

// What only a whole-document parse reads right: anchors and aliases, directives, document markers, tabs.
const NOT_PIECEWISE = /(?:^|[\s[{,])[&*][^\s,\]}]|^(?:---|\.\.\.|%)|^\t/m;
const TOP_KEY = /^[^\s#]/;
const EVENT_KEY = /^ {2}[^\s#]/;

/**
 * The catalogue from its pieces, when its layout allows (an `events:` block of events at two
 * spaces, no anchors); undefined otherwise, or when a piece has any problem: the whole-document
 * parse then reports exactly what it always does.
 */
function loadPiecewise(text: string, file: string, cache: LoadCache): LoadResult | undefined {
  if (NOT_PIECEWISE.test(text)) return undefined;
  const lines = text.split('\n');
  const pieces: { key: string | undefined; start: number; text: string }[] = [];
  let offset = 0;
  let current: { key: string | undefined; start: number; lines: string[] } | undefined;
  let inEvents = false;
  const flush = (): void => {
    if (current !== undefined) pieces.push({ key: current.key, start: current.start, text: current.lines.join('\n') });
  };
  for (const [index, line] of lines.entries()) {
    const last = index === lines.length - 1;
    const lineText = last ? line : `${line}\n`;
    if (TOP_KEY.test(line)) {
      flush();
      inEvents = /^events:\s*(?:#.*)?$/.test(line);
      if (!inEvents && /^events\s*:/.test(line)) return undefined;
      // The `events:` line is a piece of its own; each event after it is another.
      current = { key: inEvents ? 'events' : undefined, start: offset, lines: [lineText.replace(/\n$/, '')] };
      if (inEvents) {
        flush();
        current = undefined;
      }
    } else if (inEvents && EVENT_KEY.test(line)) {
      flush();
      current = { key: 'event', start: offset, lines: [lineText.replace(/\n$/, '')] };
    } else if (current !== undefined) {
      current.lines.push(lineText.replace(/\n$/, ''));
    } else if (line.trim() !== '' && !line.trimStart().startsWith('#')) {
      return undefined;
    }
    offset += lineText.length;
  }
  flush();
  if (!pieces.some((piece) => piece.key === 'events')) return undefined;

  const data: Record<string, unknown> = {};
  const events: Record<string, unknown> = {};
  const sections = new Map<string, Piece>();
  const eventPieces = new Map<string, Piece>();
  let eventsKey: Piece | undefined;
  let firstData: Piece | undefined;
  for (const { key, start, text: pieceText } of pieces) {
    const parsed = cache.piece(pieceText);
    if (!parsed.sound) return undefined;
    const doc = parsed.doc;
    const piece = { doc, start, text: pieceText };
    if (key === 'events' || (parsed.data !== null && parsed.data !== undefined)) firstData ??= piece;
    if (key === 'events') {
      if ('events' in data) return undefined;
      eventsKey = piece;
      data['events'] = events;
      continue;
    }
    const value = parsed.data;
    if (value === null || value === undefined) continue;
    if (typeof value !== 'object' || Array.isArray(value)) return undefined;
    for (const [name, each] of Object.entries(value as Record<string, unknown>)) {
      const target = key === 'event' ? events : data;
      // A key twice across pieces: the whole-document parse names the duplicate.
      if (Object.hasOwn(target, name) || name === '__proto__') return undefined;
      target[name] = each;
      (key === 'event' ? eventPieces : sections).set(name, piece);
    }
  }
  const counter = lineStarts(text);
  const place = (finding: Finding): Diagnostic => {
    const [first, second] = finding.path;
    const event = first === 'events' && typeof second === 'string' ? eventPieces.get(second) : undefined;
    const piece = event ?? (first === 'events' ? eventsKey : sections.get(String(first)));
    const [start, end] = piece === undefined
      ? [0, 0]
      : event !== undefined
        ? locate(event.doc, finding.path.slice(1), finding.atKey ?? false, event.text)
        : first === 'events'
          ? [0, 'events'.length]
          : locate(piece.doc, finding.path, finding.atKey ?? false, piece.text);
    const base = piece?.start ?? firstData?.start ?? 0;
    if (piece === undefined && firstData !== undefined) {
      // The whole document, as the whole-document parse places it: its first key's line.
      const lineEnd = text.indexOf('\n', base);
      return { code: finding.code, severity: DIAGNOSTIC_CODES[finding.code].severity, message: finding.message, ...(finding.hint === undefined ? {} : { hint: finding.hint }), file, ...spanAt(counter, [base, lineEnd < 0 ? text.length : lineEnd]), pointer: toPointer(finding.path) };
    }
    return {
      code: finding.code,
      severity: DIAGNOSTIC_CODES[finding.code].severity,
      message: finding.message,
      ...(finding.hint === undefined ? {} : { hint: finding.hint }),
      file,
      ...spanAt(counter, [base + start, base + end]),
      pointer: toPointer(finding.path),
    };
  };
  return { ok: true, catalogue: { file, data, place } };
}

/**
 * Parses catalogue text; every YAML problem is reported at once, with its position. With a
 * cache, sections and events whose text did not change since the last call are not parsed again.
 */
export function loadCatalogue(text: string, file: string, cache?: LoadCache): LoadResult {
  if (cache !== undefined) {
    cache.parsed = 0;
    const loaded = loadPiecewise(text, file, cache);
    cache.piecewise = loaded !== undefined;
    cache.settle();
    if (loaded !== undefined) return loaded;
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, strict: true });
  const allProblems = [...doc.errors, ...doc.warnings].map((problem): Diagnostic => {
    const code = problem.code === 'DUPLICATE_KEY' ? 'duplicate-key' : 'yaml-syntax';
    const message = problem.message.split('\n')[0] ?? problem.message;
    const hint = code === 'duplicate-key' ? 'Keep one of the two keys; YAML would silently keep only one.' : problem.code === 'TAB_AS_INDENT' ? 'indent with spaces: YAML does not allow tabs for indentation' : undefined;
    return {
      code,
      severity: 'error',
      message,
      ...(hint === undefined ? {} : { hint }),
      file,
      ...spanAt(lineCounter, problem.pos),
      pointer: '',
    };
  });
  // One mistake, one diagnostic: the parser's later complaints about a line it already could not
  // read (a tab gives three) follow from the first.
  const yamlProblems = allProblems.filter((problem, index) => problem.code !== 'yaml-syntax' || !allProblems.slice(0, index).some((earlier) => earlier.code === 'yaml-syntax' && earlier.line === problem.line));
  // The parser runs out of stack on very deep flow collections: that is the nesting limit too.
  const exhausted = doc.errors.find((problem) => problem.code === 'RESOURCE_EXHAUSTION' && /call stack/i.test(problem.message));
  if (exhausted !== undefined) return { ok: false, diagnostics: [nestingLimit(file, spanAt(lineCounter, exhausted.pos))] };
  if (yamlProblems.length > 0) return { ok: false, diagnostics: yamlProblems };
  const nesting = yamlDepth(doc);
  if (nesting.depth > MAX_YAML_DEPTH) return { ok: false, diagnostics: [nestingLimit(file, spanAt(lineCounter, [nesting.pastLimit ?? 0, nesting.pastLimit ?? 0]))] };

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    // The yaml library throws a ReferenceError when aliases would expand past the limit.
    if (!(error instanceof ReferenceError)) throw error;
    return {
      ok: false,
      diagnostics: [
        {
          code: 'yaml-alias-limit',
          severity: 'error',
          message: `YAML aliases expand past ${MAX_ALIAS_COUNT} nodes`,
          hint: 'Write the repeated parts out, or move them into shared `types:` and use `$ref`.',
          file,
          line: 1,
          column: 1,
          pointer: '',
        },
      ],
    };
  }

  const place = (finding: Finding): Diagnostic => ({
    code: finding.code,
    severity: DIAGNOSTIC_CODES[finding.code].severity,
    message: finding.message,
    ...(finding.hint === undefined ? {} : { hint: finding.hint }),
    file,
    ...spanAt(lineCounter, locate(doc, finding.path, finding.atKey ?? false, text)),
    pointer: toPointer(finding.path),
  });
  return { ok: true, catalogue: { file, data, place } };
}
