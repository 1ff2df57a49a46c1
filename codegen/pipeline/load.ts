/**
 * Stage 1: catalogue text → plain data, plus a locator that maps any path in that data back to
 * its line and column. Nothing here knows the catalogue format; it only reads YAML safely.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { Diagnostic, DocPath, Finding, SourcePosition } from '../catalogue/diagnostics.ts';
import { DIAGNOSTIC_CODES, toPointer } from '../catalogue/diagnostics.ts';

/** How many alias expansions one document may need; far above any real catalogue, far below a bomb. */
const MAX_ALIAS_COUNT = 1000;

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

/** Parses catalogue text; every YAML problem is reported at once, with its position. */
export function loadCatalogue(text: string, file: string): LoadResult {
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
  if (yamlProblems.length > 0) return { ok: false, diagnostics: yamlProblems };

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
