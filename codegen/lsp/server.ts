/**
 * `eventspec lsp`: a language server over stdio for catalogue files. Diagnostics come from the
 * pipeline's lint (the same code, codes, hints and severities as the CLI), debounced as the user
 * types; hover, go to definition, references, rename, completion and quick fixes read the text
 * through `YamlIndex`, so they work on half-typed, broken files too.
 */
import { fileURLToPath } from 'node:url';
import { basename } from 'node:path';
import {
  CodeActionKind,
  CompletionItemKind,
  createConnection,
  DiagnosticSeverity,
  MarkupKind,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type CodeAction,
  type CompletionItem,
  type Connection,
  type Diagnostic as LspDiagnostic,
  type Location,
  type Range,
  type TextEdit,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { FORMAT_TYPES } from 'eventspec/payload';
import { domainOf, eventNames, typeNames, versionNames } from '../catalogue/naming.ts';
import { holdsData } from '../catalogue/types.ts';
import { diagnoseCatalogue } from '../pipeline/index.ts';
import { LoadCache } from '../pipeline/load.ts';
import { KEYWORD_DOCS } from '../pipeline/validate/schema-keywords.ts';
import { YamlIndex, type Span } from './yaml-index.ts';
import { completesServiceEntry, serviceHover, serviceReferences, servicesOf, usageLine } from './services.ts';

/** The hover line that lists an event's kept versions, when it has some. */
function keptVersions(name: string, previous: unknown): string[] {
  if (!Array.isArray(previous) || previous.length === 0) return [];
  const versions = previous.flatMap((entry: unknown) => (typeof (entry as { version?: unknown } | null)?.version === 'number' ? [(entry as { version: number }).version] : []));
  return [`Earlier versions kept: ${versions.join(', ')} (read and upcast; \`${versionNames(name, versions[0] ?? 1).payloadInterface}\`…)`];
}

/** What rename, references and go to definition work on. */
type Named = { readonly kind: 'type' | 'domain' | 'event' | 'service'; readonly name: string };

/** How long typing must pause before the catalogue is linted again. */
const DEBOUNCE_MS = 150;
const TYPE_REF = /^#\/types\/(.+)$/;

function fileName(uri: string): string {
  try {
    return basename(fileURLToPath(uri));
  } catch {
    return uri;
  }
}

/** Where `path` sits in the catalogue: which event's payload, which shared type, or neither. */
function inSchema(path: readonly (string | number)[]): boolean {
  return (path[0] === 'events' && path[2] === 'payload') || (path[0] === 'types' && path.length >= 2);
}

/** Whether the key at the end of `path` is a keyword of a schema (not a property name, nor data). */
function isKeywordPath(path: readonly (string | number)[]): boolean {
  if (!inSchema(path)) return false;
  const schemaPath = path.slice(path[0] === 'events' ? 3 : 2);
  // Keys under `properties`, `patternProperties`, `$defs`, `dependentSchemas` are names; under `enum`, `const`… data.
  let keyword = true;
  for (const segment of schemaPath.slice(0, -1)) {
    if (!keyword) keyword = true;
    else if (['properties', 'patternProperties', '$defs', 'dependentSchemas'].includes(String(segment))) keyword = false;
    else if (holdsData(String(segment))) return false;
  }
  return keyword;
}

export function startServer(connection: Connection = createConnection(ProposedFeatures.all, process.stdin, process.stdout)): Promise<void> {
  const documents = new TextDocuments(TextDocument);
  const indexes = new Map<string, { version: number; index: YamlIndex }>();
  const timers = new Map<string, NodeJS.Timeout>();
  // Each open file's parsed sections and events: an edit re-parses only what it touched.
  const caches = new Map<string, LoadCache>();

  const indexOf = (uri: string): YamlIndex | undefined => {
    const document = documents.get(uri);
    if (document === undefined) return undefined;
    const cached = indexes.get(uri);
    if (cached?.version === document.version) return cached.index;
    const index = new YamlIndex(document.getText());
    indexes.set(uri, { version: document.version, index });
    return index;
  };
  const range = (index: YamlIndex, span: Span): Range => ({ start: index.position(span.start), end: index.position(span.end) });

  const lint = (uri: string): void => {
    const document = documents.get(uri);
    if (document === undefined) return;
    const file = fileName(uri);
    let cache = caches.get(uri);
    if (cache === undefined) caches.set(uri, (cache = new LoadCache()));
    const diagnostics = diagnoseCatalogue(document.getText(), file, { cache });
    const converted = diagnostics.map((diagnostic): LspDiagnostic => {
      const start = { line: diagnostic.line - 1, character: diagnostic.column - 1 };
      const end = diagnostic.endLine === undefined || diagnostic.endColumn === undefined ? { line: start.line, character: start.character + 1 } : { line: diagnostic.endLine - 1, character: diagnostic.endColumn - 1 };
      return {
        range: { start, end },
        severity: diagnostic.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
        code: diagnostic.code,
        source: 'eventspec',
        message: diagnostic.message,
        ...(diagnostic.hint === undefined ? {} : { relatedInformation: [{ location: { uri, range: { start, end } }, message: `hint: ${diagnostic.hint}` }] }),
      };
    });
    void connection.sendDiagnostics({ uri, version: document.version, diagnostics: converted });
  };
  const schedule = (uri: string): void => {
    clearTimeout(timers.get(uri));
    timers.set(uri, setTimeout(() => lint(uri), DEBOUNCE_MS));
  };

  connection.onInitialize(() => ({
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      hoverProvider: true,
      definitionProvider: true,
      referencesProvider: true,
      renameProvider: { prepareProvider: false },
      completionProvider: { triggerCharacters: ['/', '#', ':', ' '] },
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
    },
    serverInfo: { name: 'eventspec' },
  }));

  documents.onDidOpen((event) => lint(event.document.uri));
  documents.onDidChangeContent((event) => schedule(event.document.uri));
  documents.onDidClose((event) => {
    clearTimeout(timers.get(event.document.uri));
    indexes.delete(event.document.uri);
    caches.delete(event.document.uri);
    void connection.sendDiagnostics({ uri: event.document.uri, diagnostics: [] });
  });

  /** The shared type, domain, event or service a cursor names, wherever it names it. */
  const symbolAt = (index: YamlIndex, offset: number): Named | undefined => {
    const found = index.at(offset);
    if (found === undefined) return undefined;
    const { path, onKey, value } = found;
    if (onKey && path.length === 2 && path[0] === 'types') return { kind: 'type', name: String(path[1]) };
    if (onKey && path.length === 2 && path[0] === 'domains') return { kind: 'domain', name: String(path[1]) };
    if (onKey && path.length === 2 && path[0] === 'services') return { kind: 'service', name: String(path[1]) };
    // An event's name: its first segment names the domain, the rest the event.
    if (onKey && path.length === 2 && path[0] === 'events') {
      const name = String(path[1]);
      return offset - found.span.start <= domainOf(name).length ? { kind: 'domain', name: domainOf(name) } : { kind: 'event', name };
    }
    const reference = serviceReferences(index).find((each) => offset >= each.span.start && offset <= each.span.end);
    if (reference !== undefined) return { kind: reference.wildcard ? 'domain' : 'event', name: reference.name };
    const target = !onKey && path.at(-1) === '$ref' && typeof value === 'string' ? TYPE_REF.exec(value)?.[1] : undefined;
    return target === undefined ? undefined : { kind: 'type', name: target };
  };

  /** Every place a symbol is named: its declaration first. */
  const occurrences = (index: YamlIndex, symbol: Named): { span: Span; replace: (name: string) => string; declaration: boolean }[] => {
    const plain = (name: string): string => name;
    if (symbol.kind === 'service') {
      const declaration = index.keys(['services']).find((each) => each.key === symbol.name);
      return declaration === undefined ? [] : [{ span: declaration.span, replace: plain, declaration: true }];
    }
    if (symbol.kind === 'event') {
      const declaration = index.keys(['events']).find((each) => each.key === symbol.name);
      const uses = serviceReferences(index).filter((each) => !each.wildcard && each.name === symbol.name);
      return [
        ...(declaration === undefined ? [] : [{ span: declaration.span, replace: plain, declaration: true }]),
        ...uses.map((each) => ({ span: each.span, replace: plain, declaration: false })),
      ];
    }
    if (symbol.kind === 'type') {
      const declaration = index.keys(['types']).find((each) => each.key === symbol.name);
      const uses = index.refs().filter((site) => TYPE_REF.exec(site.ref)?.[1] === symbol.name);
      return [
        ...(declaration === undefined ? [] : [{ span: declaration.span, replace: (name: string) => name, declaration: true }]),
        ...uses.map((site) => ({ span: site.span, replace: (name: string) => `'#/types/${name}'`, declaration: false })),
      ];
    }
    const declaration = index.keys(['domains']).find((each) => each.key === symbol.name);
    const events = index.keys(['events']).filter((each) => domainOf(each.key) === symbol.name);
    const services = serviceReferences(index).filter((each) => (each.wildcard ? each.name === symbol.name : domainOf(each.name) === symbol.name));
    return [
      ...(declaration === undefined ? [] : [{ span: declaration.span, replace: plain, declaration: true }]),
      ...events.map((each) => ({ span: { start: each.span.start, end: each.span.start + symbol.name.length }, replace: plain, declaration: false })),
      ...services.map((each) => ({ span: { start: each.span.start, end: each.span.start + symbol.name.length }, replace: plain, declaration: false })),
    ];
  };

  connection.onHover((params) => {
    const index = indexOf(params.textDocument.uri);
    if (index === undefined) return null;
    const offset = index.offset(params.position);
    const found = index.at(offset);
    if (found === undefined) return null;
    const { path, onKey, value } = found;
    const text = (lines: string[]): { contents: { kind: typeof MarkupKind.Markdown; value: string }; range: Range } => ({ contents: { kind: MarkupKind.Markdown, value: lines.join('\n\n') }, range: range(index, found.span) });
    const data = indexDocument(index);
    if (onKey && path.length === 2 && path[0] === 'events') {
      const name = String(path[1]);
      const event = data.events[name];
      const names = eventNames(name);
      return text([
        `**${name}** — event, version ${typeof event?.['version'] === 'number' ? event['version'] : 1}, domain \`${domainOf(name)}\``,
        ...(typeof event?.['description'] === 'string' ? [event['description']] : []),
        `Generated: \`${names.payloadInterface}\`, \`${names.payloadSchema}\`, \`${names.emitHelper}()\`, \`EventType.${names.enumMember}\``,
        ...keptVersions(name, event?.['previous']),
        ...usageLine(index, name),
      ]);
    }
    if (onKey && path.length === 2 && path[0] === 'services') return text(serviceHover(String(path[1]), servicesOf(index)[String(path[1])]));
    const reference = serviceReferences(index).find((each) => offset >= each.span.start && offset <= each.span.end);
    if (reference !== undefined && !reference.wildcard) {
      const event = data.events[reference.name];
      if (event === undefined) return text([`\`${reference.name}\`: no event of that name`]);
      return text([`**${reference.name}** — event, version ${typeof event['version'] === 'number' ? event['version'] : 1}`, ...(typeof event['description'] === 'string' ? [event['description']] : []), ...usageLine(index, reference.name)]);
    }
    if (reference !== undefined) return text([`**${reference.name}.\*** — every event of the domain \`${reference.name}\``, String(data.domains[reference.name] ?? 'no domain of that name')]);
    // The `version` of an earlier version's entry: its generated names, and what its step does.
    if (onKey && path.length === 5 && path[0] === 'events' && path[2] === 'previous' && typeof path[3] === 'number' && path[4] === 'version') {
      const entry = (data.events[String(path[1])]?.['previous'] as unknown[] | undefined)?.[path[3]] as Record<string, unknown> | undefined;
      if (typeof entry?.['version'] === 'number') {
        const names = versionNames(String(path[1]), entry['version']);
        return text([
          `**${String(path[1])}** version ${entry['version']} — kept so that its events are still read`,
          typeof entry['upcast'] === 'string' ? `Upcast to the next version by code: ${entry['upcast']} (\`Upcasters["${String(path[1])}"].v${entry['version']}\`)` : 'Read as the next version as it is, unless lint finds the step breaking',
          `Generated: \`${names.payloadInterface}\`, \`${names.payloadSchema}\``,
        ]);
      }
    }
    if (onKey && path.length === 2 && path[0] === 'types') {
      const names = typeNames(String(path[1]));
      const schema = data.types[String(path[1])];
      return text([`**${String(path[1])}** — shared type`, ...(typeof schema?.['description'] === 'string' ? [schema['description']] : []), `Generated: \`${names.typeInterface}\`, \`${names.typeSchema}\`, \`${names.typeGuard}()\``]);
    }
    if (onKey && path.length === 2 && path[0] === 'domains') return text([`**${String(path[1])}** — domain`, String(data.domains[String(path[1])] ?? '')]);
    if (!onKey && path.at(-1) === '$ref' && typeof value === 'string') {
      const target = TYPE_REF.exec(value)?.[1];
      const schema = target === undefined ? undefined : data.types[target];
      if (target === undefined || schema === undefined) return text([`\`${value}\`: no shared type of that name`]);
      return text([`**${target}** — shared type${typeof schema['type'] === 'string' ? ` (${schema['type']})` : ''}`, ...(typeof schema['description'] === 'string' ? [schema['description']] : [])]);
    }
    if (onKey && isKeywordPath(path)) {
      const keyword = String(path.at(-1));
      const doc = Object.hasOwn(KEYWORD_DOCS, keyword) ? KEYWORD_DOCS[keyword as keyof typeof KEYWORD_DOCS] : undefined;
      if (doc !== undefined) return text([`**${keyword}** — JSON Schema keyword`, doc.description]);
      if (keyword === 'x-sensitive') return text(['**x-sensitive** — the value never reaches a log: the generated redactor conceals it']);
    }
    return null;
  });

  connection.onDefinition((params): Location[] | null => {
    const index = indexOf(params.textDocument.uri);
    if (index === undefined) return null;
    const symbol = symbolAt(index, index.offset(params.position));
    if (symbol === undefined) return null;
    const declaration = occurrences(index, symbol).find((each) => each.declaration);
    return declaration === undefined ? null : [{ uri: params.textDocument.uri, range: range(index, declaration.span) }];
  });

  connection.onReferences((params): Location[] | null => {
    const index = indexOf(params.textDocument.uri);
    if (index === undefined) return null;
    const symbol = symbolAt(index, index.offset(params.position));
    if (symbol === undefined) return null;
    return occurrences(index, symbol)
      .filter((each) => params.context.includeDeclaration || !each.declaration)
      .map((each) => ({ uri: params.textDocument.uri, range: range(index, each.span) }));
  });

  connection.onRenameRequest((params) => {
    const index = indexOf(params.textDocument.uri);
    if (index === undefined) return null;
    const symbol = symbolAt(index, index.offset(params.position));
    if (symbol === undefined) return null;
    const edits: TextEdit[] = occurrences(index, symbol).map((each) => ({ range: range(index, each.span), newText: each.replace(params.newName) }));
    return { changes: { [params.textDocument.uri]: edits } };
  });

  connection.onCompletion((params): CompletionItem[] => {
    const index = indexOf(params.textDocument.uri);
    const document = documents.get(params.textDocument.uri);
    if (index === undefined || document === undefined) return [];
    const offset = index.offset(params.position);
    const lineStart = index.offset({ line: params.position.line, character: 0 });
    const before = document.getText().slice(lineStart, offset);
    const data = indexDocument(index);
    if (/\$ref:\s*['"]?[#\w/]*$/.test(before)) {
      return Object.keys(data.types).map((name) => ({ label: `#/types/${name}`, kind: CompletionItemKind.Reference, insertText: `'#/types/${name}'`, detail: typeof data.types[name]?.['description'] === 'string' ? String(data.types[name]?.['description']) : 'shared type' }));
    }
    if (/format:\s*\S*$/.test(before)) {
      return Object.entries(FORMAT_TYPES).map(([name, type]) => ({ label: name, kind: CompletionItemKind.EnumMember, detail: `a ${type} format` }));
    }
    // An entry of a service's list: the events, and each domain as `domain.*`.
    const entryIndent = /^(\s*)/.exec(before)?.[1]?.length ?? 0;
    if (completesServiceEntry(before, enclosingPath(index, lineStart, entryIndent))) {
      return [
        ...Object.keys(data.events).map((name) => ({ label: name, kind: CompletionItemKind.Event, detail: typeof data.events[name]?.['description'] === 'string' ? String(data.events[name]?.['description']) : 'event' })),
        ...Object.keys(data.domains).map((domain) => ({ label: `${domain}.*`, kind: CompletionItemKind.Module, detail: `every event of ${domain}` })),
      ];
    }
    // A key being typed: the keywords of a schema, or the domains for an event's name.
    const indent = /^(\s*)[\w$-]*$/.exec(before)?.[1]?.length;
    if (indent === undefined) return [];
    const parent = enclosingPath(index, lineStart, indent);
    if (parent[0] === 'events' && parent.length === 1) return Object.keys(data.domains).map((domain) => ({ label: `${domain}.`, kind: CompletionItemKind.Module, detail: String(data.domains[domain] ?? '') }));
    if (isKeywordPath([...parent, 'x'])) {
      return [
        ...Object.entries(KEYWORD_DOCS).map(([keyword, doc]) => ({ label: keyword, kind: CompletionItemKind.Keyword, documentation: doc.description, insertText: `${keyword}: ` })),
        { label: 'x-sensitive', kind: CompletionItemKind.Keyword, documentation: 'The value never reaches a log.', insertText: 'x-sensitive: true' },
      ];
    }
    return [];
  });

  connection.onCodeAction((params): CodeAction[] => {
    const index = indexOf(params.textDocument.uri);
    if (index === undefined) return [];
    const actions: CodeAction[] = [];
    for (const diagnostic of params.context.diagnostics) {
      if (diagnostic.source !== 'eventspec') continue;
      const hint = diagnostic.relatedInformation?.[0]?.message ?? '';
      const suggestion = /did you mean `([^`]+)`/.exec(hint)?.[1];
      if (suggestion !== undefined && diagnostic.code !== 'undeclared-domain') {
        const original = index.text.slice(index.offset(diagnostic.range.start), index.offset(diagnostic.range.end));
        const replacement = diagnostic.code === 'undefined-ref' && /^['"]/.test(original) ? `${original[0]}${suggestion}${original[0]}` : suggestion;
        actions.push({ title: `Change to \`${suggestion}\``, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: true, edit: { changes: { [params.textDocument.uri]: [{ range: diagnostic.range, newText: replacement }] } } });
      }
      if (diagnostic.code === 'undeclared-domain') {
        const domain = /belongs to domain `([^`]+)`/.exec(typeof diagnostic.message === 'string' ? diagnostic.message : diagnostic.message.value)?.[1];
        const domains = index.span(['domains'], true);
        if (domain !== undefined && domains !== undefined) {
          const lineEnd = index.text.indexOf('\n', domains.end);
          const at = index.position(lineEnd < 0 ? index.text.length : lineEnd + 1);
          actions.push({ title: `Declare the domain \`${domain}\``, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], edit: { changes: { [params.textDocument.uri]: [{ range: { start: at, end: at }, newText: `  ${domain}: Describe the ${domain} domain.\n` }] } } });
        }
      }
      if (diagnostic.code === 'missing-type') {
        const type = /add `type: (\w+)`/.exec(hint)?.[1];
        if (type !== undefined) {
          const at = diagnostic.range.start;
          const line = index.text.split('\n')[at.line] ?? '';
          const flow = line.slice(0, at.character).trimEnd().endsWith('{') || line.slice(0, at.character).trimEnd().endsWith(',');
          actions.push({ title: `Add \`type: ${type}\``, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], edit: { changes: { [params.textDocument.uri]: [{ range: { start: at, end: at }, newText: flow ? `type: ${type}, ` : `type: ${type}\n${' '.repeat(at.character)}` }] } } });
        }
      }
    }
    return actions;
  });

  documents.listen(connection);
  return new Promise((resolve) => {
    connection.onExit(() => {
      for (const timer of timers.values()) clearTimeout(timer);
      resolve();
    });
    connection.listen();
  });
}

/** The catalogue's sections as plain data, however broken the rest is. */
function indexDocument(index: YamlIndex): { events: Record<string, Record<string, unknown> | undefined>; types: Record<string, Record<string, unknown> | undefined>; domains: Record<string, unknown> } {
  const data = index.data();
  const section = (name: string): Record<string, never> => {
    const value = typeof data === 'object' && data !== null ? (data as Record<string, unknown>)[name] : undefined;
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, never>) : {};
  };
  return { events: section('events'), types: section('types'), domains: section('domains') };
}

/** The path of the mapping a key typed at `indent` on the line starting at `lineStart` belongs to. */
function enclosingPath(index: YamlIndex, lineStart: number, indent: number): (string | number)[] {
  const lines = index.text.slice(0, lineStart).split('\n');
  for (let line = lines.length - 1; line >= 0; line--) {
    const text = lines[line] ?? '';
    const own = /^(\s*)[^\s#]/.exec(text)?.[1]?.length;
    if (own === undefined || own >= indent) continue;
    const start = lines.slice(0, line).reduce((sum, each) => sum + each.length + 1, 0) + own;
    const found = index.at(start);
    return found?.onKey === true ? [...found.path] : [];
  }
  return [];
}
