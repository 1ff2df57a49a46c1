/** vitest's global setup: the compiled commands, built before any test file runs and again before each rerun in watch mode. */
import type { TestProject } from 'vitest/node';
import { buildCommands } from './built-commands.ts';

export default function setup(project: TestProject): void {
  buildCommands();
  project.onTestsRerun(() => buildCommands());
}
