/** The generator's programmatic entry point: lint, render and verify, all in this thread. */
import { renderCatalogue, type GenerateOptions, type GenerateResult } from './index.ts';
import { verifyFiles } from './verify/verify.ts';

export type { GenerateOptions, GenerateResult };

/** Every generated file for a catalogue text, verified to parse; nothing is written. */
export function generateFiles(text: string, options: GenerateOptions): GenerateResult {
  const result = renderCatalogue(text, options);
  if (result.ok) verifyFiles(result.files);
  return result;
}
