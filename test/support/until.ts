/** Polls `check` until it holds; fails naming `what` (and `context()`, if given) after `timeoutMs`. */
export async function until(check: () => boolean, what: string, timeoutMs = 30_000, context: () => string = () => ''): Promise<void> {
  for (let waited = 0; !check(); waited += 25) {
    if (waited > timeoutMs) throw new Error(`timed out waiting for ${what}${context()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
