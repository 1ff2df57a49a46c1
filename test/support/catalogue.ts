import { readFileSync } from 'node:fs';
import { lintCatalogue } from '../../codegen/pipeline/index.ts';
import type { CatalogueModel } from '../../codegen/pipeline/model.ts';

export const CATALOGUE_PATH = new URL('../../catalog.yaml', import.meta.url);
export const GENERATED_DIR = new URL('../../generated/', import.meta.url);

/** The project's own catalogue, as the generator models it: tests derive their cases from it. */
export function projectModel(): CatalogueModel {
  const result = lintCatalogue(readFileSync(CATALOGUE_PATH, 'utf8'), 'catalog.yaml');
  if (!result.ok) throw new Error(`catalog.yaml does not lint: ${JSON.stringify(result.diagnostics)}`);
  return result.model;
}

/** The catalogue's sensitive values, as catalog.yaml marks them: each event's keys with `x-sensitive`. */
export const SENSITIVE_KEYS: Readonly<Record<string, readonly string[]>> = {
  'tool.invoked': ['arguments'],
  'tool.completed': ['output'],
  'session.message_received': ['content'],
  'session.message_sent': ['content'],
  'memory.stored': ['content'],
  'memory.recalled': ['query'],
  'system.config_changed': ['previous', 'current'],
};
