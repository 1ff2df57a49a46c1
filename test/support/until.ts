/**
 * Polls `check` until it holds; fails naming `what` (and `context()`, if given) after `timeoutMs`:
 * 60 s by default, as a loaded 2-core machine runs these three times slower than an idle one.
 */
export async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000, context: () => string = () => ''): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}${context()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
