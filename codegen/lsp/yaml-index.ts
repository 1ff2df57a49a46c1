/**
 * Where things are in a catalogue's text, for the editor: the YAML node under the cursor as a
 * path into the catalogue, the span of any path, and every `$ref`. Built with the same parser
 * lint uses; it reads half-typed and broken files too (the parser recovers what it can).
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { DocPath } from '../catalogue/diagnostics.ts';

export interface Span {
  readonly start: number;
  readonly end: number;
}

/** What the cursor is on: a key, or a scalar value, and the path to it. */
export interface Found {
  readonly path: DocPath;
  readonly onKey: boolean;
  /** The key's or the scalar's text span, and the scalar's value. */
  readonly span: Span;
  readonly value: unknown;
}

export interface RefSite {
  readonly path: DocPath;
  readonly ref: string;
  /** The span of the reference's text (the value of `$ref`). */
  readonly span: Span;
}

const spanOf = (node: { readonly range?: readonly [number, number, number] | null } | null | undefined): Span | undefined => {
  const range = node?.range;
  return range === undefined || range === null ? undefined : { start: range[0], end: range[1] };
};

export class YamlIndex {
  readonly #doc: Document;
  readonly lines: LineCounter;
  readonly text: string;

  constructor(text: string) {
    this.text = text;
    this.lines = new LineCounter();
    this.#doc = parseDocument(text, { lineCounter: this.lines, uniqueKeys: false, prettyErrors: false });
  }

  /** The key or scalar at `offset`, with its path. */
  at(offset: number): Found | undefined {
    const visit = (node: unknown, path: DocPath): Found | undefined => {
      if (isMap(node)) {
        for (const pair of node.items) {
          if (!isPair(pair) || !isScalar(pair.key)) continue;
          const key = String(pair.key.value);
          const keySpan = spanOf(pair.key);
          if (keySpan !== undefined && offset >= keySpan.start && offset <= keySpan.end) return { path: [...path, key], onKey: true, span: keySpan, value: key };
          const valueSpan = spanOf(pair.value as Node | null);
          if (valueSpan !== undefined && offset >= valueSpan.start && offset <= valueSpan.end) return visit(pair.value, [...path, key]);
        }
        return undefined;
      }
      if (isSeq(node)) {
        for (const [index, item] of node.items.entries()) {
          const itemSpan = spanOf(item as Node | null);
          if (itemSpan !== undefined && offset >= itemSpan.start && offset <= itemSpan.end) return visit(item, [...path, index]);
        }
        return undefined;
      }
      if (isScalar(node)) {
        const span = spanOf(node);
        return span === undefined ? undefined : { path, onKey: false, span, value: node.value };
      }
      return undefined;
    };
    return visit(this.#doc.contents, []);
  }

  /** The span of a path's key (`onKey`) or value; undefined when the path is not in the text. */
  span(path: DocPath, onKey: boolean): Span | undefined {
    let node: unknown = this.#doc.contents;
    for (const [index, segment] of path.entries()) {
      if (isMap(node)) {
        const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment));
        if (pair === undefined || !isPair(pair)) return undefined;
        if (index === path.length - 1 && onKey) return spanOf(pair.key as Node);
        node = pair.value;
      } else if (isSeq(node) && typeof segment === 'number') {
        node = node.items[segment];
      } else {
        return undefined;
      }
    }
    return spanOf(node as Node | null);
  }

  /** The keys of the mapping at `path`, each with its span. */
  keys(path: DocPath): { readonly key: string; readonly span: Span }[] {
    let node: unknown = this.#doc.contents;
    for (const segment of path) {
      if (!isMap(node)) return [];
      const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment));
      node = pair !== undefined && isPair(pair) ? pair.value : undefined;
    }
    if (!isMap(node)) return [];
    return node.items.flatMap((pair) => {
      const span = isPair(pair) && isScalar(pair.key) ? spanOf(pair.key) : undefined;
      return span === undefined || !isPair(pair) || !isScalar(pair.key) ? [] : [{ key: String(pair.key.value), span }];
    });
  }

  /** Every `$ref` in the file, with where its text is. */
  refs(): RefSite[] {
    const found: RefSite[] = [];
    const visit = (node: unknown, path: DocPath): void => {
      if (isMap(node)) {
        for (const pair of node.items) {
          if (!isPair(pair) || !isScalar(pair.key)) continue;
          const key = String(pair.key.value);
          const span = spanOf(pair.value as Node | null);
          if (key === '$ref' && isScalar(pair.value) && typeof pair.value.value === 'string' && span !== undefined) found.push({ path: [...path, key], ref: pair.value.value, span });
          else visit(pair.value, [...path, key]);
        }
      } else if (isSeq(node)) {
        node.items.forEach((item, index) => visit(item, [...path, index]));
      }
    };
    visit(this.#doc.contents, []);
    return found;
  }

  #data: { readonly value: unknown } | undefined;

  /** The document as plain data (what the parser could read of it); worked out once. */
  data(): unknown {
    if (this.#data === undefined) {
      let value: unknown;
      try {
        value = this.#doc.toJS({ maxAliasCount: 1000 });
      } catch {
        value = undefined;
      }
      this.#data = { value };
    }
    return this.#data.value;
  }

  /** 0-based line and character of an offset, as LSP counts them. */
  position(offset: number): { line: number; character: number } {
    const { line, col } = this.lines.linePos(offset);
    return { line: line - 1, character: col - 1 };
  }

  /** The offset of an LSP position. */
  offset(position: { line: number; character: number }): number {
    const starts = this.lines.lineStarts;
    return (starts[position.line] ?? this.text.length) + position.character;
  }
}
