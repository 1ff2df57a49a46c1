/**
 * The generator as one function per use: lint (load → validate → model → examples) and
 * render (lint → render). Pure: text in, diagnostics and file texts out. Verification is
 * separate (`verify.ts`, or `verifier.ts` on a worker thread), so that only its callers load ts-morph.
 */
import type { CatalogueDocument } from '../catalogue/types.ts';
import { hasErrors, sortDiagnostics, type Diagnostic, type DocPath, type Finding, type SourcePosition } from '../catalogue/diagnostics.ts';
import { checkExamples } from './examples.ts';
import { loadCatalogue, type LoadCache } from './load.ts';
import { buildModel, type CatalogueModel } from './model.ts';
import { renderFiles, type RenderedFiles } from './render/files.ts';
import { validateCatalogue } from './validate/index.ts';
import { checkVersionSteps } from './versions.ts';

export type LintResult =
  | {
      readonly ok: true;
      readonly diagnostics: readonly Diagnostic[];
      readonly model: CatalogueModel;
      /** The validated catalogue (local definitions lifted into shared types). */
      readonly document: CatalogueDocument;
      /** Line and column of any path in the catalogue (for reports of later tools, such as diff). */
      readonly locate: (path: DocPath) => SourcePosition;
    }
  | {
      readonly ok: false;
      readonly diagnostics: readonly Diagnostic[];
      /**
       * The model, when the catalogue is sound and only its examples or version steps failed:
       * enough for tools that compare catalogues (diff still says what to keep).
       */
      readonly partial?: { readonly model: CatalogueModel; readonly document: CatalogueDocument; readonly locate: (path: DocPath) => SourcePosition };
    };

export interface LintOptions {
  /** Warnings fail, as errors do (also the catalogue's `defaults.strict`). */
  readonly strict?: boolean;
  /** Parsed pieces of the previous text of the same file, for linting as the user types. */
  readonly cache?: LoadCache;
}

/** Positioned and sorted; in strict mode warnings fail as errors do. */
function finish(findings: readonly Finding[], place: (finding: Finding) => Diagnostic, strict: boolean): Diagnostic[] {
  return sortDiagnostics(findings.map(place)).map((diagnostic) =>
    strict && diagnostic.severity === 'warning' ? { ...diagnostic, severity: 'error' as const, message: `${diagnostic.message} (a warning, failing in strict mode)` } : diagnostic,
  );
}

/** Every problem in the catalogue at once, and its model when it has no errors. */
export function lintCatalogue(text: string, file: string, options: LintOptions = {}): LintResult {
  const loaded = loadCatalogue(text, file, options.cache);
  if (!loaded.ok) return { ok: false, diagnostics: sortDiagnostics(loaded.diagnostics) };
  const { place } = loaded.catalogue;
  const validated = validateCatalogue(loaded.catalogue.data);
  if (!validated.ok) return { ok: false, diagnostics: sortDiagnostics(validated.findings.map(place)) };
  const model = buildModel(validated.document);
  const diagnostics = finish([...validated.findings, ...checkExamples(model), ...checkVersionSteps(model)], place, options.strict === true || validated.document.defaults?.strict === true);
  const locate = (path: DocPath): SourcePosition => {
    const { line, column } = place({ code: 'invalid-structure', path, message: '' });
    return { line, column };
  };
  const sound = { model, document: validated.document, locate };
  return hasErrors(diagnostics) ? { ok: false, diagnostics, partial: sound } : { ok: true, diagnostics, ...sound };
}

/**
 * The diagnostics `lintCatalogue` gives, and nothing else: what an editor shows as the user types.
 * The model is built only when examples or version steps need it for their check.
 */
export function diagnoseCatalogue(text: string, file: string, options: LintOptions = {}): readonly Diagnostic[] {
  const loaded = loadCatalogue(text, file, options.cache);
  if (!loaded.ok) return sortDiagnostics(loaded.diagnostics);
  const { place } = loaded.catalogue;
  const validated = validateCatalogue(loaded.catalogue.data);
  if (!validated.ok) return sortDiagnostics(validated.findings.map(place));
  // Only events with examples or kept versions have findings that need the model: the model of
  // those alone gives the same findings, in a fraction of the time on a large catalogue.
  const document = validated.document;
  const judged = Object.entries(document.events).filter(([, event]) => (event.examples?.length ?? 0) > 0 || (event.previous?.length ?? 0) > 0);
  const model = judged.length === 0 ? undefined : buildModel({ ...document, events: Object.fromEntries(judged) });
  const modelFindings = model === undefined ? [] : [...checkExamples(model), ...checkVersionSteps(model)];
  return finish([...validated.findings, ...modelFindings], place, options.strict === true || validated.document.defaults?.strict === true);
}

export type GenerateResult =
  | { readonly ok: true; readonly diagnostics: readonly Diagnostic[]; readonly model: CatalogueModel; readonly files: RenderedFiles }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };


export interface GenerateOptions {
  /** The catalogue as diagnostics should name it. */
  readonly file: string;
  /** The catalogue as generated headers name it. */
  readonly headerName: string;
  /** Warnings fail, as errors do. */
  readonly strict?: boolean;
  /** Hears of each file as soon as it is rendered. */
  readonly onFile?: (path: string, text: string) => void;
}

/** Lints, then renders every generated file; nothing is verified or written here. */
export function renderCatalogue(text: string, options: GenerateOptions): GenerateResult {
  const linted = lintCatalogue(text, options.file, { strict: options.strict === true });
  if (!linted.ok) return linted;
  return { ok: true, diagnostics: linted.diagnostics, model: linted.model, files: renderFiles(linted.model, { catalogueName: options.headerName }, options.onFile) };
}
