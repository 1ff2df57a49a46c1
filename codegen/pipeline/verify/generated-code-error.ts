/** Generated code that does not parse: always a bug in eventspec, never the user's mistake. */
export class GeneratedCodeError extends Error {
  override readonly name = 'GeneratedCodeError';
}

/** Throws `GeneratedCodeError` for the syntax errors found in generated code, if any. */
export function assertParses(problems: readonly string[]): void {
  if (problems.length > 0) {
    throw new GeneratedCodeError(`eventspec produced code that does not parse (a bug in eventspec, please report it):\n${problems.join('\n')}`);
  }
}
