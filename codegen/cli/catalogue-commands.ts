/** The commands that work on the catalogue itself: `init`, `diff`, `bump`. */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fileProblemOf, readRegularFile } from './files.ts';
import { lintCatalogue, type LintResult } from '../pipeline/index.ts';
import { CATALOGUE_SCHEMA_FILE } from '../pipeline/validate/structure.ts';
import type { Paint } from './color.ts';
import { keepAdvice } from '../diff/history.ts';
import { formatAnnotation, formatDiagnostics } from './format-diagnostics.ts';
import { STARTER_CATALOGUE } from './starter.ts';
import { EXIT, paints, type Console } from './console.ts';
import { readAtRef, UsageError, type DiffSide, type Parsed } from './arguments.ts';

/** This package's root and manifest (found upward from this module: from source or from dist/). */
export function ownPackage(): { root: string; version: string } {
  for (let url = new URL('./', import.meta.url); ; url = new URL('../', url)) {
    const candidate = new URL('package.json', url);
    if (existsSync(candidate)) {
      const manifest = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
      if (manifest.name === '@eventspec/cli') return { root: fileURLToPath(url), version: manifest.version ?? 'unknown' };
    }
    if (url.pathname === '/') return { root: fileURLToPath(new URL('../', import.meta.url)), version: 'unknown' };
  }
}

/** The modeline that points editors (yaml-language-server) at the catalogue's JSON Schema in this package. */
function schemaModeline(catalogue: string): string {
  const schema = relative(dirname(catalogue), join(ownPackage().root, CATALOGUE_SCHEMA_FILE)).split(sep).join('/');
  return `# yaml-language-server: $schema=${schema.startsWith('.') ? schema : `./${schema}`}\n`;
}

export function init(path: string, io: Console): number {
  if (existsSync(path)) {
    io.err(`eventspec: ${path} exists; init writes a new catalogue and never overwrites one`);
    return EXIT.problems;
  }
  writeFileSync(path, schemaModeline(path) + STARTER_CATALOGUE, { flag: 'wx' });
  const name = basename(path);
  io.out(`created ${name}: one domain (order) and one event (order.placed).

Next:
  1. describe your events in ${name}
  2. npx eventspec generate            writes generated/ beside it
  3. import { emitOrderPlaced, eventRegistry, type PayloadMap } from './generated/index.js';
  4. in CI: npx eventspec check         fails when generated/ is stale`);
  return EXIT.ok;
}

export async function runDiff(parsed: Extract<Parsed, { kind: 'diff' }>, io: Console, colors: Paint): Promise<number> {
  const { diffCatalogues } = await import('../diff/diff.ts');
  const { diffAnnotations, formatDiffJson, formatDiffText, locateChanges } = await import('../diff/format-diff.ts');
  const { consumerImpact } = await import('../diff/impact.ts');
  const lint = (side: DiffSide): LintResult | undefined => {
    let text: string;
    try {
      text = side.read();
    } catch (error) {
      if (error instanceof UsageError) throw error;
      io.err(`eventspec: ${(fileProblemOf(error) ?? (error as Error)).message}`);
      return undefined;
    }
    const linted = lintCatalogue(text, side.name);
    if (!linted.ok) io.err(formatDiagnostics(linted.diagnostics, 'text', colors, (file) => (file === side.name ? text : undefined)));
    return linted;
  };
  const before = lint(parsed.old);
  const after = lint(parsed.new);
  if (before === undefined || after === undefined) return EXIT.usage;
  if (!before.ok) return EXIT.problems;
  // A new catalogue that is sound but misses a kept version or an upcaster is still compared:
  // what to keep is what diff can tell.
  const newSide = after.ok ? after : after.partial;
  if (newSide === undefined) return EXIT.problems;
  const result = diffCatalogues(before.model, newSide.model, parsed.mode);
  const changes = locateChanges(result, parsed.new.name, (change) => newSide.locate(change.path));
  const advice = keepAdvice(result, before, newSide);
  const impact = consumerImpact(result, before.model, newSide.model);
  const format = parsed.config.format;
  if (format === 'json') io.out(formatDiffJson(result, changes, advice, impact));
  else if (format === 'github') {
    const located = advice.map((each) => ({ ...each, file: parsed.new.name, ...newSide.locate(['events', each.event]) }));
    const placed = impact.map((each) => ({ ...each, file: parsed.new.name, ...newSide.locate(each.path) }));
    io.out([...diffAnnotations(result, changes, located, placed).map(formatAnnotation), formatDiffText(result, changes, advice, impact)].join('\n'));
  }
  else io.out(formatDiffText(result, changes, advice, impact));
  return result.failed || !after.ok || impact.some((each) => each.fails) ? EXIT.problems : EXIT.ok;
}

/**
 * Why bumping now would record the wrong schema, or undefined: `bump` keeps the payload as it is
 * as the old version, so a payload already edited since the last commit (at the same version)
 * would become history that no event was written with. Outside git there is nothing to compare.
 */
function editedSinceCommit(text: string, cataloguePath: string, catalogueName: string, event: string): string | undefined {
  let committed: string;
  try {
    committed = readAtRef('HEAD', cataloguePath, catalogueName);
  } catch {
    return undefined;
  }
  const before = lintCatalogue(committed, `HEAD:${catalogueName}`);
  const now = lintCatalogue(text, catalogueName);
  if (!before.ok || !now.ok) return undefined;
  const old = Object.hasOwn(before.document.events, event) ? before.document.events[event] : undefined;
  const current = Object.hasOwn(now.document.events, event) ? now.document.events[event] : undefined;
  if (old === undefined || current === undefined || (old.version ?? 1) !== (current.version ?? 1)) return undefined;
  if (JSON.stringify(old.payload) === JSON.stringify(current.payload)) return undefined;
  return `the payload of ${event} already differs from the committed ${catalogueName} (HEAD), at the same version ${current.version ?? 1}: bump would keep the edited schema as version ${current.version ?? 1}, which no event was written with. Put the committed payload back (\`git checkout HEAD -- ${catalogueName}\`, or undo the edit), run bump, then edit; or commit first if the edit is what version ${current.version ?? 1} is`;
}

export async function runBump(parsed: Extract<Parsed, { kind: 'bump' }>, io: Console): Promise<number> {
  const { bumpEvent } = await import('./bump.ts');
  const { cataloguePath, catalogueName } = parsed.config;
  const text = readRegularFile(cataloguePath, catalogueName);
  const edited = editedSinceCommit(text, cataloguePath, catalogueName, parsed.event);
  if (edited !== undefined) {
    io.err(`eventspec: ${edited}`);
    return EXIT.problems;
  }
  const result = bumpEvent(text, catalogueName, parsed.event, parsed.upcast);
  if (!result.ok) {
    if (result.diagnostics !== undefined) io.err(formatDiagnostics(result.diagnostics, 'text', paints(io).err, (file) => (file === catalogueName ? text : undefined)));
    io.err(`eventspec: ${result.message}`);
    return EXIT.problems;
  }
  // Written beside and renamed over: an interrupted bump leaves the old file whole.
  const staging = `${cataloguePath}.eventspec-bump`;
  writeFileSync(staging, result.text);
  renameSync(staging, cataloguePath);
  io.out(`${parsed.event}: version ${result.from} kept under \`previous\`; now at version ${result.to}.

Next:
  1. change the payload of ${parsed.event} in ${catalogueName}
  2. eventspec lint      a breaking step asks for \`upcast: <what changes>\` on version ${result.from}${parsed.upcast === undefined ? '' : ' (declared)'}
  3. eventspec generate  then implement it: defineUpcasters({ '${parsed.event}': { v${result.from}: (payload, event) => ... } })`);
  return EXIT.ok;
}
